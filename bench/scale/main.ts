// Scale: batchCreate against a raw BatchWriteItem loop at the same concurrency (canned transport:
// client-side cost only), a paginated walk on the in-memory backend (time per item at the start
// and at the end of the walk: linear or quadratic?) and the heap a `for await` walk holds, on the
// in-memory backend and on dynalite (one separate process, so only the client's heap is measured).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { DynamoDBBackend, InMemoryBackend } from '../../src/orm/index.js';
import { describeMachine, machine } from '../lib/machine.js';
import { pick } from '../lib/mode.js';
import { ratio, table, writeResult } from '../lib/report.js';
import { collect, hasGc, rotate, stats } from '../lib/timing.js';
import { startEngine } from '../server/processes.js';
import { batchSubjects, defineEvent, event } from './fixture.js';
import { prepareCost } from './prepare.js';

const BATCH_N = Number(process.env.BENCH_BATCH_N ?? 10_000);
// Paired rounds (raw and tablegraph back to back, order alternating): 9 even in quick mode, the
// machine being shared.
const BATCH_ROUNDS = Number(process.env.BENCH_ROUNDS ?? pick(9, 15));
// 100,000 in both modes: the walk is linear (an ordered index per partition), a few seconds.
const WALK_N = Number(process.env.BENCH_WALK_N ?? 100_000);
const DYNALITE_N = Number(process.env.BENCH_DYNALITE_N ?? pick(20_000, 20_000));
const PAGE = 100;
const CONCURRENCY = 4; // the DynamoDB backend's batch concurrency
const mb = (bytes: number) => bytes / 2 ** 20;

async function batchCreateVsRaw() {
  const { raw, orm } = batchSubjects(BATCH_N, CONCURRENCY);
  const subjects = [
    { name: 'raw BatchWriteItem loop', fn: raw, ms: [] as number[] },
    { name: 'tablegraph batchCreate', fn: orm, ms: [] as number[] },
  ];
  for (const s of subjects) await s.fn(); // warm-up
  for (let r = 0; r < BATCH_ROUNDS; r++)
    for (const s of rotate(subjects, r)) {
      collect();
      const c0 = process.cpuUsage();
      await s.fn();
      const c = process.cpuUsage(c0);
      s.ms.push((c.user + c.system) / 1000); // CPU ms of this process: steady on a shared machine
    }
  const [rawS, ormS] = subjects.map((s) => stats(s.ms));
  // The ratio within each round (both ran under the same load), then its median across rounds.
  const perRound = subjects[1]!.ms.map((ms, r) => ms / subjects[0]!.ms[r]!);
  return {
    n: BATCH_N,
    rounds: BATCH_ROUNDS,
    raw: rawS!,
    orm: ormS!,
    ratio: stats(perRound).median,
    ratioOfMedians: ormS!.median / rawS!.median,
  };
}

/** Walks every item, a page at a time through cursors; µs per item of the first and last tenth. */
async function memoryPaginatedWalk() {
  const backend = new InMemoryBackend();
  const Event = defineEvent(backend);
  for (let i = 0; i < WALK_N; i += 1000)
    await Event.batchCreate(
      Array.from({ length: Math.min(1000, WALK_N - i) }, (_, j) => event(i + j)),
    );
  const pageUs: number[] = [];
  let cursor: string | null = null;
  let seen = 0;
  const t0 = performance.now();
  do {
    const c0 = process.cpuUsage();
    let q = Event.where({ streamId: 's1' }).limit(PAGE);
    if (cursor) q = q.cursor(cursor);
    const page: { items: unknown[]; cursor: string | null } = await q.paginate();
    const c = process.cpuUsage(c0);
    pageUs.push((c.user + c.system) / Math.max(1, page.items.length));
    seen += page.items.length;
    cursor = page.cursor;
  } while (cursor);
  const totalMs = performance.now() - t0;
  const tenth = Math.max(1, Math.floor(pageUs.length / 10));
  const start = stats(pageUs.slice(0, tenth)).median;
  const end = stats(pageUs.slice(-tenth)).median;
  return {
    n: WALK_N,
    seen,
    totalMs,
    usPerItemStart: start,
    usPerItemEnd: end,
    endOverStart: end / start,
    backend,
    Event,
  };
}

/** Heap growth while a `for await` walk is in progress (after a full GC), against the heap before. */
async function forAwaitHeap(Event: { where(c: object): AsyncIterable<unknown> }, n: number) {
  collect();
  const before = process.memoryUsage().heapUsed;
  const samples: number[] = [];
  let seen = 0;
  const every = Math.max(1000, Math.floor(n / 10));
  const t0 = performance.now();
  for await (const _ of Event.where({ streamId: 's1' })) {
    seen++;
    if (seen % every === 0) {
      collect();
      samples.push(process.memoryUsage().heapUsed - before);
    }
  }
  const ms = performance.now() - t0;
  return {
    n,
    seen,
    ms,
    heapGrowthMb: samples.map(mb),
    maxGrowthMb: mb(Math.max(0, ...samples)),
    lastOverFirst: samples.length > 1 ? samples[samples.length - 1]! / Math.max(1, samples[0]!) : 1,
  };
}

async function dynaliteWalk() {
  const engine = await startEngine();
  try {
    const backend = new DynamoDBBackend({ tableName: 'scale', endpoint: engine.endpoint });
    const Event = defineEvent(backend);
    await backend.createTable([Event] as never);
    for (let i = 0; i < DYNALITE_N; i += 1000)
      await Event.batchCreate(
        Array.from({ length: Math.min(1000, DYNALITE_N - i) }, (_, j) => event(i + j)),
      );
    const r = await forAwaitHeap(Event, DYNALITE_N);
    backend.close();
    return r;
  } finally {
    await engine.stop();
  }
}

if (!hasGc)
  console.log('scale: run with node --expose-gc for the heap figures (`npm run bench` does)');
const batch = await batchCreateVsRaw();
console.log(
  `scale: batchCreate ${batch.n}: raw ${batch.raw.median.toFixed(0)} ms, tablegraph ${batch.orm.median.toFixed(0)} ms, ratio ${ratio(batch.ratio)}`,
);
// tablegraph's own work per item (validation, instance, item, key and limit checks), no SDK at all.
const prepare = (await prepareCost(BATCH_ROUNDS, BATCH_N, ['batchCreate'])).batchCreate;
console.log(
  `scale: batchCreate's own work: ${prepare.median.toFixed(2)} µs per item (min ${prepare.min.toFixed(2)})`,
);
const walk = await memoryPaginatedWalk();
console.log(
  `scale: memory paginated walk ${walk.n}: ${(walk.totalMs / 1000).toFixed(1)} s, ${walk.usPerItemStart.toFixed(1)} -> ${walk.usPerItemEnd.toFixed(1)} µs per item (x${walk.endOverStart.toFixed(2)})`,
);
const memHeap = await forAwaitHeap(walk.Event as never, walk.n);
console.log(
  `scale: memory for await ${walk.n}: heap +${memHeap.maxGrowthMb.toFixed(1)} MB at most`,
);
const dyn = await dynaliteWalk();
console.log(`scale: dynalite for await ${dyn.n}: heap +${dyn.maxGrowthMb.toFixed(1)} MB at most`);

const m = machine();
const { backend: _b, Event: _e, ...walkOut } = walk;
writeResult('scale.json', {
  machine: m,
  batch,
  prepareUsPerItem: prepare,
  walk: walkOut,
  memoryForAwait: memHeap,
  dynaliteForAwait: dyn,
});
const growth = (r: typeof memHeap) => r.heapGrowthMb.map((x) => x.toFixed(1)).join(', ');
writeResult(
  'scale.md',
  `Scale (${describeMachine(m)}):\n\n${table(
    ['measure', 'result', 'target'],
    [
      [
        `\`batchCreate\` of ${batch.n} vs a raw BatchWriteItem loop (25 per request, ${CONCURRENCY} in flight; canned transport, ${batch.rounds} alternating rounds, CPU time; median of the per-round ratios)`,
        `${batch.orm.median.toFixed(0)} vs ${batch.raw.median.toFixed(0)} ms: ${ratio(batch.ratio)}`,
        '<= 1.05x',
      ],
      [
        `of which tablegraph's own work: \`batchCreate\` of ${batch.n} on a backend that sends nothing (validation, instances, items, keys, DynamoDB's limits; CPU µs per item, min / median of ${batch.rounds} rounds)`,
        `${prepare.min.toFixed(2)} / ${prepare.median.toFixed(2)} µs per item`,
        '',
      ],
      [
        `paginated walk of ${walk.n} on the in-memory backend (pages of ${PAGE} through cursors; CPU µs per item, median page of each tenth)`,
        `${(walk.totalMs / 1000).toFixed(1)} s wall; ${walk.usPerItemStart.toFixed(1)} µs per item in the first tenth, ${walk.usPerItemEnd.toFixed(1)} in the last (x${walk.endOverStart.toFixed(2)})`,
        'linear (x1)',
      ],
      [
        `\`for await\` over ${memHeap.n} on the in-memory backend: heap growth after GC, every tenth`,
        `${growth(memHeap)} MB (${(memHeap.ms / 1000).toFixed(1)} s)`,
        'flat',
      ],
      [
        `\`for await\` over ${dyn.n} on dynalite (separate process): client heap growth after GC, every tenth`,
        `${growth(dyn)} MB (${(dyn.ms / 1000).toFixed(1)} s)`,
        'flat',
      ],
    ],
  )}\n`,
);
