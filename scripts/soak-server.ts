// The real server (`npm start`'s entry, scripts/start.ts) with a control port for `npm run soak`:
// GET /memory answers process.memoryUsage() after full garbage collections (node --expose-gc),
// GET /snapshot writes a heap snapshot and answers its path. The control port is SOAK_CONTROL_PORT.
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

async function collected(): Promise<NodeJS.MemoryUsage> {
  // Several rounds, with turns of the event loop between them: finalizers and weak maps settle.
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage();
}

createServer((req, res) => {
  const answer = (value: unknown) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(value));
  };
  if (req.url === '/memory') void collected().then(answer);
  else if (req.url?.startsWith('/snapshot'))
    void collected().then(() =>
      answer({
        file: writeHeapSnapshot(
          join(process.env.SOAK_SNAPSHOT_DIR ?? tmpdir(), `soak-${Date.now()}.heapsnapshot`),
        ),
      }),
    );
  else {
    res.statusCode = 404;
    res.end();
  }
}).listen(Number(process.env.SOAK_CONTROL_PORT), '127.0.0.1');

await import('./start.js');
