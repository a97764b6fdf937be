// urql with Graphcache and no configuration (no `keys`): every object, composite-key TodoItem
// included, is normalized by `__typename` + `id`, so a mutation's answer updates a cached list.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, fetchExchange, gql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { InMemoryBackend } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';
import { createServer } from '../../src/server.js';

const TODOS = gql`
  query Todos($userId: String!) {
    todoItemsByUserId(userId: $userId, first: 10) {
      edges { node { id todoId title completed } }
    }
  }
`;
const COMPLETE = gql`
  mutation Complete($userId: String!, $todoId: String!) {
    updateTodoItem(userId: $userId, todoId: $todoId, input: { completed: true }) { id completed }
  }
`;
type Todos = {
  todoItemsByUserId: { edges: { node: { id: string; todoId: string; completed: boolean } }[] };
};

describe('urql + Graphcache (no keys configuration)', () => {
  const http = createHttpServer();
  const warnings: unknown[] = [];
  let originalWarn: typeof console.warn | undefined;
  let client: Client;

  beforeAll(async () => {
    const models = createModels(new InMemoryBackend());
    const [, TodoItem] = models;
    await TodoItem.batchCreate(
      Array.from({ length: 3 }, (_, i) => ({
        userId: 'alice',
        todoId: `t${i}`,
        title: `Task ${i}`,
      })),
    );
    http.on('request', createServer({ schema: buildSchema({ models }), logging: false }));
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    originalWarn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    client = new Client({
      url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`,
      exchanges: [cacheExchange({}), fetchExchange],
    });
  });
  afterAll(async () => {
    if (originalWarn) console.warn = originalWarn;
    await new Promise((ok) => http.close(ok));
  });

  it('normalizes by id: the cached list shows a mutation result without a refetch', async () => {
    const first = await client.query<Todos>(TODOS, { userId: 'alice' }).toPromise();
    expect(first.error).toBeUndefined();
    expect(first.data!.todoItemsByUserId.edges.map((e) => e.node.completed)).toEqual([
      false,
      false,
      false,
    ]);
    const done = await client.mutation(COMPLETE, { userId: 'alice', todoId: 't1' }).toPromise();
    expect(done.error).toBeUndefined();
    const cached = await client
      .query<Todos>(TODOS, { userId: 'alice' }, { requestPolicy: 'cache-only' })
      .toPromise();
    expect(cached.data!.todoItemsByUserId.edges.map((e) => e.node.completed)).toEqual([
      false,
      true,
      false,
    ]);
    // Graphcache warns when an entity has no key it can find: none here.
    expect(warnings.filter((w) => String(w).includes('key'))).toEqual([]);
  });
});
