import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';
import { createServer } from '../../src/server.js';
import { countRequests, type Engine, startDynalite } from '../helpers/engines.js';

// Limits before execution (depth, aliases, tokens, nesting) and no internal detail in any answer.
// A refused document sends no DynamoDB request, counted on dynalite.

interface Answer {
  errors?: { message: string; extensions: Record<string, unknown> }[];
  data?: unknown;
}

describe('query limits before execution', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let requests: ReturnType<typeof countRequests>;
  let post: (
    body: string,
    accept?: string,
  ) => Promise<{ status: number; ms: number; body: Answer }>;

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'limits', endpoint: engine.endpoint });
    const models = createModels(backend);
    await backend.createTable(models);
    requests = countRequests(backend);
    const yoga = createServer({ schema: buildSchema({ models }), logging: false });
    post = async (body, accept = 'application/graphql-response+json') => {
      const t = performance.now();
      const res = await yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body,
      });
      return { status: res.status, body: (await res.json()) as Answer, ms: performance.now() - t };
    };
  });
  afterAll(async () => {
    backend.close();
    await engine.close();
  });

  const query = (q: string) => JSON.stringify({ query: q });

  it('refuses a relation chain 25 deep in milliseconds, with a code and no request', async () => {
    let deep = 'name';
    for (let i = 0; i < 25; i++) deep = `user { orders(first: 5) { edges { node { ${deep} } } } }`;
    requests.reset();
    const res = await post(query(`{ orders(first: 5) { edges { node { ${deep} } } } }`));
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'maxDepth',
      max: 12,
    });
    expect(res.ms).toBeLessThan(1000);
    expect(requests.counts).toEqual({});
  });

  it('refuses 10,000 aliases of a list before any Scan', async () => {
    const aliases = Array.from(
      { length: 10_000 },
      (_, i) => `a${i}: users(first: 100) { edges { node { name } } }`,
    );
    requests.reset();
    const res = await post(query(`{ ${aliases.join(' ')} }`));
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED'); // the token limit stops it while parsing
    const some = Array.from(
      { length: 40 },
      (_, i) => `a${i}: users(first: 1) { edges { node { name } } }`,
    );
    const fewer = await post(query(`{ ${some.join(' ')} }`));
    expect(fewer.body.errors![0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'maxAliases',
    });
    expect(requests.counts).toEqual({});
  });

  it('answers nesting that would break the parser with a 400, never a 500', async () => {
    let chain = 'a';
    for (let i = 0; i < 5000; i++) chain = `a { ${chain} }`;
    for (const text of [`{ ${chain} }`, `${'{'.repeat(5000)}${'}'.repeat(5000)}`]) {
      const res = await post(query(text));
      expect(res.status).toBe(400);
      expect(res.body.errors![0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    }
  });

  it('lets an ordinary nested query and GraphiQL-sized introspection through', async () => {
    const ok = await post(
      query(
        '{ users(first: 20) { edges { node { orders(first: 5) { edges { node { product { name } } } } } } } }',
      ),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    const { getIntrospectionQuery } = await import('graphql');
    const intro = await post(query(getIntrospectionQuery()));
    expect(intro.body.errors).toBeUndefined();
  });
});
