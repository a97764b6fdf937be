// A CPU profile of the real server under load: `npm start`'s entry with --cpu-prof on one separate
// dynalite process, autocannon (20 connections) on one operation, then a clean stop (the profile
// is written at exit). `node --import tsx bench/profile/server.ts [operation index 0-2] [seconds]
// [tablegraph|handwritten]` (the hand-written server's profile is the baseline to compare with).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { summarise } from '../lib/profile-summary.js';
import { RESULTS } from '../lib/report.js';
import { seed, TABLE } from '../server/data.js';
import { startEngine, startServer } from '../server/processes.js';
import { HEADERS, probeNames, throughputOps } from '../server/queries.js';

const index = Number(process.argv[2] ?? 2);
const seconds = Number(process.argv[3] ?? 10);
const kind = process.argv[4] === 'handwritten' ? 'handwritten' : 'tablegraph';
const dir = join(RESULTS, 'profiles', `${kind === 'tablegraph' ? 'server' : kind}-${index}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const engine = await startEngine();
try {
  await seed(engine.endpoint);
  const names = await probeNames('');
  const server = await startServer(kind, engine, TABLE, names, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    '--cpu-prof-interval=200',
  ]);
  const op = throughputOps(names)[index]!;
  const r = await autocannon({
    url: server.url,
    connections: 20,
    duration: seconds,
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ query: op.query }),
  });
  await server.stop();
  console.log(
    `### ${kind} ${op.name}: ${r.requests.total} requests, ${(r.requests.total / r.duration).toFixed(1)} req/s`,
  );
  const biggest = readdirSync(dir)
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  console.log(summarise(biggest, 25, /src\/|graphql|pothos|yoga/));
} finally {
  await engine.stop();
}
