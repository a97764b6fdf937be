import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain, startMain } from '../helpers/process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tablegraph-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function post(url: string, query: string, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

describe('npm start (the real process, over HTTP)', () => {
  it('serves the demo on embedded dynalite, keeps its data across a restart, and stops cleanly', async () => {
    const first = await startMain({ TABLEGRAPH_DATA_DIR: dataDir });
    expect(first.output()).toMatch(/engine: embedded dynalite .*seed data loaded/);
    expect(first.url).toMatch(/^http:\/\/localhost:\d+\/graphql$/);
    const tokens = first.tokens();
    expect(Object.keys(tokens)).toEqual(['alice', 'bob', 'carol', 'admin']);
    const aliceQuery =
      '{ user(rowId: "alice") { name orders { edges { node { orderId product { name } } } } } }';
    // Anonymous callers read products only; nobody else's user, and no deletes.
    expect(await post(first.url, aliceQuery)).toEqual({ data: { user: null } });
    const anonymousDelete = await post(first.url, 'mutation { deleteUser(rowId: "alice") }');
    expect(anonymousDelete.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
    const demo = await post(first.url, aliceQuery, tokens.alice);
    expect(demo).toEqual({
      data: {
        user: {
          name: 'Alice',
          orders: {
            edges: [
              { node: { orderId: 'o-1001', product: { name: 'Keyboard' } } },
              { node: { orderId: 'o-1002', product: { name: 'Mouse' } } },
            ],
          },
        },
      },
    });
    const created = await post(
      first.url,
      'mutation { createProduct(input: { sku: "NEW-1", name: "Lamp", price: 5, stock: 1 }) { sku } }',
      tokens.admin,
    );
    expect(created.errors).toBeUndefined();
    const health = await fetch(new URL('/health', first.url));
    expect(health.status).toBe(200);
    const page = await fetch(first.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('GraphiQL');
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('closing the store');

    const second = await startMain({ TABLEGRAPH_DATA_DIR: dataDir });
    expect(second.output()).not.toContain('seed data loaded');
    expect(await post(second.url, '{ product(sku: "NEW-1") { name } }')).toEqual({
      data: { product: { name: 'Lamp' } },
    });
    expect(await second.stop('SIGINT')).toBe(0);
  }, 120_000);

  it('runs memory-only when asked', async () => {
    const app = await startMain({ TABLEGRAPH_MEMORY: '1' });
    expect(app.output()).toContain('in-memory');
    expect(
      await post(
        app.url,
        '{ usersByTenantIndex(tenantId: "acme") { edges { node { rowId } } } }',
        app.tokens().alice,
      ),
    ).toEqual({
      data: {
        usersByTenantIndex: { edges: [{ node: { rowId: 'alice' } }, { node: { rowId: 'bob' } }] },
      },
    });
    await app.stop();
  }, 60_000);

  it('stops with one clear line when the engine is unreachable or the models module is bad', async () => {
    const unreachable = await runMain({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.output.trim()).toMatch(
      /^tablegraph: Cannot reach DynamoDB at http:\/\/127\.0\.0\.1:9: /,
    );
    expect(unreachable.output).not.toMatch(/\n\s+at /);
    const badModels = await runMain({
      TABLEGRAPH_MEMORY: '1',
      TABLEGRAPH_MODELS: 'no/such/module.ts',
    });
    expect(badModels.code).toBe(1);
    expect(badModels.output.trim()).toMatch(
      /^tablegraph: Cannot load models from no\/such\/module\.ts: Cannot find module/,
    );
    const badPort = await runMain({ PORT: 'x' });
    expect(badPort.output.trim()).toBe('tablegraph: PORT must be a port number, got "x"');
  }, 120_000);
});
