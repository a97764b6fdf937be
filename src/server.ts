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
import { exampleQuery } from './schema/index.js';

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
  return createYoga<Record<string, unknown>>({
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
    ],
  });
}

export { type Identify, type JwtIdentityOptions, jwtIdentity, signToken } from './identity.js';
