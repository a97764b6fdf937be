// Engine requests per GraphQL operation, counted on the engine side (the dynalite process counts
// every request by operation): the generated server beside the physical minimum, the hand-written
// yoga + DataLoader server and a naive resolver-per-field server, on the same engine and data.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { describeMachine, machine } from '../lib/machine.js';
import { table, writeResult } from '../lib/report.js';
import { seed, TABLE } from '../server/data.js';
import {
  type RunningServer,
  type ServerKind,
  startEngine,
  startServer,
} from '../server/processes.js';
import { gql, type Names, probeNames } from '../server/queries.js';

interface Case {
  readonly name: string;
  /** The physical minimum and why. */
  readonly minimum: number;
  readonly why: string;
  /** The operation text for one server (global IDs differ between servers). */
  build(server: RunningServer, n: Names): Promise<string>;
  /** Runs before the counted operation, uncounted (e.g. creates the user deleteUser removes). */
  before?(tablegraphUrl: string, n: Names): Promise<void>;
}

const edges = (x: unknown) =>
  (x as { edges: { node: Record<string, unknown> }[] }).edges.map((e) => e.node);

async function mixedIds(server: RunningServer, n: Names): Promise<string[]> {
  const r = await gql(
    server.url,
    `{ usersByTenantIndex(tenantId: "acme", first: 7) { edges { node { ${n.node}
        orders(first: 2) { edges { node { ${n.node} product { ${n.node} } } } }
        todos(first: 1) { edges { node { ${n.node} } } } } } } }`,
  );
  if (r.errors) throw new Error(`${server.kind}: ${r.text.slice(0, 300)}`);
  const users = edges(r.data!.usersByTenantIndex);
  const orders = users.flatMap((u) => edges(u.orders));
  const products = [...new Set(orders.map((o) => (o.product as Record<string, string>)[n.node]!))];
  const todos = users.flatMap((u) => edges(u.todos));
  const id = (x: Record<string, unknown>) => x[n.node] as string;
  return [
    ...users.slice(0, 5).map(id),
    ...orders.slice(0, 6).map(id),
    ...products.slice(0, 5),
    ...todos.slice(0, 4).map(id),
  ];
}

const CASES: Case[] = [
  {
    name: 'orders(first: 50) { user { name } }',
    minimum: 2,
    why: 'one Scan page, one BatchGetItem for the distinct users',
    build: async () => '{ orders(first: 50) { edges { node { orderId user { name } } } } }',
  },
  {
    name: 'user(id) { name orders todos }',
    minimum: 1,
    why: 'profile, orders and todos share the partition USER#id: one Query',
    build: async (_, n) =>
      `{ user(${n.userArg}: "u001") { name orders { edges { node { orderId } } } todos { edges { node { todoId } } } } }`,
  },
  {
    name: 'updateUser(id, input)',
    minimum: 1,
    why: 'one conditional UpdateItem returning the new item',
    build: async (_, n) =>
      `mutation { updateUser(${n.userArg}: "u002", input: { name: "User 2" }) { name } }`,
  },
  {
    name: 'deleteUser(id)',
    minimum: 1,
    why: 'one DeleteItem returning the old item',
    before: async (url, n) => {
      const r = await gql(
        url,
        `mutation { createUser(input: { ${n.userKey}: "to-delete", email: "d@example.com", name: "D", tenantId: "acme" }) { name } }`,
      );
      if (r.errors) throw new Error(`createUser: ${r.text.slice(0, 300)}`);
    },
    build: async (_, n) => `mutation { deleteUser(${n.userArg}: "to-delete") }`,
  },
  {
    name: 'nodes(ids: [20 mixed])',
    minimum: 1,
    why: '20 keys (users, orders, products, todos) in one BatchGetItem',
    build: async (s, n) =>
      `{ nodes(ids: ${JSON.stringify(await mixedIds(s, n))}) { ${n.node} __typename } }`,
  },
  {
    name: 'users(first: 20) { orders(first: 5) { edges { node { product { name } } } } }',
    minimum: 22,
    why: "in hindsight: one Scan whose Limit ends at the 21st user (20, and one more to know a next page exists: item 253 of 740 in scan order), 20 Queries (one per user partition), one BatchGetItem for every product. The users' share of the table (8%) is known only by scanning: reading no further than the page, tablegraph takes 3 Scans (84 items, then by the share seen), the hand-written server 3 (pages of 100); one unbounded Scan (1 MB holds the table) saves 2 requests by reading all 740 items",
    build: async () =>
      '{ users(first: 20) { edges { node { name orders(first: 5) { edges { node { orderId product { name } } } } } } } }',
  },
];

const engine = await startEngine();
const servers: RunningServer[] = [];
try {
  const { items } = await seed(engine.endpoint);
  const tablegraph = await startServer('tablegraph', engine, TABLE);
  servers.push(tablegraph);
  const names = await probeNames(tablegraph.url);
  for (const kind of ['handwritten', 'naive'] as ServerKind[])
    servers.push(await startServer(kind, engine, TABLE, names));

  const rows: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const counted: Record<string, { total: number; by: Record<string, number>; error?: string }> =
      {};
    for (const s of servers) {
      await c.before?.(tablegraph.url, names);
      const query = await c.build(s, names);
      await engine.reset();
      const r = await gql(s.url, query);
      const by = await engine.counts();
      counted[s.kind] = {
        total: Object.values(by).reduce((a, b) => a + b, 0),
        by,
        ...(r.errors ? { error: r.errors[0]!.message } : {}),
      };
    }
    rows.push({ operation: c.name, minimum: c.minimum, why: c.why, ...counted });
    console.log(
      `requests: ${c.name}: minimum ${c.minimum}, ${servers.map((s) => `${s.kind} ${counted[s.kind]!.total}`).join(', ')}`,
    );
  }
  const m = machine();
  writeResult('requests.json', { machine: m, items, rows });
  const cell = (x: unknown) => {
    const v = x as { total: number; by: Record<string, number>; error?: string };
    const by = Object.entries(v.by)
      .map(([k, n]) => `${n} ${k}`)
      .join(' + ');
    return `${v.total}${v.total ? ` (${by})` : ''}${v.error ? ` ERROR: ${v.error}` : ''}`;
  };
  writeResult(
    'requests.md',
    `Engine requests per GraphQL operation (counted by the dynalite process; ${items} items; ${describeMachine(m)}):\n\n${table(
      [
        'operation',
        'physical minimum',
        'tablegraph',
        'hand-written (DataLoader)',
        'naive resolver per field',
      ],
      rows.map((r) => [
        `\`${r.operation}\``,
        `${r.minimum}: ${r.why}`,
        cell(r.tablegraph),
        cell(r.handwritten),
        cell(r.naive),
      ]),
    )}\n`,
  );
} finally {
  for (const s of servers) await s.stop();
  await engine.stop();
}
