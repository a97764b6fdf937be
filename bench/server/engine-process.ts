// One dynalite process (in memory) for the server benches, so engine CPU stays out of the servers
// being measured. It counts requests per operation; a control port answers GET /counts (JSON) and
// POST /reset. Prints one JSON line: { "endpoint": ..., "control": ... }.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

const counts: Record<string, number> = {};
const store = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
store.on('request', (req: { headers: Record<string, string | undefined> }) => {
  const target = req.headers['x-amz-target']?.split('.')[1] ?? '?';
  counts[target] = (counts[target] ?? 0) + 1;
});
const control = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/reset')
    for (const k of Object.keys(counts)) delete counts[k];
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(counts));
});
await new Promise<void>((ok) => store.listen(0, '127.0.0.1', () => ok()));
await new Promise<void>((ok) => control.listen(0, '127.0.0.1', () => ok()));
const port = (s: { address(): unknown }) => (s.address() as AddressInfo).port;
console.log(
  JSON.stringify({
    endpoint: `http://127.0.0.1:${port(store)}`,
    control: `http://127.0.0.1:${port(control)}`,
  }),
);
process.on('SIGTERM', () => process.exit(0));
