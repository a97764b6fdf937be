// Run with plain `node dist/main.js` and DYNAMODB_ENDPOINT (dynalite, started by the test): the
// table created from the models, the schema served by graphql-yoga as it is (no tablegraph
// plugin) over real HTTP, and the Lambda handler invoked with an API Gateway HTTP API event.
// Prints one JSON line.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { DynamoDBBackend } from 'tablegraph';
import { buildSchema } from 'tablegraph/graphql';
import { createLambdaHandler } from 'tablegraph/lambda';
import { createModels, seed } from './models.js';

const backend = new DynamoDBBackend({
  tableName: 'consumer',
  endpoint: process.env.DYNAMODB_ENDPOINT!,
});
const models = createModels(backend);
await backend.createTable(models);
await seed(models);

const counts: Record<string, number> = {};
backend.client.middlewareStack.add(
  (next, context) => (args) => {
    const name = context.commandName ?? 'unknown';
    counts[name] = (counts[name] ?? 0) + 1;
    return next(args);
  },
  { step: 'initialize', name: 'consumerCounter' },
);
const counted = async <T>(run: () => Promise<T>) => {
  for (const k of Object.keys(counts)) delete counts[k];
  const result = await run();
  return { result, requests: { ...counts } };
};

const schema = buildSchema({ models });
const http = createServer(createYoga({ schema, logging: false }));
await new Promise<void>((ok) => http.listen(0, '127.0.0.1', () => ok()));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
const post = async (query: string) =>
  (
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    })
  ).json();

const lookup = await counted(() => post('{ author(rowId: "bo") { id rowId name bio } }'));
const list = await counted(() =>
  post('{ posts { edges { node { postId title author { name } } } } }'),
);

const handler = createLambdaHandler({ schema, graphiql: false, logging: false });
const lambda = await handler({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/graphql',
  rawQueryString: '',
  headers: {
    'content-type': 'application/json',
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
  },
  requestContext: {
    domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    http: { method: 'POST', path: '/graphql', sourceIp: '203.0.113.7' },
  },
  body: JSON.stringify({
    query: '{ postsByAuthorId(authorId: "ann") { edges { node { title } } } }',
  }),
  isBase64Encoded: false,
} as Parameters<typeof handler>[0]);

console.log(
  JSON.stringify({
    lookup,
    list,
    lambda: { status: lambda.statusCode, body: JSON.parse(lambda.body) },
  }),
);
http.close();
backend.close();
