// CPU profile of batchCreate of 10,000 items on the canned transport, beside the raw BatchWriteItem
// loop it is compared with, and of tablegraph's own part alone (batchCreate on a backend that sends
// nothing): `node --import tsx bench/profile/scale.ts [seconds]`. Written to
// bench/results/profiles/scale-{raw,batchCreate,prepare}.cpuprofile.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { summarise } from '../lib/profile-summary.js';
import { RESULTS } from '../lib/report.js';
import { batchSubjects } from '../scale/fixture.js';
import { nullBatchCreate } from '../scale/prepare.js';

const seconds = Number(process.argv[2] ?? 6);
const { raw, orm } = batchSubjects(10_000, 4);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
const dir = join(RESULTS, 'profiles');
mkdirSync(dir, { recursive: true });
for (const [name, fn] of [
  ['raw', raw],
  ['batchCreate', orm],
  ['prepare', nullBatchCreate(10_000)],
] as const) {
  await fn();
  await session.post('Profiler.start');
  const end = Date.now() + seconds * 1000;
  let calls = 0;
  const c0 = process.cpuUsage();
  while (Date.now() < end) {
    await fn();
    calls++;
  }
  const c = process.cpuUsage(c0);
  const { profile } = await session.post('Profiler.stop');
  const path = join(dir, `scale-${name}.cpuprofile`);
  writeFileSync(path, JSON.stringify(profile));
  console.log(
    `\n### ${name} of 10,000: ${calls} calls, ${((c.user + c.system) / 1000 / calls).toFixed(0)} CPU ms per call`,
  );
  // tablegraph's own part: its files only (the backend sends nothing).
  console.log(summarise(path, 25, name === 'prepare' ? /src\/orm/ : undefined));
}
session.disconnect();
