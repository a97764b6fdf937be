import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';
import { createServer } from '../../src/server.js';
import { countRequests, type Engine, startDynalite, truncate } from '../helpers/engines.js';

// Over real HTTP (node:http + Yoga, dynalite): multi-operation mutation documents where one fails,
// DynamoDB's limits as BAD_USER_INPUT, an invalid JSON body, and a client that goes away mid-request.
// DynamoDB requests counted on the backend's client.

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: string[]; extensions: Record<string, unknown> }[];
}

describe('the server over HTTP: partial mutation results, limits, bad bodies, cancellation', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let requests: ReturnType<typeof countRequests>;
  let server: Server;
  let url: string;
  /** Resolves when the handler of the latest request has finished (response ended or connection gone). */
  let handled: Promise<void> = Promise.resolve();
  /** Resolves when the latest request's connection closed. */
  let closed: Promise<void> = Promise.resolve();
  /** While set, every PutItem waits for it (and `arrived` is called). */
  let gate: { arrived: () => void; open: Promise<void> } | null = null;

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'reliability', endpoint: engine.endpoint });
    const models = createModels(backend);
    await backend.createTable(models);
    requests = countRequests(backend);
    backend.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (gate && context.commandName === 'PutItemCommand') {
          gate.arrived();
          await gate.open;
        }
        return next(args);
      },
      { step: 'initialize', name: 'testGate' },
    );
    const yoga = createServer({ schema: buildSchema({ models }), logging: false });
    server = createHttpServer((req, res) => {
      closed = new Promise((resolve) => res.once('close', () => resolve()));
      handled = Promise.resolve(yoga(req, res)).then(() => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    backend.close();
    await engine.close();
  });
  beforeEach(async () => {
    await truncate(backend);
    requests.reset();
  });

  const post = async (body: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body,
      ...init,
    });
    return { status: res.status, text: await res.text() };
  };
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await post(JSON.stringify({ query, variables }));
    return { status: res.status, body: JSON.parse(res.text) as Answer };
  };
  const product = (alias: string, sku: string, price = 1) =>
    `${alias}: createProduct(input: { sku: "${sku}", name: "n", price: ${price}, stock: 1 }) { sku }`;

  it('mutation { a b c } where b fails: a answered, b null with its error, c still runs', async () => {
    await gql(`mutation { ${product('x', 'taken')} }`);
    requests.reset();
    const res = await gql(
      `mutation { ${product('a', 'p-a')} ${product('b', 'taken')} ${product('c', 'p-c')} }`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ a: { sku: 'p-a' }, b: null, c: { sku: 'p-c' } });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: ['b'], extensions: { code: 'ALREADY_EXISTS' } }),
    ]);
    expect(requests.counts).toEqual({ PutItemCommand: 3 });
    const { body } = await gql('{ products { edges { node { sku } } } }');
    expect(JSON.stringify(body.data)).toContain('p-c');
  });

  it('a failing update or delete in the middle leaves the others answered too', async () => {
    await gql(`mutation { ${product('x', 'p1')} }`);
    const res = await gql(`mutation {
      a: updateProduct(sku: "p1", input: { stock: 5 }) { stock }
      b: updateProduct(sku: "nope", input: { stock: 5 }) { stock }
      c: deleteProduct(sku: "p1")
      d: createProducts(inputs: [{ sku: "q", name: "n", price: 1e308, stock: 1 }]) { sku }
      e: deleteProduct(sku: "nope")
    }`);
    expect(res.body.data).toEqual({ a: { stock: 5 }, b: null, c: true, d: null, e: false });
    expect(res.body.errors?.map((e) => [e.path, e.extensions.code])).toEqual([
      [['b'], 'NOT_FOUND'],
      [['d'], 'BAD_USER_INPUT'],
    ]);
  });

  it("DynamoDB's limits come out as BAD_USER_INPUT naming the limit, with no request", async () => {
    for (const [price, expected] of [
      ['1e308', 'magnitude <= 9.99E+125 (and within ±9007199254740991)'],
      ['1e-200', 'magnitude >= 1E-130, or 0'],
      ['9007199254740992.0', 'within ±9007199254740991'],
    ]) {
      const res = await gql(`mutation { ${product('a', 'n', price as unknown as number)} }`);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        issues: [expect.objectContaining({ path: 'price', expected })],
      });
    }
    const long = 'k'.repeat(3000);
    const key = await gql(`mutation { ${product('a', long)} }`);
    expect(key.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [
        expect.objectContaining({ path: 'sku', expected: 'partition key <= 2048 bytes (UTF-8)' }),
      ],
    });
    const tags = Array.from({ length: 20_000 }, (_, i) => `tag-${i}-${'x'.repeat(16)}`);
    const big = await gql(
      'mutation ($tags: [String!]) { createProduct(input: { sku: "s", name: "n", price: 1, stock: 1, tags: $tags }) { sku } }',
      { tags },
    );
    expect(big.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [expect.objectContaining({ path: 'tags', expected: 'item size <= 409600 bytes' })],
    });
    const lookup = await gql(`{ product(sku: "${long}") { name } }`);
    expect(lookup.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(requests.counts).toEqual({});
  });

  it('an invalid JSON body is a 400 with a code and no original error, whatever the client accepts', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const res = await post('{"query": "{ users', {
        headers: { 'content-type': 'application/json', accept },
      });
      expect(res.status).toBe(400);
      const body = JSON.parse(res.text) as Answer;
      expect(body.errors).toEqual([
        { message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } },
      ]);
      expect(res.text).not.toMatch(/SyntaxError|originalError|position/);
    }
  });

  it('a client that goes away stops the execution: no further DynamoDB request', async () => {
    let release!: () => void;
    let arrived!: () => void;
    const first = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    gate = { arrived, open: new Promise<void>((resolve) => (release = resolve)) };
    const creates = Array.from({ length: 10 }, (_, i) => product(`p${i}`, `c${i}`)).join(' ');
    const client = new AbortController();
    const answer = post(JSON.stringify({ query: `mutation { ${creates} }` }), {
      signal: client.signal,
    }).catch((e: unknown) => e);
    await first; // the first create is at the engine's door
    client.abort();
    expect(await answer).toMatchObject({ name: 'AbortError' });
    await closed; // the server saw the connection go
    gate = null;
    release();
    await handled;
    expect(requests.counts).toEqual({ PutItemCommand: 1 });
    const { body } = await gql('{ products { edges { node { sku } } } }');
    expect(body.data).toEqual({ products: { edges: [{ node: { sku: 'c0' } }] } });
  });
});
