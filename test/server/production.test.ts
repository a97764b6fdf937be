// Production settings and callers: GraphiQL and introspection off, a body size limit, bearer tokens
// verified (a bad one is refused, never anonymous), and a production start that refuses to sign
// cursors with the public default.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { StartupError, startApp } from '../../src/app.js';
import { DynamoDBBackend, InMemoryBackend } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';
import { createServer, jwtIdentity, signToken } from '../../src/server.js';

const b64 = (x: object) => Buffer.from(JSON.stringify(x)).toString('base64url');

const demoModels = fileURLToPath(new URL('../../examples/demo/models.ts', import.meta.url));
const schema = () => buildSchema({ models: createModels(new InMemoryBackend()) });
const post = (yoga: ReturnType<typeof createServer>, body: string, headers = {}) =>
  yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

afterEach(() => vi.unstubAllEnvs());

describe('production settings', () => {
  it('turn GraphiQL and introspection off; ordinary queries still run', async () => {
    const yoga = createServer({ schema: schema(), production: true, logging: false });
    const page = await yoga.fetch('http://yoga/graphql', { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('GraphiQL');
    const introspection = await post(
      yoga,
      JSON.stringify({ query: '{ __schema { types { name } } }' }),
    );
    const body = (await introspection.json()) as { errors?: { message: string }[] };
    expect(body.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    const ordinary = await post(yoga, JSON.stringify({ query: '{ products { totalCount } }' }));
    expect(await ordinary.json()).toEqual({ data: { products: { totalCount: 0 } } });
    // NODE_ENV=production is the default switch.
    vi.stubEnv('NODE_ENV', 'production');
    const byEnv = createServer({ schema: schema(), logging: false });
    const typeQuery = await post(
      byEnv,
      JSON.stringify({ query: '{ __type(name: "User") { name } }' }),
    );
    expect(((await typeQuery.json()) as { errors?: unknown[] }).errors).toHaveLength(1);
  });

  it('refuse bodies over the limit with 413, with or without a Content-Length', async () => {
    const yoga = createServer({ schema: schema(), logging: false, maxBodyBytes: 10_000 });
    const big = JSON.stringify({ query: `{ products { totalCount } } # ${'x'.repeat(20_000)}` });
    const declared = await post(yoga, big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    // Over a socket, chunked (no Content-Length): counted as it arrives.
    const http = createHttpServer(yoga);
    await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
      const encoder = new TextEncoder();
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 4; i++)
            controller.enqueue(encoder.encode(big.slice(i * 6000, (i + 1) * 6000)));
          controller.close();
        },
      });
      const chunked = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      const small = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products { totalCount } }' }),
      });
      expect(await small.json()).toEqual({ data: { products: { totalCount: 0 } } });
    } finally {
      await new Promise((ok) => http.close(ok));
    }
  });

  it('verify bearer tokens: a bad or expired one is refused with 401, never taken as anonymous', async () => {
    const yoga = createServer({
      schema: schema(),
      logging: false,
      identify: jwtIdentity({ secret: 'right' }),
    });
    const q = JSON.stringify({ query: '{ products { totalCount } }' });
    expect((await post(yoga, q)).status).toBe(200);
    for (const token of [
      await signToken('wrong', { sub: 'alice' }),
      await signToken('right', { sub: 'alice' }, -10),
      'not-a-jwt',
      // Unsigned (alg none), and an RS256 header over the shared secret: refused.
      `${b64({ alg: 'none' })}.${b64({ sub: 'alice' })}.`,
      `${b64({ alg: 'RS256' })}.${b64({ sub: 'alice' })}.c2ln`,
    ]) {
      const res = await post(yoga, q, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({
        errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
    const good = await post(yoga, q, {
      authorization: `Bearer ${await signToken('right', { sub: 'alice' })}`,
    });
    expect(good.status).toBe(200);
    // The secret's key is kept per HMAC algorithm: HS512 verifies too, after HS256 did.
    const hs512 = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode('right'));
    expect((await post(yoga, q, { authorization: `Bearer ${hs512}` })).status).toBe(200);
  });

  it('refuse to start without a cursor secret, and without a token verifier when the models have rules', async () => {
    const base = {
      port: 0,
      host: '127.0.0.1',
      tableName: 'prod',
      engine: 'memory' as const,
      dataDir: '.data/unused',
      modelsModule: demoModels,
      production: true,
    };
    await expect(startApp(base)).rejects.toThrow(/TABLEGRAPH_CURSOR_SECRET/);
    await expect(startApp({ ...base, cursorSecret: 's3cret' })).rejects.toThrow(StartupError);
    await expect(startApp({ ...base, cursorSecret: 's3cret' })).rejects.toThrow(
      /TABLEGRAPH_JWT_SECRET or TABLEGRAPH_JWKS_URL/,
    );
    const app = await startApp({ ...base, cursorSecret: 's3cret', jwtSecret: 'jwt' });
    try {
      expect(app.devTokens).toEqual({});
      const page = await fetch(app.url, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('GraphiQL');
    } finally {
      await app.close();
    }
  });

  it('a backend given no cursor secret in production signs with a random one of the process', () => {
    const dev = new DynamoDBBackend({ tableName: 'prod' });
    expect(dev.cursorSecret).toBe('tablegraph:prod');
    vi.stubEnv('NODE_ENV', 'production');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const prod = new DynamoDBBackend({ tableName: 'prod' });
    expect(prod.cursorSecret).not.toBe('tablegraph:prod');
    expect(prod.cursorSecret.length).toBeGreaterThan(30);
    expect(new InMemoryBackend().cursorSecret).toBe(prod.cursorSecret);
    expect(new DynamoDBBackend({ tableName: 'prod', cursorSecret: 'mine' }).cursorSecret).toBe(
      'mine',
    );
    warn.mockRestore();
  });
});
