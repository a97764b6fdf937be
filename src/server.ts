import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { renderLocalGraphiQL, useLocalGraphiQLAssets } from './graphiql-assets.js';
import { createContext, type TablegraphContext } from './schema/index.js';

export interface ServerOptions {
  /** The schema to serve (`buildSchema({ models })`, or one merged with your own). */
  readonly schema: GraphQLSchema;
  /** Serve GraphiQL on GET. @default true */
  readonly graphiql?: boolean;
  /** @default '/graphql' */
  readonly graphqlEndpoint?: string;
  /** Log unexpected (masked) errors server-side. @default console */
  readonly logging?: boolean;
  /** A query GraphiQL opens with. */
  readonly defaultQuery?: string;
}

/**
 * A Yoga instance serving the schema: GraphiQL, masked unexpected errors, a fresh context (with
 * per-request loaders) for every request, and a health check at `/health`. Listening is the
 * caller's: `createServer(http.createServer(yoga))`, or `yoga.fetch(...)` in tests.
 */
export function createServer(
  options: ServerOptions,
): YogaServerInstance<Record<string, unknown>, TablegraphContext> {
  return createYoga<Record<string, unknown>, TablegraphContext>({
    schema: options.schema,
    graphqlEndpoint: options.graphqlEndpoint ?? '/graphql',
    healthCheckEndpoint: '/health',
    graphiql:
      options.graphiql === false
        ? false
        : { title: 'tablegraph', defaultQuery: options.defaultQuery },
    maskedErrors: true,
    logging: options.logging === false ? false : 'info',
    renderGraphiQL: renderLocalGraphiQL,
    plugins: [useLocalGraphiQLAssets()],
    context: () => createContext(),
  });
}
