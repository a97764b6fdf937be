// The package as a user gets it: `npm pack`, installed from the tarball into a fresh project in
// the system temp folder (no path back into this repository), type-checked with that project's
// own strict tsconfig, then run with plain `node` (no tsx): dynalite, plain Yoga, the Lambda
// handler and the `tablegraph` command, all from the installed package.
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { type Engine, startDynalite } from '../helpers/engines.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const repo = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const pinned = (name: string) => repo.devDependencies[name] ?? repo.dependencies[name]!;
// The TypeScript compiler (not the project's modules): it resolves everything from the consumer's folder.
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

describe('the packed tarball in a fresh project', () => {
  const work = mkdtempSync(join(tmpdir(), 'tablegraph-consumer-'));
  const stage = join(work, 'stage');
  const app = join(work, 'app');
  let tarball: string;
  let engine: Engine;
  afterAll(async () => {
    await engine?.close();
    rmSync(work, { recursive: true, force: true });
  });

  beforeAll(async () => {
    const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env });
    const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'];
    // Build into a staging copy (package.json, README, dist), so a concurrent `npm run build` in
    // the repository is never raced; `npm pack` there applies the package's own `files`.
    const pack = async () => {
      mkdirSync(stage);
      await run(process.execPath, [
        tsc,
        '-p',
        join(root, 'tsconfig.build.json'),
        '--outDir',
        join(stage, 'dist'),
      ]);
      cpSync(join(root, 'package.json'), join(stage, 'package.json'));
      cpSync(join(root, 'README.md'), join(stage, 'README.md'));
      const packed = await npm(
        ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
        stage,
      );
      return join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
    };
    // Meanwhile, the consumer's own dependencies, from the local npm cache (the repository's
    // install fetched every one of them); then the tarball.
    const prepare = async () => {
      cpSync(join(import.meta.dirname, 'consumer'), app, { recursive: true });
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({
          name: 'consumer',
          private: true,
          type: 'module',
          dependencies: Object.fromEntries(
            ['graphql', 'graphql-yoga', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'].map(
              (n) => [n, pinned(n)],
            ),
          ),
          devDependencies: { '@types/node': pinned('@types/node') },
        }),
      );
      await npm(install, app);
    };
    const [packed] = await Promise.all([
      pack(),
      prepare(),
      startDynalite().then((e) => (engine = e)),
    ]);
    tarball = packed;
    await npm([...install, `tablegraph@file:${tarball}`], app);
  }, 300_000);

  it('ships only dist/ and the README, with ES modules, declarations and source maps', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual([
      'README.md',
      'package.json',
    ]);
    for (const f of [
      'dist/orm/index.js',
      'dist/orm/index.d.ts',
      'dist/orm/index.js.map',
      'dist/schema/index.d.ts',
      'dist/server.js',
      'dist/lambda.d.ts',
      'dist/bin.js',
    ])
      expect(files).toContain(f);
    expect(files.some((f) => /demo|generated|\.test\./.test(f))).toBe(false);
  });

  it('passes @arethetypeswrong/cli on every export (its ESM-only profile)', async () => {
    const attw = join(root, 'node_modules', '.bin', 'attw');
    const { stdout } = await run(
      attw,
      [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color'],
      { env },
    );
    // attw exits non-zero on a problem (run() would throw); every entry point resolves with types
    // for Node's ESM resolution and for bundlers (CommonJS and node10 are out: the package is ESM).
    for (const entry of [
      'tablegraph',
      'tablegraph/graphql',
      'tablegraph/server',
      'tablegraph/lambda',
    ])
      expect(stdout).toContain(`"${entry}"\n\nnode16 (from ESM): 🟢 (ESM)\nbundler: 🟢`);
    expect(stdout).not.toMatch(/❌/);
  }, 60_000);

  it("type-checks the consumer's models and server with its own strict tsconfig", async () => {
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).catch(
      (e: { stdout: string }) => ({ stdout: e.stdout }),
    );
    expect(result.stdout).toBe('');
  }, 120_000);

  it('runs under plain node: plain Yoga answers a key lookup and a list with belongsTo in one BatchGetItem; the Lambda handler answers', async () => {
    const { stdout } = await run(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: { ...env, DYNAMODB_ENDPOINT: engine.endpoint },
    });
    const out = JSON.parse(stdout) as Record<
      string,
      { result?: unknown; requests?: unknown; status?: number; body?: unknown }
    >;
    expect(out.lookup!.result).toEqual({
      data: {
        author: { id: expect.any(String), rowId: 'bo', name: 'Bo', bio: 'Writes about tables.' },
      },
    });
    expect(out.lookup!.requests).toEqual({ BatchGetItemCommand: 1 });
    const edges = (
      out.list!.result as {
        data: { posts: { edges: { node: { postId: string; author: { name: string } } }[] } };
      }
    ).data.posts.edges;
    expect(edges.map((e) => [e.node.postId, e.node.author.name]).sort()).toEqual([
      ['p1', 'Ann'],
      ['p2', 'Bo'],
      ['p3', 'Ann'],
    ]);
    expect(out.list!.requests).toEqual({ ScanCommand: 1, BatchGetItemCommand: 1 });
    expect(out.lambda).toEqual({
      status: 200,
      body: {
        data: {
          postsByAuthorId: {
            edges: [{ node: { title: 'Single-table design' } }, { node: { title: 'Cursors' } }],
          },
        },
      },
    });
  }, 60_000);

  it('serves from the installed package as a container would: `tablegraph serve` behind a port, without the optional peers', async () => {
    const bin = join(app, 'node_modules', '.bin', 'tablegraph');
    const child = spawn(
      bin,
      [
        'serve',
        '--models',
        'dist/models.js',
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--table',
        'served',
      ],
      {
        cwd: app,
        env: { ...env, DYNAMODB_ENDPOINT: engine.endpoint },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      const url = await new Promise<string>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no URL:\n${output}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /GraphiQL at (\S+) \(engine: DynamoDB at \S+; seed data loaded\)/.exec(output);
          if (m) {
            clearTimeout(timer);
            ok(m[1]!);
          }
        });
        child.once('exit', () => fail(new Error(`exited:\n${output}`)));
      });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ author(rowId: "ann") { name posts { edges { node { title } } } } }',
        }),
      });
      expect(await res.json()).toEqual({
        data: {
          author: {
            name: 'Ann',
            posts: {
              edges: [{ node: { title: 'Single-table design' } }, { node: { title: 'Cursors' } }],
            },
          },
        },
      });
      // @graphql-yoga/graphiql is an optional peer, not installed here: Yoga's own page is served.
      const page = await (await fetch(url, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain('query Example');
    } finally {
      child.kill('SIGTERM');
      await new Promise((ok) => (child.exitCode === null ? child.once('exit', ok) : ok(null)));
    }
    expect(output).toContain('closing the store');
  }, 60_000);

  it('runs the installed `tablegraph` command: schema, create-table, and a one-line error for bad arguments', async () => {
    const bin = join(app, 'node_modules', '.bin', 'tablegraph');
    const sdl = await run(bin, ['schema', '--models', 'dist/models.js'], { cwd: app, env });
    expect(sdl.stdout).toContain('type Author implements Node');
    expect(sdl.stdout).toContain('postsByAuthorId(authorId: String!');
    const created = await run(
      bin,
      [
        'create-table',
        '--models',
        'dist/models.js',
        '--endpoint',
        engine.endpoint,
        '--table',
        'from-cli',
      ],
      { cwd: app, env },
    );
    expect(created.stdout.trim()).toBe(
      `tablegraph: created table from-cli in DynamoDB at ${engine.endpoint}`,
    );
    const check = new DynamoDBBackend({ tableName: 'from-cli', endpoint: engine.endpoint });
    expect(await check.tableStatus()).toBe('ACTIVE');
    check.close();
    const bad = await run(bin, ['frobnicate', '--models', 'dist/models.js'], {
      cwd: app,
      env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr.trim().split('\n')).toEqual([
      'tablegraph: Unknown command "frobnicate": one of schema, create-table, serve (tablegraph --help)',
    ]);
  }, 60_000);
});
