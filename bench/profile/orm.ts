// CPU profiles of tablegraph's hot paths on the canned transport (no network): one profile per
// operation, taken in-process with the inspector, summarised as self / inclusive % per
// file:function. `node --import tsx bench/profile/orm.ts [get,query,batchGet,put,update] [seconds]`.
// Profiles are written to bench/results/profiles/orm-<op>.cpuprofile (open them in Chrome DevTools).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { summarise } from '../lib/profile-summary.js';
import { RESULTS } from '../lib/report.js';
import { prepareSubject } from '../orm/bench.js';
import type { Op } from '../orm/subject.js';

const ops = (process.argv[2] ?? 'get,query,batchGet,put').split(',') as Op[];
const seconds = Number(process.argv[3] ?? 4);
const { run } = await prepareSubject('tablegraph');
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
const dir = join(RESULTS, 'profiles');
mkdirSync(dir, { recursive: true });
for (const op of ops) {
  const fn = run(op);
  const warm = Date.now() + 1000;
  while (Date.now() < warm) await fn();
  await session.post('Profiler.start');
  const end = Date.now() + seconds * 1000;
  let calls = 0;
  while (Date.now() < end) {
    await fn();
    calls++;
  }
  const { profile } = await session.post('Profiler.stop');
  const path = join(dir, `orm-${op}.cpuprofile`);
  writeFileSync(path, JSON.stringify(profile));
  console.log(
    `\n### tablegraph ${op}: ${calls} calls, ${((seconds * 1e6) / calls).toFixed(0)} µs per call`,
  );
  console.log(summarise(path, 18, /src\/orm|src\/schema/));
}
session.disconnect();
