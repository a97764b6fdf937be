import { buildSchema } from '../../src/schema/index.js';
import { createServer } from '../../src/server.js';
import type { Models } from '../fixtures/models.js';

export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/** The schema over the fixture models, served by a Yoga instance that is called without a port. */
export function serve(
  m: Models,
  options: { maxPageSize?: number; maxTotalCount?: number; maxReadsPerPage?: number } = {},
) {
  const schema = buildSchema({
    models: [m.User, m.TodoItem, m.Order, m.Product, m.Document, m.Session],
    ...options,
  });
  const yoga = createServer({ schema, logging: false, graphiql: false });
  const gql = async (
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResult> => {
    const res = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResult;
  };
  return { schema, yoga, gql };
}
