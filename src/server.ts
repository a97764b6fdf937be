import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { renderLocalGraphiQL, useLocalGraphiQLAssets } from './graphiql-assets.js';
import { exampleQuery } from './schema/index.js';

export interface ServerOptions {
  /** The schema to serve (`buildSchema({ models })`, or one merged with your own). */
  readonly schema: GraphQLSchema;
  /** Serve GraphiQL on GET. @default true */
  readonly graphiql?: boolean;
  /** @default '/graphql' */
  readonly graphqlEndpoint?: string;
  /** Log unexpected (masked) errors server-side. @default console */
  readonly logging?: boolean;
  /** The query GraphiQL opens with. @default an example over the schema's models (a list with a relation) */
  readonly defaultQuery?: string;
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
  return createYoga<Record<string, unknown>>({
    schema: options.schema,
    graphqlEndpoint: options.graphqlEndpoint ?? '/graphql',
    healthCheckEndpoint: '/health',
    graphiql:
      options.graphiql === false
        ? false
        : {
            title: 'tablegraph',
            defaultQuery: options.defaultQuery ?? exampleQuery(options.schema),
          },
    maskedErrors: true,
    logging: options.logging === false ? false : 'info',
    renderGraphiQL: renderLocalGraphiQL,
    plugins: [useLocalGraphiQLAssets()],
  });
}
