// Apollo Client's normalized cache with no configuration of the types (no keyFields): every
// object is keyed by `__typename` + `id` (the Node global ID), composite-key TodoItem included;
// relayStylePagination() pages a connection to its end over real HTTP.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { InMemoryBackend } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';
import { createServer } from '../../src/server.js';

const TODOS = gql`
  query Todos($userId: String!, $first: Int!, $after: String) {
    todoItemsByUserId(userId: $userId, first: $first, after: $after) {
      edges { cursor node { id todoId title completed } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const COMPLETE = gql`
  mutation Complete($userId: String!, $todoId: String!) {
    updateTodoItem(userId: $userId, todoId: $todoId, input: { completed: true }) { id completed }
  }
`;

interface Todos {
  todoItemsByUserId: {
    edges: {
      cursor: string;
      node: { id: string; todoId: string; title: string; completed: boolean };
    }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('Apollo Client (InMemoryCache, relayStylePagination, no keyFields)', () => {
  const http = createHttpServer();
  let client: ApolloClient;

  beforeAll(async () => {
    const models = createModels(new InMemoryBackend());
    const [, TodoItem] = models;
    await TodoItem.batchCreate(
      Array.from({ length: 7 }, (_, i) => ({
        userId: 'alice',
        todoId: `t${i}`,
        title: `Task ${i}`,
      })),
    );
    http.on('request', createServer({ schema: buildSchema({ models }), logging: false }));
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    client = new ApolloClient({
      link: new HttpLink({
        uri: `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`,
      }),
      cache: new InMemoryCache({
        typePolicies: {
          Query: { fields: { todoItemsByUserId: relayStylePagination(['userId']) } },
        },
      }),
    });
  });
  afterAll(async () => {
    await new Promise((ok) => http.close(ok));
  });

  it('pages a connection to the end with fetchMore and normalizes every item by id', async () => {
    const variables = { userId: 'alice', first: 3 };
    const watched = client.watchQuery<Todos>({ query: TODOS, variables });
    const subscription = watched.subscribe(() => {});
    try {
      let page = (await client.query<Todos>({ query: TODOS, variables })).data!;
      let fetches = 1;
      while (page.todoItemsByUserId.pageInfo.hasNextPage) {
        page = (
          await watched.fetchMore<Todos>({
            variables: { after: page.todoItemsByUserId.pageInfo.endCursor },
          })
        ).data!;
        fetches++;
      }
      expect(fetches).toBe(3);
      // The merged connection, read back from the cache (getCurrentResult lags fetchMore).
      const merged = client.readQuery<Todos>({ query: TODOS, variables })!;
      expect(merged.todoItemsByUserId.edges.map((e) => e.node.todoId)).toEqual([
        't0',
        't1',
        't2',
        't3',
        't4',
        't5',
        't6',
      ]);
      expect(merged.todoItemsByUserId.pageInfo.hasNextPage).toBe(false);
      const keys = Object.keys(client.cache.extract() as object);
      expect(keys.filter((k) => k.startsWith('TodoItem:'))).toHaveLength(7);

      // A mutation's answer updates the cached list item by its id, with no cache code.
      const t3 = merged.todoItemsByUserId.edges[3]!.node;
      await client.mutate({ mutation: COMPLETE, variables: { userId: 'alice', todoId: 't3' } });
      const after = client.readQuery<Todos>({ query: TODOS, variables })!;
      expect(after.todoItemsByUserId.edges.find((e) => e.node.id === t3.id)?.node.completed).toBe(
        true,
      );
    } finally {
      subscription.unsubscribe();
    }
  });
});
