// relay-compiler with its default configuration (no nodeInterfaceIdField, no custom scalars
// beyond what the schema declares) compiles a fragment set over the generated schema: refetchable
// fragments (through Node's `id`), a paginated @connection, and a composite-key type.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { printSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { InMemoryBackend } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';

const run = promisify(execFile);
const relay = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'relay-compiler');

const FILES: Record<string, string> = {
  'TodoRow.js': `
    export const todo = graphql\`
      fragment TodoRow_todo on TodoItem @refetchable(queryName: "TodoRowRefetchQuery") {
        id
        todoId
        title
        completed
        user { id name }
      }
    \`;`,
  'UserOrders.js': `
    export const orders = graphql\`
      fragment UserOrders_user on User
        @refetchable(queryName: "UserOrdersPaginationQuery")
        @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" }) {
        rowId
        name
        orders(first: $count, after: $cursor) @connection(key: "UserOrders_orders") {
          edges { node { id orderId total status product { id name } } }
        }
      }
    \`;`,
  'App.js': `
    export const query = graphql\`
      query AppQuery($tenantId: String!) {
        user(rowId: "alice") { ...UserOrders_user }
        usersByTenantIndex(tenantId: $tenantId, first: 10) {
          edges { node { id rowId name todos(first: 3) { edges { node { ...TodoRow_todo } } } } }
        }
      }
    \`;
    export const mutation = graphql\`
      mutation AppCompleteMutation($userId: String!, $todoId: String!) {
        updateTodoItem(userId: $userId, todoId: $todoId, input: { completed: true }) { ...TodoRow_todo }
      }
    \`;`,
};

describe('relay-compiler (default config) over the generated schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tablegraph-relay-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles refetchable fragments, a paginated connection and a mutation', async () => {
    const schema = buildSchema({ models: createModels(new InMemoryBackend()) });
    writeFileSync(join(dir, 'schema.graphql'), printSchema(schema));
    // The smallest configuration relay-compiler accepts: where the sources and the schema are.
    writeFileSync(
      join(dir, 'relay.config.json'),
      JSON.stringify({ src: './src', schema: './schema.graphql', language: 'javascript' }),
    );
    mkdirSync(join(dir, 'src'));
    for (const [file, text] of Object.entries(FILES))
      writeFileSync(join(dir, 'src', file), `import { graphql } from 'react-relay';\n${text}\n`);

    const { stdout, stderr } = await run(relay, [], { cwd: dir });
    expect(`${stdout}${stderr}`).toContain('Compilation completed');
    const generated = readdirSync(join(dir, 'src', '__generated__')).sort();
    expect(generated).toEqual([
      'AppCompleteMutation.graphql.js',
      'AppQuery.graphql.js',
      'TodoRowRefetchQuery.graphql.js',
      'TodoRow_todo.graphql.js',
      'UserOrdersPaginationQuery.graphql.js',
      'UserOrders_user.graphql.js',
    ]);
    // The refetch query of the composite-key type goes through node(id:).
    const refetch = readFileSync(
      join(dir, 'src', '__generated__', 'TodoRowRefetchQuery.graphql.js'),
      'utf8',
    );
    expect(refetch).toMatch(/node\(id: \$id\)/);
  }, 60_000);
});
