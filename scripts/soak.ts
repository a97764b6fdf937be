// `npm run soak`: the real server (scripts/start.ts, via scripts/soak-server.ts) on one separate
// dynalite process, under a read/write mix from 50 connections for 60 s. Reports requests/s, p50/p99
// latency, errors, whether every acknowledged write reads back, and the server's RSS and heap after
// full GCs: before the load, right after it, and after 5 s idle. Exits 1 on an error, a lost write, or
// a heap that stays above its start by more than SOAK_HEAP_SLACK_MB (default 64).
// Options (environment): SOAK_SECONDS (60), SOAK_CONNECTIONS (50), SOAK_SNAPSHOTS=1 (heap snapshots
// before and after, into SOAK_SNAPSHOT_DIR or the temp folder; for a leak hunt in Chrome DevTools),
// SOAK_ENGINE=embedded (dynalite inside the server process, on disk in a temp folder: `npm start`'s
// own setup, so the engine's memory counts as the server's).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seed, TABLE } from '../bench/server/data.js';
import { cpuSeconds, spawnTs, startEngine } from '../bench/server/processes.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 50);
const SLACK_MB = Number(process.env.SOAK_HEAP_SLACK_MB ?? 64);
const SNAPSHOTS = process.env.SOAK_SNAPSHOTS === '1';
const EMBEDDED = process.env.SOAK_ENGINE === 'embedded';
const MB = 1024 * 1024;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as { port: number };
  await new Promise((ok) => s.close(ok));
  return port;
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const engine = EMBEDDED ? null : await startEngine();
const dataDir = EMBEDDED ? mkdtempSync(join(tmpdir(), 'tablegraph-soak-')) : null;
const controlPort = await freePort();
let stopServer: (() => Promise<void>) | null = null;
try {
  // Embedded: the server seeds the demo data itself when it creates the table.
  const { items } = engine ? await seed(engine.endpoint) : { items: 0 };
  const child = await spawnTs(
    join(import.meta.dirname, 'soak-server.ts'),
    {
      ...(engine ? { DYNAMODB_ENDPOINT: engine.endpoint } : { TABLEGRAPH_DATA_DIR: dataDir! }),
      TABLE_NAME: TABLE,
      PORT: '0',
      HOST: '127.0.0.1',
      TABLEGRAPH_CURSOR_SECRET: 'bench-secret',
      NODE_ENV: 'production',
      SOAK_CONTROL_PORT: String(controlPort),
    },
    /https?:\/\/\S+\/graphql/,
    60_000,
    ['--expose-gc'],
  );
  stopServer = child.stop;
  const url = child.firstLine
    .match(/https?:\/\/\S+\/graphql/)![0]
    .replace('localhost', '127.0.0.1');
  const control = `http://127.0.0.1:${controlPort}`;
  const memory = async () =>
    (await (await fetch(`${control}/memory`)).json()) as NodeJS.MemoryUsage;
  const snapshot = async () =>
    SNAPSHOTS
      ? ((await (await fetch(`${control}/snapshot`)).json()) as { file: string }).file
      : null;

  const gql = async (query: string, variables?: object): Promise<Answer> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Answer;
  };

  // The mix: lists with a relation, key lookups, creates (each acknowledged one must read back) and
  // updates of items already written.
  const users = (await gql('{ users(first: 100) { edges { node { rowId } } } }')).data as {
    users: { edges: { node: { rowId: string } }[] };
  };
  const userIds = users.users.edges.map((e) => e.node.rowId);
  const acked: { userId: string; todoId: string; title: string }[] = [];
  const pick = <T>(list: readonly T[], n: number) => list[n % list.length]!;
  let counter = 0;
  const ops: ((n: number) => Promise<Answer>)[] = [
    () =>
      gql(
        '{ users(first: 20) { edges { node { rowId name orders(first: 5) { edges { node { orderId total } } } } } } }',
      ),
    (n) =>
      gql(
        'query ($id: ID!) { user(rowId: $id) { name todos(first: 10) { edges { node { title } } } } }',
        {
          id: pick(userIds, n),
        },
      ),
    async (n) => {
      const todo = { userId: pick(userIds, n), todoId: `soak-${counter++}`, title: `soak ${n}` };
      const a = await gql(
        'mutation ($input: CreateTodoItemInput!) { createTodoItem(input: $input) { todoId title } }',
        { input: todo },
      );
      if (a.data?.createTodoItem) acked.push(todo);
      return a;
    },
    async (n) => {
      if (acked.length === 0) return { data: {} };
      const todo = pick(acked, n * 7919);
      const title = `soak ${n} updated`;
      const a = await gql(
        'mutation ($userId: String!, $todoId: String!, $title: String!) { updateTodoItem(userId: $userId, todoId: $todoId, input: { title: $title }) { title } }',
        { userId: todo.userId, todoId: todo.todoId, title },
      );
      if (a.data?.updateTodoItem) todo.title = title;
      return a;
    },
    () => gql('{ orders(first: 50) { edges { node { orderId user { name } } } } }'),
  ];
  // Per 10 requests: 3 lists, 2 lookups, 3 creates, 2 updates.
  const plan = [0, 2, 1, 3, 4, 2, 0, 3, 1, 2];

  // Warm-up, then the baseline.
  for (let i = 0; i < 50; i++) await ops[plan[i % plan.length]!]!(i);
  const start = await memory();
  const startSnapshot = await snapshot();
  const latencies: number[] = [];
  const byOp = ops.map(() => [] as number[]);
  const errors: string[] = [];
  const cpu0 = cpuSeconds(child.proc.pid!);
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      for (let i = c; performance.now() < deadline; i += CONNECTIONS) {
        const t = performance.now();
        const op = plan[i % plan.length]!;
        try {
          const a = await ops[op]!(i);
          if (a.errors) errors.push(a.errors[0]!.message);
        } catch (error) {
          errors.push(`${error} (${(error as { cause?: { code?: string } }).cause?.code ?? ''})`);
        }
        latencies.push(performance.now() - t);
        byOp[op]!.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(child.proc.pid!) - cpu0;
  const end = await memory();
  await new Promise((ok) => setTimeout(ok, 5000));
  const idle = await memory();
  const endSnapshot = await snapshot();

  // Every acknowledged write reads back, with its last acknowledged title.
  let lost = 0;
  for (let i = 0; i < acked.length; i += 25) {
    const chunk = acked.slice(i, i + 25);
    const query = `{ ${chunk.map((t, j) => `t${j}: todoItem(userId: ${JSON.stringify(t.userId)}, todoId: ${JSON.stringify(t.todoId)}) { title }`).join(' ')} }`;
    const a = await gql(query);
    for (const [j, t] of chunk.entries())
      if ((a.data?.[`t${j}`] as { title?: string } | null)?.title !== t.title) lost++;
  }

  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  const mb = (m: NodeJS.MemoryUsage) =>
    `rss ${(m.rss / MB).toFixed(0)} MiB, heap ${(m.heapUsed / MB).toFixed(1)} MiB, external ${(m.external / MB).toFixed(1)} MiB`;
  console.log(
    `soak: ${SECONDS} s, ${CONNECTIONS} connections, ${EMBEDDED ? 'embedded dynalite (demo data)' : `separate dynalite, ${items} seeded items`}; ${latencies.length} requests, ${(latencies.length / elapsed).toFixed(0)} req/s, p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms; server CPU ${((cpu * 1000) / latencies.length).toFixed(1)} ms per request`,
  );
  console.log(
    `soak: ${errors.length} errors${errors.length ? ` (first: ${errors[0]})` : ''}; ${acked.length} acknowledged creates, ${lost} not read back as acknowledged`,
  );
  const median = (l: number[]) => [...l].sort((a, b) => a - b)[l.length >> 1] ?? 0;
  console.log(
    `soak: median ms per operation (list+relation, lookup, create, update, list+belongsTo): ${byOp.map((l) => median(l).toFixed(0)).join(', ')}`,
  );
  console.log(
    `soak: server memory after GC: start ${mb(start)}; end ${mb(end)}; after 5 s idle ${mb(idle)}`,
  );
  if (startSnapshot) console.log(`soak: heap snapshots ${startSnapshot} ${endSnapshot}`);
  const grown = (idle.heapUsed - start.heapUsed) / MB;
  const ok = errors.length === 0 && lost === 0 && grown <= SLACK_MB;
  console.log(
    `soak: ${ok ? 'PASS' : 'FAIL'} (heap ${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MiB after idle, allowed ${SLACK_MB})`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  await stopServer?.();
  await engine?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
