// The ceiling the generated server is measured against: a hand-written graphql-yoga server on the
// bare DocumentClient, reading the same table and item layout (pk/sk, entity_type, gsi_*), with one
// DataLoader per request for key lookups (one BatchGetItem per tick). BENCH_BATCHING=0 makes it the
// naive resolver-per-field server (one GetItem per lookup). Field names that the generated schema
// may rename come in BENCH_NAMES ({ node, userArg, userKey }), so one query text fits both servers.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { jwtVerify } from 'jose';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };
interface Ctx {
  load(key: Key): Promise<Item | null>;
}

const TableName = process.env.TABLE_NAME ?? 'bench';
const batching = process.env.BENCH_BATCHING !== '0';
const names = {
  node: 'nodeId',
  userArg: 'id',
  userKey: 'id',
  ...JSON.parse(process.env.BENCH_NAMES || '{}'),
};
const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  }),
);

const userKey = (id: string): Key => ({ pk: `USER#${id}`, sk: 'PROFILE' });
const productKey = (sku: string): Key => ({ pk: `Product#${sku}`, sk: 'METADATA' });
const keyString = (k: Key) => `${k.pk}\u0000${k.sk}`;

async function batchGet(keys: readonly Key[]): Promise<(Item | null)[]> {
  const found = new Map<string, Item>();
  for (let i = 0; i < keys.length; i += 100) {
    let request: Key[] | undefined = keys.slice(i, i + 100);
    while (request?.length) {
      const out = await doc.send(
        new BatchGetCommand({ RequestItems: { [TableName]: { Keys: request } } }),
      );
      for (const item of out.Responses?.[TableName] ?? []) found.set(keyString(item as Key), item);
      request = out.UnprocessedKeys?.[TableName]?.Keys as Key[] | undefined;
    }
  }
  return keys.map((k) => found.get(keyString(k)) ?? null);
}

// Callers: the same HS256 bearer token the real server verifies; only admins are served (the
// demo's rules let an admin read and write everything, so no per-row decision is needed here).
const jwtKey = new TextEncoder().encode(process.env.TABLEGRAPH_JWT_SECRET ?? '');
async function admit(request: Request): Promise<void> {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  const groups = token ? (await jwtVerify(token, jwtKey)).payload.groups : undefined;
  if (!Array.isArray(groups) || !groups.includes('admin'))
    throw new GraphQLError('admins only', { extensions: { code: 'FORBIDDEN' } });
}

async function context({ request }: { request: Request }): Promise<Ctx> {
  await admit(request);
  if (!batching)
    return {
      load: async (Key) => (await doc.send(new GetCommand({ TableName, Key }))).Item ?? null,
    };
  const loader = new DataLoader(batchGet, { cacheKeyFn: keyString });
  return { load: (key) => loader.load(key) };
}

// Cursors: the item's key position, encoded only when a client selects `cursor`.
const encode = (key: Item) => Buffer.from(JSON.stringify(key)).toString('base64url');
const decode = (c: string | undefined) =>
  c ? (JSON.parse(Buffer.from(c, 'base64url').toString()) as Item) : undefined;
const GSI = ['gsi_pk_TenantIndex', 'gsi_sk_TenantIndex'];
const position = (item: Item, index: boolean) => {
  const p: Item = { pk: item.pk, sk: item.sk };
  if (index) for (const a of GSI) p[a] = item[a];
  return p;
};

interface Page {
  items: Item[];
  more: boolean;
  index: boolean;
}
const connection = ({ items, more, index }: Page) => ({
  edges: items.map((node) => ({ node, index })),
  pageInfo: {
    hasNextPage: more,
    hasPreviousPage: false,
    startCursor: items[0] ? encode(position(items[0], index)) : null,
    endCursor: items.length ? encode(position(items[items.length - 1]!, index)) : null,
  },
});
const size = (first: number | undefined) => Math.min(first ?? 20, 100);

async function queryPartition(pk: string, prefix: string, first?: number, after?: string) {
  const n = size(first);
  const out = await doc.send(
    new QueryCommand({
      TableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
      Limit: n + 1,
      ExclusiveStartKey: decode(after),
    }),
  );
  const items = out.Items ?? [];
  return connection({ items: items.slice(0, n), more: items.length > n, index: false });
}

/** A filtered Scan in pages of 100 until the page is full (Limit applies before the filter). */
async function scanEntity(entity: string, first?: number, after?: string) {
  const n = size(first);
  const items: Item[] = [];
  let start = decode(after);
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName,
        FilterExpression: 'entity_type = :e',
        ExpressionAttributeValues: { ':e': entity },
        Limit: 100,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length <= n);
  return connection({ items: items.slice(0, n), more: items.length > n || !!start, index: false });
}

const globalId = (type: string, ...key: unknown[]) =>
  Buffer.from([type, ...key].join(':')).toString('base64');
function keyOfGlobalId(id: string): Key | null {
  const [type, a, b] = Buffer.from(id, 'base64').toString().split(':');
  if (type === 'User') return userKey(a!);
  if (type === 'Product') return productKey(a!);
  if (type === 'Order') return { pk: `USER#${a}`, sk: `ORDER#${b}` };
  if (type === 'TodoItem') return { pk: `USER#${a}`, sk: `TODO#${b}` };
  return null;
}

const conn = (t: string) => `
  type ${t}Edge { cursor: String! node: ${t}! }
  type ${t}Connection { edges: [${t}Edge!]! pageInfo: PageInfo! }`;
const N = names.node;
const typeDefs = `
  interface Node { ${N}: ID! }
  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type User implements Node {
    ${N}: ID! ${names.userKey}: ID! email: String! name: String! tenantId: String age: Int!
    createdAt: String! updatedAt: String!
    orders(first: Int, after: String): OrderConnection!
    todos(first: Int, after: String): TodoItemConnection!
  }
  type Order implements Node {
    ${N}: ID! userId: String! orderId: String! total: Float! status: String! sku: String
    user: User product: Product
  }
  type TodoItem implements Node {
    ${N}: ID! userId: String! todoId: String! title: String! completed: Boolean! priority: Int! user: User
  }
  type Product implements Node { ${N}: ID! sku: ID! name: String! price: Float! stock: Int! tags: [String!] }
  ${['User', 'Order', 'TodoItem', 'Product'].map(conn).join('\n')}
  input UpdateUserInput { email: String name: String tenantId: String age: Int }
  type Query {
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    user(${names.userArg}: ID!): User
    users(first: Int, after: String): UserConnection!
    orders(first: Int, after: String): OrderConnection!
    usersByTenantIndex(tenantId: String!, first: Int, after: String): UserConnection!
  }
  type Mutation {
    updateUser(${names.userArg}: ID!, input: UpdateUserInput!): User!
    deleteUser(${names.userArg}: ID!): Boolean!
  }`;

const edge = {
  cursor: (e: { node: Item; index: boolean }) => encode(position(e.node, e.index)),
};
const resolvers = {
  Node: { __resolveType: (item: Item) => item.entity_type },
  UserEdge: edge,
  OrderEdge: edge,
  TodoItemEdge: edge,
  ProductEdge: edge,
  User: {
    [N]: (u: Item) => globalId('User', u.id),
    [names.userKey]: (u: Item) => u.id,
    orders: (u: Item, a: { first?: number; after?: string }) =>
      queryPartition(`USER#${u.id}`, 'ORDER#', a.first, a.after),
    todos: (u: Item, a: { first?: number; after?: string }) =>
      queryPartition(`USER#${u.id}`, 'TODO#', a.first, a.after),
  },
  Order: {
    [N]: (o: Item) => globalId('Order', o.userId, o.orderId),
    user: (o: Item, _: unknown, ctx: Ctx) => ctx.load(userKey(o.userId as string)),
    product: (o: Item, _: unknown, ctx: Ctx) =>
      o.sku ? ctx.load(productKey(o.sku as string)) : null,
  },
  TodoItem: {
    [N]: (t: Item) => globalId('TodoItem', t.userId, t.todoId),
    user: (t: Item, _: unknown, ctx: Ctx) => ctx.load(userKey(t.userId as string)),
  },
  Product: {
    [N]: (p: Item) => globalId('Product', p.sku),
    tags: (p: Item) => (p.tags ? [...(p.tags as Set<string>)] : null),
  },
  Query: {
    node: (_: unknown, { id }: { id: string }, ctx: Ctx) => {
      const key = keyOfGlobalId(id);
      return key ? ctx.load(key) : null;
    },
    nodes: (_: unknown, { ids }: { ids: string[] }, ctx: Ctx) =>
      ids.map((id) => {
        const key = keyOfGlobalId(id);
        return key ? ctx.load(key) : null;
      }),
    user: (_: unknown, a: Record<string, string>, ctx: Ctx) => ctx.load(userKey(a[names.userArg]!)),
    users: (_: unknown, a: { first?: number; after?: string }) =>
      scanEntity('User', a.first, a.after),
    orders: (_: unknown, a: { first?: number; after?: string }) =>
      scanEntity('Order', a.first, a.after),
    usersByTenantIndex: async (
      _: unknown,
      a: { tenantId: string; first?: number; after?: string },
    ) => {
      const n = size(a.first);
      const out = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: 'TenantIndex',
          KeyConditionExpression: 'gsi_pk_TenantIndex = :pk',
          ExpressionAttributeValues: { ':pk': `TENANT#${a.tenantId}` },
          Limit: n + 1,
          ExclusiveStartKey: decode(a.after),
        }),
      );
      const items = out.Items ?? [];
      return connection({ items: items.slice(0, n), more: items.length > n, index: true });
    },
  },
  Mutation: {
    updateUser: async (_: unknown, a: Record<string, unknown>) => {
      const input = { ...(a.input as Item), updatedAt: new Date().toISOString() };
      const sets = Object.keys(input).map((_k, i) => `#f${i} = :v${i}`);
      const out = await doc.send(
        new UpdateCommand({
          TableName,
          Key: userKey(a[names.userArg] as string),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(
            Object.keys(input).map((k, i) => [`#f${i}`, k]),
          ),
          ExpressionAttributeValues: Object.fromEntries(
            Object.values(input).map((v, i) => [`:v${i}`, v]),
          ),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes;
    },
    deleteUser: async (_: unknown, a: Record<string, unknown>) => {
      const out = await doc.send(
        new DeleteCommand({
          TableName,
          Key: userKey(a[names.userArg] as string),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes !== undefined;
    },
  },
};

const yoga = createYoga({
  schema: createSchema({ typeDefs, resolvers }),
  context,
  graphiql: false,
  logging: false,
});
const http = createServer(yoga);
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(
    `handwritten (${batching ? 'DataLoader' : 'naive'}) at http://127.0.0.1:${port}/graphql`,
  );
});
process.on('SIGTERM', () => http.close(() => process.exit(0)));
