import { performance } from 'node:perf_hooks';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Engine, startDynalite } from '../helpers/engines.js';
import { type Started, startMain } from '../helpers/process.js';
import { type RedisProcess, redisUnavailable, startRedis } from '../helpers/redis.js';

interface Result {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}
interface Seen {
  readonly at: number;
  readonly result: Result;
}

async function post(url: string, query: string, token: string): Promise<Result> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as Result;
}

/** Reads a subscription in the background; `until` waits (generously) for what the test expects. */
function collect(stream: AsyncIterableIterator<Result>) {
  const seen: Seen[] = [];
  let ended = false;
  let failure: unknown = null;
  void (async () => {
    try {
      for await (const result of stream) seen.push({ at: performance.now(), result });
    } catch (error) {
      failure = error;
    }
    ended = true;
  })();
  const until = async (what: string, ok: () => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (failure) throw failure;
      if (Date.now() > deadline)
        throw new Error(`${what}: not within ${timeoutMs} ms; seen ${JSON.stringify(seen)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { seen, until, ended: () => ended, stop: () => void stream.return?.() };
}

type Stream = ReturnType<typeof collect>;

/** The line after "GraphiQL at" (startMain resolves on that one). */
async function subscriptionLine(app: Started): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const line = /tablegraph: subscriptions .*/.exec(app.output())?.[0];
    if (line) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no subscriptions line:\n${app.output()}`);
}
const todo = (s: Seen) =>
  (s.result.data?.todoItemChanged ?? null) as {
    kind: string;
    item: { todoId: string; completed: boolean; user: { name: string } | null };
  } | null;

/**
 * A subscription is registered some time after the client asks; rather than sleep, write probes
 * until one comes through every stream (the probes are told apart from the events under test).
 */
async function untilLive(
  url: string,
  streams: Stream[],
  tag: string,
  token: string,
  userId = 'alice',
) {
  for (let i = 0; ; i++) {
    const r = await post(
      url,
      `mutation { createTodoItem(input: { userId: "${userId}", todoId: "probe-${tag}-${i}", title: "probe", completed: true }) { todoId } }`,
      token,
    );
    expect(r.errors).toBeUndefined();
    const live = () =>
      streams.every((s) => s.seen.some((e) => todo(e)?.item.todoId.startsWith(`probe-${tag}`)));
    try {
      await streams[0]!.until('probe', live, 250);
      return;
    } catch {
      if (i > 200) throw new Error('no probe came through in 50 s');
    }
  }
}

const SUBSCRIPTION =
  'subscription { todoItemChanged(userId: "alice") { kind item { todoId completed user { name } } } }';

/** Callers identify as over HTTP: a bearer token, in the connection parameters on a WebSocket. */
function wsClient(url: string, token?: string) {
  return createWsClient({
    url: url.replace(/^http/, 'ws'),
    ...(token ? { connectionParams: { Authorization: `Bearer ${token}` } } : {}),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
  });
}

describe("subscriptions on npm start's server (graphql-sse and graphql-ws clients)", () => {
  let app: Started;
  beforeAll(async () => {
    app = await startMain({
      TABLEGRAPH_MEMORY: '1',
      TABLEGRAPH_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3',
    });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('a create, an update and a delete arrive in order on both; failed writes in between emit nothing', async () => {
    expect(await subscriptionLine(app)).toMatch(
      /subscriptions over SSE and WebSocket at ws:\/\/\S+ \(events: in process\)/,
    );
    const { alice, carol } = app.tokens() as Record<string, string>;
    const sse = createSseClient({ url: app.url, headers: { authorization: `Bearer ${alice}` } });
    const ws = wsClient(app.url, alice);
    // Carol (another tenant) follows every todo item: the read rules let her see only her own.
    const carolWs = wsClient(app.url, carol);
    const asCarol = collect(
      carolWs.iterate({
        query: 'subscription { todoItemChanged { kind item { userId todoId } } }',
      }) as AsyncIterableIterator<Result>,
    );
    const viaSse = collect(sse.iterate({ query: SUBSCRIPTION }) as AsyncIterableIterator<Result>);
    const viaWs = collect(ws.iterate({ query: SUBSCRIPTION }) as AsyncIterableIterator<Result>);
    const completedOnly = collect(
      sse.iterate({
        query:
          'subscription { todoItemChanged(userId: "alice", where: { completed: { eq: true } }) { kind item { todoId completed user { name } } } }',
      }) as AsyncIterableIterator<Result>,
    );
    try {
      await untilLive(app.url, [viaSse, viaWs, completedOnly], 'a', alice!);
      await untilLive(app.url, [asCarol], 'c', carol!, 'carol');
      const sent: Record<string, number> = {};
      const answered: Record<string, number> = {};
      const write = async (label: string, query: string, ok: boolean) => {
        sent[label] = performance.now();
        const r = await post(app.url, query, alice!);
        answered[label] = performance.now();
        expect(r.errors === undefined).toBe(ok);
        return r;
      };
      await write(
        'CREATED',
        'mutation { createTodoItem(input: { userId: "alice", todoId: "live", title: "Live" }) { todoId } }',
        true,
      );
      const dup = await write(
        'dup',
        'mutation { createTodoItem(input: { userId: "alice", todoId: "live", title: "Again" }) { todoId } }',
        false,
      );
      expect(dup.errors?.[0]?.extensions?.code).toBe('ALREADY_EXISTS');
      await write(
        'UPDATED',
        'mutation { updateTodoItem(userId: "alice", todoId: "live", input: { completed: true }) { todoId } }',
        true,
      );
      const missing = await write(
        'missing',
        'mutation { updateTodoItem(userId: "alice", todoId: "nope", input: { completed: true }) { todoId } }',
        false,
      );
      expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      await write('DELETED', 'mutation { deleteTodoItem(userId: "alice", todoId: "live") }', true);

      const live = (s: Stream) => s.seen.filter((e) => !todo(e)?.item.todoId.startsWith('probe'));
      const latencies: Record<string, number[]> = {};
      const sinceAnswer: Record<string, number[]> = {};
      for (const [name, stream] of [
        ['sse', viaSse],
        ['ws', viaWs],
      ] as const) {
        await stream.until(`${name}: three events`, () => live(stream).length >= 3);
        expect(live(stream).map((e) => e.result)).toEqual([
          {
            data: {
              todoItemChanged: {
                kind: 'CREATED',
                item: { todoId: 'live', completed: false, user: { name: 'Alice' } },
              },
            },
          },
          {
            data: {
              todoItemChanged: {
                kind: 'UPDATED',
                item: { todoId: 'live', completed: true, user: { name: 'Alice' } },
              },
            },
          },
          {
            data: {
              todoItemChanged: {
                kind: 'DELETED',
                item: { todoId: 'live', completed: true, user: { name: 'Alice' } },
              },
            },
          },
        ]);
        const ms = (from: Record<string, number>) =>
          live(stream).map((e) => Math.round((e.at - from[todo(e)!.kind]!) * 10) / 10);
        latencies[name] = ms(sent);
        // Negative when the event arrived before the mutation's own answer.
        sinceAnswer[name] = ms(answered);
      }
      // Filtered on the server by `where` on the item: not the create (completed: false).
      await completedOnly.until('where-filtered', () => live(completedOnly).length >= 2);
      expect(live(completedOnly).map((e) => todo(e)!.kind)).toEqual(['UPDATED', 'DELETED']);
      // Carol's own write after Alice's: in her one ordered stream, nothing of Alice's came before it.
      await post(
        app.url,
        'mutation { createTodoItem(input: { userId: "carol", todoId: "mark", title: "mark" }) { todoId } }',
        carol!,
      );
      const carolSeen = () =>
        asCarol.seen.map(
          (e) =>
            (e.result.data!.todoItemChanged as { item: { userId: string; todoId: string } }).item,
        );
      await asCarol.until('carol: her marker', () => carolSeen().some((i) => i.todoId === 'mark'));
      expect(carolSeen().filter((i) => i.userId !== 'carol')).toEqual([]);
      console.log(
        `subscription latency (ms), mutation sent -> event: ${JSON.stringify(latencies)}; mutation answered -> event: ${JSON.stringify(sinceAnswer)}`,
      );
    } finally {
      viaSse.stop();
      viaWs.stop();
      completedOnly.stop();
      asCarol.stop();
      await carolWs.dispose();
      await ws.dispose();
      sse.dispose();
    }
  }, 60_000);

  it('refuses a subscription past the per-connection limit, with a code', async () => {
    const ws = wsClient(app.url);
    const q = 'subscription { userChanged { kind } }';
    const open = [0, 1, 2].map(() =>
      collect(ws.iterate({ query: q }) as AsyncIterableIterator<Result>),
    );
    const fourth = collect(ws.iterate({ query: q }) as AsyncIterableIterator<Result>);
    try {
      await fourth.until('refused', () => fourth.seen.length > 0 || fourth.ended());
      expect(fourth.seen[0]?.result.errors?.[0]?.extensions).toEqual({
        code: 'TOO_MANY_SUBSCRIPTIONS',
        limit: 'maxPerConnection',
        max: 3,
      });
      expect(open.every((s) => !s.ended())).toBe(true);
    } finally {
      for (const s of [...open, fourth]) s.stop();
      await ws.dispose();
    }
  }, 30_000);

  it('SIGTERM completes open subscriptions (SSE and WebSocket) and exits 0', async () => {
    const { alice } = app.tokens() as Record<string, string>;
    const sse = createSseClient({
      url: app.url,
      retryAttempts: 0,
      headers: { authorization: `Bearer ${alice}` },
    });
    const ws = wsClient(app.url, alice);
    const a = collect(sse.iterate({ query: SUBSCRIPTION }) as AsyncIterableIterator<Result>);
    const b = collect(ws.iterate({ query: SUBSCRIPTION }) as AsyncIterableIterator<Result>);
    await untilLive(app.url, [a, b], 'z', alice!);
    expect(await app.stop('SIGTERM')).toBe(0);
    await a.until('sse completed', () => a.ended());
    await b.until('ws completed', () => b.ended());
    await ws.dispose();
    sse.dispose();
  }, 60_000);
});

const noRedis = redisUnavailable();

describe('two server processes sharing Redis pub/sub', () => {
  let redis: RedisProcess | undefined;
  let engine: Engine | undefined;
  const apps: Started[] = [];
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await engine?.close();
    await redis?.close();
  });

  it.skipIf(noRedis !== null)(
    `a write through one instance reaches a subscriber on the other${noRedis ? ` — skipped: ${noRedis}` : ''}`,
    async () => {
      redis = await startRedis();
      engine = await startDynalite();
      const env = { DYNAMODB_ENDPOINT: engine.endpoint, TABLEGRAPH_REDIS_URL: redis.url };
      apps.push(await startMain(env)); // creates the table and seeds it
      apps.push(await startMain(env));
      const [a, b] = apps as [Started, Started];
      expect(await subscriptionLine(b)).toContain(`(events: Redis at ${redis.url})`);
      const { alice } = a.tokens() as Record<string, string>;
      const ws = wsClient(b.url, alice);
      const onB = collect(ws.iterate({ query: SUBSCRIPTION }) as AsyncIterableIterator<Result>);
      try {
        await untilLive(a.url, [onB], 'r', alice!);
        const sent = performance.now();
        await post(
          a.url,
          'mutation { createTodoItem(input: { userId: "alice", todoId: "far", title: "Far" }) { todoId } }',
          alice!,
        );
        const far = () => onB.seen.find((e) => todo(e)?.item.todoId === 'far');
        await onB.until('the other instance', () => far() !== undefined);
        expect(todo(far()!)).toEqual({
          kind: 'CREATED',
          item: { todoId: 'far', completed: false, user: { name: 'Alice' } },
        });
        console.log(
          `subscription latency across instances via Redis (ms): ${Math.round((far()!.at - sent) * 10) / 10}`,
        );
      } finally {
        onB.stop();
        await ws.dispose();
      }
    },
    120_000,
  );
});
