// The Lambda handler (examples/lambda/handler.ts, on src/lambda.ts) invoked with API Gateway HTTP
// API (payload 2.0) events shaped like the ones AWS sends, against dynalite; SDK commands counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, seed } from '../../examples/demo/models.js';
import { createLambdaHandler, type HttpApiEvent, type HttpApiHandler } from '../../src/lambda.js';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';
import { countRequests, type Engine, startDynalite } from '../helpers/engines.js';

/** An HTTP API event as API Gateway delivers it (fields from AWS's payload 2.0 reference). */
function event(
  method: string,
  init: { body?: string; query?: string; headers?: Record<string, string>; base64?: boolean } = {},
): HttpApiEvent & Record<string, unknown> {
  const domainName = 'r3pmxmplak.execute-api.us-east-2.amazonaws.com';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/graphql',
    rawQueryString: init.query ?? '',
    cookies: ['session=abc123'],
    headers: {
      accept: 'application/json',
      'content-length': String(init.body?.length ?? 0),
      'content-type': 'application/json',
      host: domainName,
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e',
      'x-forwarded-for': '205.255.255.176',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...init.headers,
    },
    queryStringParameters: init.query
      ? Object.fromEntries(new URLSearchParams(init.query))
      : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'r3pmxmplak',
      domainName,
      domainPrefix: 'r3pmxmplak',
      http: {
        method,
        path: '/graphql',
        protocol: 'HTTP/1.1',
        sourceIp: '205.255.255.176',
        userAgent: 'curl/8.5.0',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: '$default',
      stage: '$default',
      time: '10/Mar/2020:05:16:23 +0000',
      timeEpoch: 1583817383220,
    },
    body: init.base64 && init.body ? Buffer.from(init.body).toString('base64') : init.body,
    isBase64Encoded: init.base64 ?? false,
  };
}

const gql = (query: string, variables?: Record<string, unknown>) =>
  JSON.stringify({ query, variables });

describe('the Lambda handler (API Gateway HTTP API events) on dynalite', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let handler: HttpApiHandler;
  let requests: ReturnType<typeof countRequests>;

  beforeAll(async () => {
    engine = await startDynalite();
    // What the function's configuration sets; the example builds its backend from it.
    process.env.TABLE_NAME = 'lambda';
    process.env.DYNAMODB_ENDPOINT = engine.endpoint;
    process.env.TABLEGRAPH_CURSOR_SECRET = 'lambda-test-secret';
    const example = await import('../../examples/lambda/handler.js');
    handler = example.handler;
    backend = example.backend;
    await backend.createTable(example.models);
    await seed(example.models);
    requests = countRequests(backend);
  });
  afterAll(async () => {
    backend.close();
    await engine.close();
  });

  it('answers a POSTed query: a list with relations in one Scan and one BatchGetItem', async () => {
    requests.reset();
    const res = await handler(
      event('POST', { body: gql('{ orders { edges { node { orderId user { name } } } } }') }),
      { awsRequestId: 'test' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.isBase64Encoded).toBe(false);
    expect(res.headers['content-type']).toMatch(/^application\/(graphql-response\+)?json/);
    const body = JSON.parse(res.body) as {
      data: { orders: { edges: { node: { orderId: string; user: { name: string } } }[] } };
    };
    expect(body.data.orders.edges.map((e) => [e.node.orderId, e.node.user.name]).sort()).toEqual([
      ['o-1001', 'Alice'],
      ['o-1002', 'Alice'],
      ['o-1003', 'Bob'],
    ]);
    expect(requests.counts).toEqual({ ScanCommand: 1, BatchGetItemCommand: 1 });
  });

  it('answers a GET with the query in the query string', async () => {
    const res = await handler(
      event('GET', {
        query: new URLSearchParams({ query: '{ user(rowId: "bob") { name } }' }).toString(),
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ data: { user: { name: 'Bob' } } });
  });

  it('decodes a base64 body (isBase64Encoded) and runs a mutation', async () => {
    const res = await handler(
      event('POST', {
        base64: true,
        body: gql('mutation($i: CreateProductInput!) { createProduct(input: $i) { sku name } }', {
          i: { sku: 'LMP-1', name: 'Lamp', price: 12.5, stock: 4 },
        }),
      }),
    );
    expect(JSON.parse(res.body)).toEqual({
      data: { createProduct: { sku: 'LMP-1', name: 'Lamp' } },
    });
    const [, , , Product] = createModels(backend);
    expect((await Product.get({ sku: 'LMP-1' }))?.price).toBe(12.5);
  });

  it('pages with cursors signed by TABLEGRAPH_CURSOR_SECRET: another instance with the same secret continues, one with another refuses', async () => {
    const q =
      'query($after: String) { products(first: 2, after: $after) { edges { node { sku } } pageInfo { endCursor } } }';
    const first = JSON.parse((await handler(event('POST', { body: gql(q) }))).body) as {
      data: { products: { pageInfo: { endCursor: string } } };
    };
    const after = first.data.products.pageInfo.endCursor;
    const instance = (cursorSecret: string) => {
      const b = new DynamoDBBackend({
        tableName: 'lambda',
        endpoint: engine.endpoint,
        cursorSecret,
      });
      return createLambdaHandler({
        schema: buildSchema({ models: createModels(b) }),
        logging: false,
      });
    };
    const same = JSON.parse(
      (await instance('lambda-test-secret')(event('POST', { body: gql(q, { after }) }))).body,
    );
    expect(same.errors).toBeUndefined();
    expect(same.data.products.edges.length).toBeGreaterThan(0);
    const other = JSON.parse(
      (await instance('another-secret')(event('POST', { body: gql(q, { after }) }))).body,
    );
    expect(other.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers a malformed request with 400 and a coded error; GraphiQL is off in the example', async () => {
    const bad = await handler(event('POST', { body: '{ not json' }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).errors[0].extensions.code).toBeDefined();
    const page = await handler(event('GET', { headers: { accept: 'text/html' } }));
    expect(page.body).not.toContain('<html');
  });

  it('refuses a subscription stream (text/event-stream) at once: an invocation answers only once', async () => {
    const refused = await handler(
      event('POST', {
        body: JSON.stringify({ query: 'subscription { userChanged { kind } }' }),
        headers: { accept: 'text/event-stream' },
      }),
    );
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('SUBSCRIPTIONS_UNSUPPORTED');
  });

  it('serves GraphiQL (HTML, opening on an example over the models) when enabled', async () => {
    const withGraphiQL = createLambdaHandler({
      schema: buildSchema({ models: createModels(backend) }),
    });
    const page = await withGraphiQL(event('GET', { headers: { accept: 'text/html' } }));
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.isBase64Encoded).toBe(false);
    expect(page.body).toContain('query Example');
  });
});
