// Projections: what selecting 3 fields of a 30-attribute item saves on the client (response bytes,
// CPU per call: JSON parsing, unmarshalling, instances), with the SDK answering from memory (the
// canned transport) so only client-side work is timed.
// `node --expose-gc --import tsx bench/projection/main.ts` (also `npm run bench:projection`).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBBackend, field, Model } from '../../src/orm/index.js';
import { CannedTransport } from '../canned-transport.js';
import { describeMachine, machine } from '../lib/machine.js';
import { pick } from '../lib/mode.js';
import { ratio, table, writeResult } from '../lib/report.js';
import { calibrate, collect, stats, timeCallsCpu } from '../lib/timing.js';

const transport = new CannedTransport();
const client = new DynamoDBClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  requestHandler: transport as never,
  maxAttempts: 1,
});
const backend = new DynamoDBBackend({ tableName: 'projection', client });

// 30 attributes: the key field, 29 more of mixed kinds (strings of 40 characters, numbers, flags).
const fields: Record<string, ReturnType<typeof field.string>> = {};
const kinds = ['string', 'int', 'boolean'] as const;
for (let i = 1; i < 30; i++) {
  const kind = kinds[i % 3]!;
  fields[`f${String(i).padStart(2, '0')}`] = (
    kind === 'string' ? field.string() : kind === 'int' ? field.int() : field.boolean()
  ) as never;
}
class Wide extends Model('Wide', { id: field.string({ primaryKey: true }), ...fields }) {
  static meta = { backend };
}
const SELECT = ['f01', 'f02', 'f03'] as never[];

function item(n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    pk: `Wide#w${n}`,
    sk: 'METADATA',
    entity_type: 'Wide',
    id: `w${n}`,
  };
  for (let i = 1; i < 30; i++) {
    const name = `f${String(i).padStart(2, '0')}`;
    out[name] =
      i % 3 === 0
        ? `value ${i} of item ${n} `.padEnd(40, 'x')
        : i % 3 === 1
          ? n * 1000 + i
          : i % 2 === 0;
  }
  return out;
}
const projected = (i: Record<string, unknown>, attrs: readonly string[]) =>
  Object.fromEntries(attrs.filter((a) => a in i).map((a) => [a, i[a]]));
const ATTRS = ['pk', 'sk', 'entity_type', 'id', 'f01', 'f02', 'f03'];

const page = Array.from({ length: 100 }, (_, n) => item(n));
const answers = {
  whole: {
    Scan: { Items: page.map((i) => marshall(i)), Count: 100, ScannedCount: 100 },
    GetItem: { Item: marshall(page[0]!) },
  },
  projected: {
    Scan: {
      Items: page.map((i) => marshall(projected(i, ATTRS))),
      Count: 100,
      ScannedCount: 100,
    },
    GetItem: { Item: marshall(projected(page[0]!, ATTRS)) },
  },
};
for (const [subject, byOp] of Object.entries(answers))
  for (const [op, answer] of Object.entries(byOp)) transport.set(subject, op, answer);

const bytes = (subject: 'whole' | 'projected', op: 'Scan' | 'GetItem') =>
  Buffer.byteLength(JSON.stringify(answers[subject][op]));

const ops = {
  'query page of 100': {
    whole: () => Wide.where().limit(99).paginate(),
    projected: () => Wide.where().select(SELECT).limit(99).paginate(),
    op: 'Scan' as const,
  },
  get: {
    whole: () => Wide.get({ id: 'w0' }),
    projected: () => Wide.get({ id: 'w0' }, { select: SELECT }),
    op: 'GetItem' as const,
  },
};

const rounds = Number(process.env.BENCH_ROUNDS ?? pick(11, 31));
const roundMs = Number(process.env.BENCH_ROUND_MS ?? pick(40, 100));
const rows: string[][] = [];
const cells: Record<string, unknown>[] = [];
for (const [name, o] of Object.entries(ops)) {
  // Sanity: the projected read answers the selected fields.
  transport.use('projected');
  const sample = await o.projected();
  const items = (sample as unknown as { items?: unknown[] } | null)?.items;
  const first = (items ? items[0] : sample) as Record<string, unknown>;
  if (first.f01 === undefined || first.f03 === undefined) throw new Error(`${name}: no f01`);
  const time = async (subject: 'whole' | 'projected') => {
    transport.use(subject);
    const fn = subject === 'whole' ? o.whole : o.projected;
    const n = await calibrate(fn, roundMs);
    const samples: number[] = [];
    for (let r = 0; r < rounds; r++) {
      collect();
      samples.push((await timeCallsCpu(fn, n)).cpu);
    }
    return stats(samples);
  };
  // Alternate the order so neither side always runs warmer.
  const whole = await time('whole');
  const proj = await time('projected');
  const whole2 = await time('whole');
  const wholeUs = Math.min(whole.median, whole2.median);
  const wholeMin = Math.min(whole.min, whole2.min);
  const wb = bytes('whole', o.op);
  const pb = bytes('projected', o.op);
  rows.push([
    name,
    `${wb} B`,
    `${pb} B`,
    `${((1 - pb / wb) * 100).toFixed(0)}%`,
    `${wholeMin.toFixed(0)} / ${wholeUs.toFixed(0)} µs`,
    `${proj.min.toFixed(0)} / ${proj.median.toFixed(0)} µs`,
    `${ratio(wholeMin / proj.min)} / ${ratio(wholeUs / proj.median)}`,
  ]);
  cells.push({
    op: name,
    wholeBytes: wb,
    projectedBytes: pb,
    wholeUs,
    projectedUs: proj.median,
    projectedMin: proj.min,
    projectedMax: proj.max,
  });
}

const markdown = `# Projections: 3 of 30 attributes

${describeMachine(machine())}. CPU per call (min and median of ${rounds} rounds; on a loaded machine the minimum is the steadier figure), the SDK answering from memory: JSON
parsing, unmarshalling and instances only. "whole" reads every attribute; "projected" sends
\`select(['f01', 'f02', 'f03'])\` (the ProjectionExpression adds the keys and the entity type).

${table(['read', 'response (whole)', 'response (projected)', 'bytes saved', 'CPU whole (min / median)', 'CPU projected (min / median)', 'speed-up (min / median)'], rows)}
`;
console.log(markdown);
if (!process.env.BENCH_NO_WRITE) {
  writeResult('projection.md', markdown);
  writeResult('projection.json', { machine: machine(), rounds, roundMs, cells });
}
