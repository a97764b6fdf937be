// `npm run bench`: the ORM's client-side cost against the bare DocumentClient, side by side in one
// run, on one SDK client whose transport answers canned responses from memory. Ratios, not timings,
// are the result: these machines are noisy. Target: get, put and a 100-item query page <= 1.10x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBBackend, field, Model, partitionKey, sortKey } from '../src/orm/index.js';
import { CannedTransport } from './canned-transport.js';

const TABLE = 'bench';
const user = {
  pk: 'USER#u1',
  sk: 'PROFILE',
  entity_type: 'User',
  id: 'u1',
  email: 'alice@example.com',
  name: 'Alice',
  age: 34,
  tenantId: 'acme',
};
const todos = Array.from({ length: 100 }, (_, i) => ({
  pk: 'USER#u1',
  sk: `TODO#t${String(i).padStart(3, '0')}`,
  entity_type: 'TodoItem',
  userId: 'u1',
  todoId: `t${String(i).padStart(3, '0')}`,
  title: `Task number ${i}`,
  completed: i % 2 === 0,
  priority: (i % 5) + 1,
}));
const answers: Record<string, unknown> = {
  GetItem: { Item: marshall(user) },
  PutItem: {},
  Query: { Items: todos.map((t) => marshall(t)), Count: 100, ScannedCount: 100 },
};

const base = new DynamoDBClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  requestHandler: new CannedTransport((target) => answers[target]) as never,
});
const doc = DynamoDBDocumentClient.from(base);
const backend = new DynamoDBBackend({ tableName: TABLE, client: base });

class User extends Model('User', {
  id: field.string({ primaryKey: true }),
  email: field.string(),
  name: field.string({ maxLength: 100 }),
  tenantId: field.string({ optional: true }),
  age: field.int({ min: 0, max: 150, default: 0 }),
}) {
  static meta = { backend };
  @partitionKey pk() {
    return `USER#${this.id}`;
  }
  @sortKey sk() {
    return 'PROFILE';
  }
}
class TodoItem extends Model('TodoItem', {
  userId: field.string(),
  todoId: field.string(),
  title: field.string({ minLength: 1, maxLength: 200 }),
  completed: field.boolean({ default: false }),
  priority: field.int({ min: 1, max: 5, default: 3 }),
}) {
  static meta = { backend };
  @partitionKey pk() {
    return `USER#${this.userId}`;
  }
  @sortKey sk() {
    return `TODO#${this.todoId}`;
  }
}

const cases: { name: string; bare: () => Promise<unknown>; orm: () => Promise<unknown> }[] = [
  {
    name: 'get',
    bare: () =>
      doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'USER#u1', sk: 'PROFILE' } })),
    orm: () => User.get({ id: 'u1' }),
  },
  {
    name: 'put (create)',
    bare: () =>
      doc.send(
        new PutCommand({
          TableName: TABLE,
          Item: user,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      ),
    orm: () =>
      User.create({
        id: 'u1',
        email: 'alice@example.com',
        name: 'Alice',
        age: 34,
        tenantId: 'acme',
      }),
  },
  {
    name: 'query page (100 items)',
    bare: () =>
      doc.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
          FilterExpression: '#et = :et',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#et': 'entity_type' },
          ExpressionAttributeValues: { ':pk': 'USER#u1', ':sk': 'TODO#', ':et': 'TodoItem' },
          Limit: 101,
        }),
      ),
    orm: () => TodoItem.where({ userId: 'u1' }).limit(100).paginate(),
  },
];

async function time(fn: () => Promise<unknown>, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const PER_ROUND = Number(process.env.BENCH_ITERATIONS ?? 200);
console.log(
  `tablegraph bench: ${ROUNDS} alternating rounds of ${PER_ROUND} calls each, medians in µs per call\n`,
);
console.log('| case | DocumentClient | tablegraph | ratio |\n|---|---|---|---|');
for (const c of cases) {
  await time(c.bare, PER_ROUND);
  await time(c.orm, PER_ROUND);
  const bare: number[] = [];
  const orm: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    bare.push(await time(c.bare, PER_ROUND));
    orm.push(await time(c.orm, PER_ROUND));
  }
  const b = median(bare);
  const o = median(orm);
  console.log(`| ${c.name} | ${b.toFixed(0)} | ${o.toFixed(0)} | ${(o / b).toFixed(2)}x |`);
}

// Memory: heap retained by 100 pages of 100 items each, bare DocumentClient items vs ORM instances.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const retained = async (fn: () => Promise<unknown>) => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept: unknown[] = [];
    for (let i = 0; i < 100; i++) kept.push(await fn());
    gc();
    const bytes = process.memoryUsage().heapUsed - before;
    return { bytes, kept: kept.length };
  };
  const [query] = cases.filter((c) => c.name.startsWith('query'));
  const bare = await retained(query!.bare);
  const orm = await retained(query!.orm);
  const perItem = (b: number) => (b / 10_000).toFixed(0);
  console.log(
    `\n| retained heap per item (100 pages x 100) | DocumentClient | tablegraph | ratio |\n|---|---|---|---|`,
  );
  console.log(
    `| query results | ${perItem(bare.bytes)} B | ${perItem(orm.bytes)} B | ${(orm.bytes / bare.bytes).toFixed(2)}x |`,
  );
} else console.log('\n(run with node --expose-gc for the memory figures; `npm run bench` does)');
