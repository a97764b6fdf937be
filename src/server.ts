import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import {
  GraphQLError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  type ValidationContext,
} from 'graphql';
import {
  createYoga,
  maskError,
  type Plugin,
  useExecutionCancellation,
  type YogaServerInstance,
} from 'graphql-yoga';
import { renderLocalGraphiQL, useLocalGraphiQLAssets } from './graphiql-assets.js';
import type { Identify } from './identity.js';
import {
  type ChangeBus,
  type ChangeHub,
  CONNECTION,
  type CostOptions,
  changeHubOf,
  exampleQuery,
  type SubscriptionLimits,
  useTablegraphCost,
} from './schema/index.js';

export interface ServerOptions {
  /** The schema to serve (`buildSchema({ models })`, or one merged with your own). */
  readonly schema: GraphQLSchema;
  /**
   * Production settings: GraphiQL and introspection off unless turned on here, and backends without
   * a cursor secret sign with a random one per process (README "Production").
   * @default process.env.NODE_ENV === 'production'
   */
  readonly production?: boolean;
  /** Serve GraphiQL on GET. @default true, false in production */
  readonly graphiql?: boolean;
  /** Answer introspection queries (`__schema`, `__type`). @default true, false in production */
  readonly introspection?: boolean;
  /**
   * Who each request is from (`jwtIdentity({ secret })` verifies bearer tokens): the caller is put
   * in the context as `caller`, where the schema's auth rules read it. @default everyone is anonymous
   */
  readonly identify?: Identify;
  /** Largest request body, in bytes: a bigger one is refused with 413 before it is parsed. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** Headers GraphiQL opens with (e.g. a development token), as an object. */
  readonly graphiqlHeaders?: Readonly<Record<string, string>>;
  /** @default '/graphql' */
  readonly graphqlEndpoint?: string;
  /** Log unexpected (masked) errors server-side. @default console */
  readonly logging?: boolean;
  /** The query GraphiQL opens with. @default an example over the schema's models (a list with a relation) */
  readonly defaultQuery?: string;
  /**
   * Limits checked before execution (GraphQL Armor): nesting depth, aliases and tokens of one
   * document. Over a limit the request is refused with a 400 and a coded error, before any
   * resolver runs. `false` turns them off (the schema then relies on page caps alone).
   */
  readonly limits?: Partial<QueryLimits> | false;
  /**
   * Cost: operations whose estimated reads exceed `maxReads` (default 5000 items) are refused
   * before execution (`QUERY_TOO_COSTLY`); each answer's `extensions.cost` carries the engine
   * requests and read/write capacity units it consumed (default: on when NODE_ENV is
   * `development`, as `npm start` sets it; never by default in production);
   * `onCost` receives the same for logging and metrics. `false` turns all of it off.
   */
  readonly cost?: CostOptions | false;
  /**
   * Subscriptions (served over SSE by Yoga itself, over WebSocket by `serveSubscriptions`): their
   * limits, and the bus that carries changes between instances (`createRedisBus(url)`; in process
   * without one). Applies to the hub of a schema from `buildSchema`, or to `hub`.
   */
  readonly subscriptions?: Partial<SubscriptionLimits> & {
    readonly bus?: ChangeBus;
    readonly hub?: ChangeHub;
  };
}

export interface QueryLimits {
  /** Deepest field nesting (introspection excepted). @default 12 */
  readonly maxDepth: number;
  /** Aliases in one document: each can be a whole Scan. @default 30 */
  readonly maxAliases: number;
  /** Tokens in one document, checked while parsing (so deep nesting never reaches the parser's recursion). @default 5000 */
  readonly maxTokens: number;
}

export const defaultQueryLimits: QueryLimits = { maxDepth: 12, maxAliases: 30, maxTokens: 5000 };

/** Brackets nested deeper than this are refused before parsing (the parser recurses per level). */
const MAX_NESTING = 128;

// Private: the deepest nesting of { ( [ outside strings, read in one pass over the text.
function nestingOf(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const block = text.startsWith('"""', i);
      const end = block ? text.indexOf('"""', i + 3) : i;
      if (block) {
        i = end < 0 ? text.length : end + 2;
        continue;
      }
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++)
        if (text.charCodeAt(i) === 92 /* \ */) i++;
    } else if (c === 35 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else if (c === 123 || c === 40 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 41 || c === 93) depth--;
  }
  return max;
}

/** Refuses documents nested past MAX_NESTING as a parse failure (400), before the parser recurses. */
const useNestingLimit = (): Plugin => ({
  onParse({ params }) {
    const text = typeof params.source === 'string' ? params.source : params.source.body;
    if (nestingOf(text) > MAX_NESTING)
      throw new GraphQLError(`Syntax Error: nested deeper than ${MAX_NESTING} levels.`, {
        extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } },
      });
  },
});

function limitPlugins(limits: Partial<QueryLimits> | false | undefined) {
  if (limits === false) return [];
  const { maxDepth, maxAliases, maxTokens } = { ...defaultQueryLimits, ...limits };
  // Refusals become validation errors with a code naming the limit (Armor's own carry none).
  const refuse =
    (limit: keyof QueryLimits, max: number) =>
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
          extensions: { code: 'QUERY_TOO_COMPLEX', limit, max },
        }),
      );
  return [
    useNestingLimit(),
    maxTokensPlugin({ n: maxTokens }),
    maxDepthPlugin({
      n: maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [refuse('maxDepth', maxDepth)],
    }),
    maxAliasesPlugin({
      n: maxAliases,
      allowList: [],
      propagateOnRejection: false,
      onReject: [refuse('maxAliases', maxAliases)],
    }),
  ];
}

/** Refuses bodies over `max` bytes with 413, counting what arrives (a missing or false Content-Length cannot slip past). */
const useBodyLimit = (max: number): Plugin => ({
  onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
    if (!requestParser || request.method === 'GET' || request.method === 'HEAD') return;
    const tooLarge = () =>
      new GraphQLError(`The request body is larger than ${max} bytes`, {
        extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413 } },
      });
    setRequestParser(async (req) => {
      if (Number(req.headers.get('content-length') ?? 0) > max) throw tooLarge();
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = req.body?.getReader();
      for (;;) {
        const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
        if (chunk.done) break;
        size += chunk.value.byteLength;
        if (size > max) {
          await reader!.cancel();
          throw tooLarge();
        }
        chunks.push(chunk.value);
      }
      const body = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.byteLength;
      }
      return requestParser(
        new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body }),
      );
    });
  },
});

/** Refuses introspection (`__schema`, `__type`) as a validation error. */
const useNoIntrospection = (): Plugin => ({
  onValidate({ addValidationRule }) {
    addValidationRule(NoSchemaIntrospectionCustomRule);
  },
});

/**
 * Yoga's masking, and then no `originalError` in any answer: Yoga's JSON body parser puts the
 * parser's error (its name, and a message quoting the body) in `extensions.originalError` of its
 * BAD_REQUEST error whatever `isDev` says. Yoga also reads that extension to answer 400 rather than
 * 200 to `Accept: application/json` (so deleting it turns the 400 into a 200): it is made
 * non-enumerable instead, which Yoga still reads and its serializer (an object rest) leaves out.
 * The same error object, so a client's bad body is not logged as a server error.
 */
function maskWithoutOriginalError(error: unknown, message: string, isDev?: boolean): Error {
  const masked = maskError(error, message, isDev);
  const extensions = (masked as GraphQLError).extensions as Record<string, unknown> | undefined;
  if (extensions && Object.prototype.propertyIsEnumerable.call(extensions, 'originalError'))
    Object.defineProperty(extensions, 'originalError', {
      value: extensions.originalError,
      enumerable: false,
    });
  return masked;
}

/**
 * A Yoga instance serving the schema: GraphiQL (assets served locally, opening on an example
 * query over the models), masked unexpected errors and a health check at `/health`. Listening is
 * the caller's: `http.createServer(yoga).listen(4000)`, `yoga.fetch(request)` (Lambda, workers,
 * tests). The schema needs no plugin or context: each request gets its own loaders.
 */
export function createServer(
  options: ServerOptions,
): YogaServerInstance<Record<string, unknown>, Record<string, unknown>> {
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const { identify } = options;
  const { bus, hub: given, ...limits } = options.subscriptions ?? {};
  const hub = given ?? changeHubOf(options.schema);
  if (hub) {
    hub.limits = { ...hub.limits, ...limits };
    if (bus) hub.useBus(bus);
  }
  const yoga = createYoga<Record<string, unknown>>({
    schema: options.schema,
    graphqlEndpoint: options.graphqlEndpoint ?? '/graphql',
    healthCheckEndpoint: '/health',
    graphiql: !(options.graphiql ?? !production)
      ? false
      : {
          title: 'tablegraph',
          defaultQuery: options.defaultQuery ?? exampleQuery(options.schema),
          ...(options.graphiqlHeaders
            ? { headers: JSON.stringify(options.graphiqlHeaders, null, 2) }
            : {}),
        },
    ...(identify ? { context: async ({ request }) => ({ caller: await identify(request) }) } : {}),
    // Unexpected errors masked, and no original error (a JSON parser's message, a stack) echoed in dev.
    maskedErrors: { isDev: false, maskError: maskWithoutOriginalError },
    // useBodyLimit below counts every body's bytes: Yoga's own limit (a TransformStream and a new
    // Request per request, at 25 MB) would only repeat it.
    maxRequestBodySize: false,
    logging: options.logging === false ? false : 'info',
    renderGraphiQL: renderLocalGraphiQL,
    plugins: [
      useLocalGraphiQLAssets(),
      useBodyLimit(options.maxBodyBytes ?? 1024 * 1024),
      ...limitPlugins(options.limits),
      ...((options.introspection ?? !production) ? [] : [useNoIntrospection()]),
      // A client that goes away stops the execution: no further resolver runs (so no further
      // DynamoDB request starts); requests already sent finish.
      useExecutionCancellation(),
      ...(options.cost === false
        ? []
        : [
            useTablegraphCost({
              // Development only by default: answers compared whole (tests, caches) stay as they were.
              extensions: !production && process.env.NODE_ENV === 'development',
              ...options.cost,
            }),
          ]),
    ],
  });
  if (hub) hubs.set(yoga, hub);
  return yoga;
}

type Yoga = YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;
const hubs = new WeakMap<object, ChangeHub>();

/** What `serveSubscriptions` answers: closing ends every subscription (SSE and WebSocket). */
export interface SubscriptionServer {
  /** Subscriptions open on this instance. */
  readonly size: number;
  close(): Promise<void>;
}

/**
 * Serves subscriptions over WebSocket (the `graphql-transport-ws` protocol of `graphql-ws`) on the
 * HTTP server that serves `yoga`, at its GraphQL endpoint (SSE needs nothing: Yoga serves it).
 * A socket whose unsent messages exceed `maxBufferedBytes` (a client that stopped reading) is
 * closed with 1013. `close()` completes every subscription, then closes the sockets (1001).
 * `ws` and `graphql-ws` are loaded on the first call.
 */
export async function serveSubscriptions(
  http: HttpServer,
  yoga: Yoga,
  options: { readonly maxBufferedBytes?: number } = {},
): Promise<SubscriptionServer> {
  // Loaded on use: a Lambda handler (which imports this module) never pays for them.
  const [{ WebSocketServer }, { useServer }] = await Promise.all([
    import('ws'),
    import('graphql-ws/use/ws'),
  ]);
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const hub = hubs.get(yoga);
  const wss = new WebSocketServer({ server: http, path: yoga.graphqlEndpoint });
  const server = useServer(
    {
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          request: upgradeRequest(ctx.extra.request, ctx.connectionParams),
          socket: ctx.extra.socket,
          params,
          [CONNECTION]: ctx,
        });
        const args = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
      onNext: (ctx) => {
        const socket = ctx.extra.socket;
        if (socket.bufferedAmount > maxBuffered)
          socket.close(1013, `Too slow: more than ${maxBuffered} bytes waiting`);
      },
    },
    wss,
  );
  return {
    get size() {
      return hub?.size ?? 0;
    },
    async close() {
      hub?.close();
      await server.dispose();
      for (const socket of wss.clients) socket.close(1001, 'Server shutting down');
      await new Promise<void>((ok) => wss.close(() => ok()));
    },
  };
}

/**
 * The WebSocket's upgrade request as a Fetch Request, for the same caller identification as HTTP:
 * its headers, with an `Authorization` from the connection parameters (browsers cannot set headers
 * on a WebSocket; clients send `connectionParams: { Authorization: 'Bearer ...' }`).
 */
function upgradeRequest(
  incoming: IncomingMessage,
  params: Readonly<Record<string, unknown>> | undefined,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers))
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  const auth = params?.Authorization ?? params?.authorization;
  if (typeof auth === 'string') headers.set('authorization', auth);
  return new Request(`http://${incoming.headers.host ?? 'localhost'}${incoming.url ?? '/'}`, {
    headers,
  });
}

interface Enveloped {
  execute(args: unknown): never;
  subscribe(args: unknown): never;
}

/** A bus over Redis pub/sub, shared by every instance given the same URL (one channel). */
export interface RedisBus extends ChangeBus {
  /** Resolves once subscribed (changes from other instances arrive from then on). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Redis pub/sub as the bus between server instances (`redis://host:6379`): every change is
 * published once and delivered by every subscribed instance, in the order Redis received them.
 * Two connections (a subscribed connection cannot publish). A publish that fails is logged, never
 * an unhandled rejection; ioredis reconnects by itself, and changes published while an instance
 * is disconnected do not reach it (pub/sub keeps nothing).
 */
export async function createRedisBus(url: string): Promise<RedisBus> {
  const { Redis } = await import('ioredis');
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const subscriber = new Redis(url, { lazyConnect: true });
  const listeners = new Map<string, Set<(event: Event) => void>>();
  for (const client of [publisher, subscriber]) client.on('error', () => {}); // reported by `ready` and publish
  subscriber.on('message', (channel: string, message: string) => {
    const set = listeners.get(channel);
    if (!set) return;
    let detail: unknown;
    try {
      detail = JSON.parse(message);
    } catch {
      return;
    }
    for (const listener of set) listener(new CustomEvent(channel, { detail }));
  });
  const subscribed = new Set<string>();
  // Connected, then subscribed to every channel asked for so far.
  let settled: Promise<unknown> = Promise.all([publisher.connect(), subscriber.connect()]);
  return {
    get ready() {
      return settled.then(() => {});
    },
    addEventListener(type, listener) {
      let set = listeners.get(type);
      if (!set) {
        set = new Set();
        listeners.set(type, set);
      }
      set.add(listener);
      if (!subscribed.has(type)) {
        subscribed.add(type);
        settled = settled.then(() => subscriber.subscribe(type));
        settled.catch(() => {}); // reported by `ready`
      }
    },
    removeEventListener(type, listener) {
      listeners.get(type)?.delete(listener);
    },
    dispatchEvent(event) {
      publisher
        .publish(event.type, JSON.stringify((event as CustomEvent).detail))
        .catch((error: unknown) =>
          console.error('tablegraph: a change could not be published to Redis:', error),
        );
      return true;
    },
    async close() {
      subscriber.disconnect();
      await publisher.quit().catch(() => publisher.disconnect());
    },
  };
}

export { type Identify, type JwtIdentityOptions, jwtIdentity, signToken } from './identity.js';
