// The client-side ORM bench: every library on one SDK client whose transport answers canned
// responses from memory, side by side, alternating rounds; ratios to the bare DocumentClient.
import { readFileSync } from 'node:fs';
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CannedTransport } from '../canned-transport.js';
import { describeMachine, type Machine, machine } from '../lib/machine.js';
import { ratio, table, writeResult } from '../lib/report.js';
import { barChart } from '../lib/svg.js';
import { calibrate, collect, rotate, type Stats, stats, timeCallsCpu } from '../lib/timing.js';
import { CHANGES, ITEMS, KEYS, normalise, PAGE, USER } from './fixture.js';
import { OP_LABEL, OPS, type Op, type Subject, type SubjectFactory } from './subject.js';
import { documentClient } from './subjects/document-client.js';
import { dynamooseSubject } from './subjects/dynamoose.js';
import { electrodb } from './subjects/electrodb.js';
import { onetable } from './subjects/onetable.js';
import { tablegraph } from './subjects/tablegraph.js';
import { toolbox } from './subjects/toolbox.js';

const FACTORIES: readonly SubjectFactory[] = [
  documentClient,
  tablegraph,
  electrodb,
  toolbox,
  onetable,
  dynamooseSubject,
];
const BASELINE = 'document-client';

export interface OrmOptions {
  readonly rounds: number;
  /** Wall time of one subject's round of one operation. */
  readonly roundMs: number;
  /** Only these subject ids (all when absent). */
  readonly only?: readonly string[];
  /** Set when the result is the median of several process runs. */
  readonly processRuns?: number;
}

export interface OrmCell {
  readonly op: Op;
  readonly subject: string;
  readonly callsPerRound: number;
  readonly requests: number;
  /** CPU µs per call (user + system of this process): the measure. */
  readonly us: Stats;
  /** Wall-clock µs per call, for reference (includes time other processes held the cores). */
  readonly wallUs: Stats;
  /** Median over rounds of (this round's µs / the DocumentClient's µs in the same round): the result. */
  readonly ratio: number;
  /** Minimum over the DocumentClient's minimum: the least disturbed rounds (a busy machine). */
  readonly ratioMin: number;
}

export interface OrmResult {
  readonly machine: Machine;
  readonly options: OrmOptions;
  readonly subjects: { id: string; name: string }[];
  readonly cells: OrmCell[];
  readonly notes: string[];
}

function setup(only?: readonly string[]) {
  const transport = new CannedTransport();
  // DynamoDB (the aggregated client) is a DynamoDBClient with methods: Dynamoose needs those.
  const client = new DynamoDB({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: transport as never,
    maxAttempts: 1,
  });
  const doc = DynamoDBDocumentClient.from(client);
  return { transport, clients: { client, doc }, only };
}

/** Learns each library's stored layout from its own writes and serves those items back to it. */
async function cannedFromOwnWrites(transport: CannedTransport, s: Subject): Promise<void> {
  transport.use('');
  transport.capture();
  for (const item of ITEMS) await s.put(structuredClone(item));
  const puts = transport.stopCapture().filter((r) => r.target === 'PutItem');
  if (puts.length !== ITEMS.length)
    throw new Error(`${s.name}: ${puts.length} PutItem for ${ITEMS.length} puts`);
  const tableName = puts[0]!.body.TableName as string;
  const stored = puts.map((r) => r.body.Item);
  transport.set(s.id, 'GetItem', { Item: stored[0] });
  // The partition holds exactly one page: no LastEvaluatedKey, so no library reads on.
  transport.set(s.id, 'Query', {
    Items: stored,
    Count: stored.length,
    ScannedCount: stored.length,
  });
  transport.set(s.id, 'BatchGetItem', { Responses: { [tableName]: stored }, UnprocessedKeys: {} });
  transport.set(s.id, 'UpdateItem', { Attributes: stored[0] });
  transport.set(s.id, 'PutItem', { Attributes: stored[0] });
  transport.set(s.id, 'DescribeTable', {
    Table: { TableName: tableName, TableStatus: 'ACTIVE' },
  });
}

function operation(s: Subject, op: Op): () => Promise<unknown> {
  const key = KEYS[0]!;
  const item = ITEMS[0]!;
  switch (op) {
    case 'get':
      return () => s.get(key);
    case 'put':
      return () => s.put(item);
    case 'query':
      return () => s.query(USER, PAGE);
    case 'batchGet':
      return () => s.batchGet(KEYS);
    case 'update':
      return () => s.update(key, CHANGES);
  }
}

/** Each library must decode the canned items into the bench item before anything is timed. */
async function sanity(transport: CannedTransport, s: Subject): Promise<Record<Op, number>> {
  transport.use(s.id);
  const requests = {} as Record<Op, number>;
  const expectAll = ITEMS.map(normalise);
  for (const op of OPS) {
    transport.resetCounts();
    const result = await operation(s, op)();
    requests[op] = Object.values(transport.counts).reduce((a, b) => a + b, 0);
    if (op === 'put' || op === 'update') continue;
    const got = s.records(op, result).map(normalise);
    const want = op === 'get' ? [expectAll[0]!] : expectAll;
    const sorted = (xs: string[]) => [...xs].sort();
    if (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(want)))
      throw new Error(
        `${s.name} ${op}: decoded items differ from the bench item\n got  ${got[0]}\n want ${want[0]} (${got.length}/${want.length} items)`,
      );
  }
  return requests;
}

export async function runOrmBench(options: OrmOptions, log = console.log): Promise<OrmResult> {
  const { transport, clients } = setup();
  const subjects: Subject[] = [];
  for (const f of FACTORIES) {
    const s = await f(clients);
    if (!options.only || options.only.includes(s.id) || s.id === BASELINE) subjects.push(s);
  }
  const requests = new Map<string, Record<Op, number>>();
  for (const s of subjects) {
    await cannedFromOwnWrites(transport, s);
    requests.set(s.id, await sanity(transport, s));
  }
  log(`orm: sanity check passed for ${subjects.map((s) => s.name).join(', ')}`);

  const cells: OrmCell[] = [];
  for (const op of OPS) {
    const fns = subjects.map((s) => ({
      s,
      fn: operation(s, op),
      n: 0,
      samples: [] as number[],
      wall: [] as number[],
    }));
    for (const f of fns) {
      transport.use(f.s.id);
      f.n = await calibrate(f.fn, options.roundMs, 1);
    }
    // One full GC per round (not per subject: a GC per slice would cost more than the slices);
    // each round starts with a different subject.
    for (let r = 0; r < options.rounds; r++) {
      collect();
      for (const f of rotate(fns, r)) {
        transport.use(f.s.id);
        const t = await timeCallsCpu(f.fn, f.n);
        f.samples[r] = t.cpu;
        f.wall[r] = t.wall;
      }
    }
    const baseline = fns.find((f) => f.s.id === BASELINE)!.samples;
    const baseStats = stats(baseline);
    for (const f of fns) {
      const us = stats(f.samples);
      cells.push({
        op,
        subject: f.s.id,
        callsPerRound: f.n,
        requests: requests.get(f.s.id)![op],
        us,
        wallUs: stats(f.wall),
        // Paired per round (a slow stretch of a busy machine slows the whole round, not one
        // subject), then the median over rounds.
        ratio: stats(f.samples.map((x, r) => x / baseline[r]!)).median,
        ratioMin: us.min / baseStats.min,
      });
    }
    log(
      `orm: ${OP_LABEL[op]}: ${fns
        .map(
          (f) =>
            `${f.s.name} ${ratio(cells.find((c) => c.op === op && c.subject === f.s.id)!.ratio)}`,
        )
        .join(', ')}`,
    );
  }
  const notes = subjects.flatMap((s) =>
    Object.entries(s.notes ?? {}).map(([op, note]) => `${s.name}, ${OP_LABEL[op as Op]}: ${note}`),
  );
  return {
    machine: machine(),
    options,
    subjects: subjects.map(({ id, name }) => ({ id, name })),
    cells,
    notes,
  };
}

/** One subject with its canned answers in place, for profiling: `run(op)` is the timed call. */
export async function prepareSubject(id: string) {
  const { transport, clients } = setup();
  const factory = FACTORIES.find((f) => f.name === id || f.name === `${id}Subject`);
  if (!factory) throw new Error(`no subject ${id}`);
  const s = await factory(clients);
  await cannedFromOwnWrites(transport, s);
  await sanity(transport, s);
  transport.use(s.id);
  return { subject: s, transport, run: (op: Op) => operation(s, op) };
}

export function ormMarkdown(r: OrmResult): string {
  const cell = (op: Op, id: string) => r.cells.find((c) => c.op === op && c.subject === id)!;
  const ratios = table(
    ['ratio to DocumentClient (median of per-round ratios)', ...OPS.map((op) => OP_LABEL[op])],
    r.subjects.map((s) => [s.name, ...OPS.map((op) => ratio(cell(op, s.id).ratio))]),
  );
  const mins = table(
    ['ratio of minimums', ...OPS.map((op) => OP_LABEL[op])],
    r.subjects.map((s) => [s.name, ...OPS.map((op) => ratio(cell(op, s.id).ratioMin))]),
  );
  const detail = table(
    ['CPU µs per call: min / median / max', ...OPS.map((op) => OP_LABEL[op])],
    r.subjects.map((s) => [
      s.name,
      ...OPS.map((op) => {
        const { min, median, max } = cell(op, s.id).us;
        return `${min.toFixed(0)} / ${median.toFixed(0)} / ${max.toFixed(0)}`;
      }),
    ]),
  );
  const reqs = table(
    ['engine requests per call', ...OPS.map((op) => OP_LABEL[op])],
    r.subjects.map((s) => [s.name, ...OPS.map((op) => String(cell(op, s.id).requests))]),
  );
  return [
    `ORM client-side cost, canned transport (${describeMachine(r.machine)}); ${r.options.rounds} alternating rounds of ~${r.options.roundMs} ms per library and operation${r.options.processRuns ? `, median of ${r.options.processRuns} process runs` : ', one process run'}; CPU time of the process (user + system), paired per round.`,
    '',
    ratios,
    '',
    mins,
    '',
    detail,
    '',
    reqs,
    '',
    ...r.notes.map((n) => `- ${n}`),
  ].join('\n');
}

export function ormChart(r: OrmResult): string {
  const cell = (op: Op, id: string) => r.cells.find((c) => c.op === op && c.subject === id)!;
  return barChart({
    title: 'Client-side cost per call, ratio to the bare DocumentClient (lower is better)',
    subtitle: `CPU time, median of ${r.options.rounds} paired, alternating rounds${r.options.processRuns ? ` and of ${r.options.processRuns} process runs` : ''}; one SDK client on a canned transport`,
    note: describeMachine(r.machine),
    series: r.subjects.filter((s) => s.id !== BASELINE).map((s) => s.name),
    groups: OPS.map((op) => ({
      label: OP_LABEL[op],
      bars: r.subjects
        .filter((s) => s.id !== BASELINE)
        .map((s) => ({ series: s.name, value: cell(op, s.id).ratio })),
    })),
    reference: 1,
    unit: 'x',
  });
}

/** Rewrites the markdown and the chart from a saved result (`bench/results/orm.json`). */
export function rewriteOrm(path: string): void {
  writeOrm(JSON.parse(readFileSync(path, 'utf8')) as OrmResult);
}

export function writeOrm(r: OrmResult, suffix = ''): void {
  writeResult(`orm${suffix}.json`, r);
  writeResult(`orm${suffix}.md`, `${ormMarkdown(r)}\n`);
  writeResult(`orm${suffix}.svg`, ormChart(r));
}
