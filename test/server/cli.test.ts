// The `tablegraph` command: in-process for the one-shot commands (schema, create-table, errors)
// and as a real process for `serve` over a user's models file.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { runCli } from '../../src/cli.js';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { type Engine, startDynalite } from '../helpers/engines.js';

const root = join(import.meta.dirname, '..', '..');
const BLOG = join(import.meta.dirname, 'fixtures', 'blog-models.ts');

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    io: { env, out: (l) => out.push(l), err: (l) => err.push(l) },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tablegraph (the command line)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startDynalite();
  });
  afterAll(() => engine.close());

  it('prints the SDL of a models file: the committed demo schema for the demo models', async () => {
    const r = await cli(['schema', '--models', 'examples/demo/models.ts']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(`${r.out}\n`).toBe(readFileSync(join(root, 'schema.graphql'), 'utf8'));
  });

  it('creates the table with every GSI the models declare, on the given endpoint; a second run changes nothing', async () => {
    const args = [
      'create-table',
      '--models',
      BLOG,
      '--endpoint',
      engine.endpoint,
      '--table',
      'blog',
    ];
    expect(await cli(args)).toEqual({
      code: 0,
      out: `tablegraph: created table blog in DynamoDB at ${engine.endpoint} with indexes ByTag`,
      err: '',
    });
    const backend = new DynamoDBBackend({ tableName: 'blog', endpoint: engine.endpoint });
    const { Table } = await backend.client.send(new DescribeTableCommand({ TableName: 'blog' }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['ByTag']);
    backend.close();
    // The endpoint and table from the environment, as in npm start.
    expect(
      await cli(['create-table', '--models', BLOG], {
        DYNAMODB_ENDPOINT: engine.endpoint,
        TABLE_NAME: 'blog',
      }),
    ).toEqual({
      code: 0,
      out: `tablegraph: table blog already exists in DynamoDB at ${engine.endpoint}; nothing changed`,
      err: '',
    });
  });

  it('answers bad arguments with one line and exit code 2, bad files and values with exit code 1', async () => {
    const cases: [string[], number, string][] = [
      [
        [],
        2,
        'tablegraph: Missing command: one of schema, create-table, serve (tablegraph --help)',
      ],
      [
        ['drop-table', '--models', BLOG],
        2,
        'tablegraph: Unknown command "drop-table": one of schema, create-table, serve (tablegraph --help)',
      ],
      [
        ['schema'],
        2,
        'tablegraph: Missing --models <file> (a module exporting createModels(backend)) (tablegraph --help)',
      ],
      [
        ['schema', '--models', BLOG, '--colour'],
        2,
        "tablegraph: Unknown option '--colour' (tablegraph --help)",
      ],
      [
        ['schema', '--models'],
        2,
        "tablegraph: Option '--models <value>' argument missing (tablegraph --help)",
      ],
      [
        ['create-table', '--models', BLOG, '--memory'],
        2,
        'tablegraph: create-table needs a real engine: --endpoint <url> or --aws (tablegraph --help)',
      ],
      [
        ['serve', '--models', BLOG, '--memory', '--aws'],
        2,
        'tablegraph: Pass one of --aws, --memory, not several (tablegraph --help)',
      ],
      [
        ['serve', '--models', BLOG, '--port', 'eighty'],
        1,
        'tablegraph: PORT must be a port number, got "eighty"',
      ],
      [
        ['schema', '--models', 'no/such/file.js'],
        1,
        "tablegraph: Cannot load models from no/such/file.js: Cannot find module '",
      ],
      [
        ['schema', '--models', join(import.meta.dirname, 'fixtures', 'not-models.ts')],
        1,
        `tablegraph: ${join(import.meta.dirname, 'fixtures', 'not-models.ts')} must export createModels(backend), returning an array of model classes`,
      ],
    ];
    for (const [args, code, line] of cases) {
      const r = await cli(args);
      expect({ args, code: r.code, out: r.out }).toEqual({ args, code, out: '' });
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err.slice(0, line.length)).toBe(line);
    }
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: tablegraph <command> --models <file>');
  });

  it('serve: a real process over a user models file, seeded on the new table, batching over HTTP', async () => {
    const child: ChildProcess = spawn(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['src/bin.ts', 'serve', '--models', BLOG, '--port', '0', '--table', 'served'],
      {
        cwd: root,
        env: { ...process.env, DYNAMODB_ENDPOINT: engine.endpoint },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    try {
      const url = await new Promise<string>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no URL:\n${output}`)), 60_000);
        child.stdout!.on('data', () => {
          const m = /GraphiQL at (\S+) \(engine: DynamoDB at .*; seed data loaded\)/.exec(output);
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
          query: '{ postsByByTag(tag: "db") { edges { node { title author { name } } } } }',
        }),
      });
      expect(await res.json()).toEqual({
        data: {
          postsByByTag: {
            edges: [
              { node: { title: 'One', author: { name: 'Ann' } } },
              { node: { title: 'Two', author: { name: 'Ann' } } },
            ],
          },
        },
      });
      const page = await (await fetch(url, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain('query Example');
    } finally {
      child.kill('SIGTERM');
      await new Promise((ok) => (child.exitCode === null ? child.once('exit', ok) : ok(null)));
    }
    expect(output).toContain('closing the store');
  }, 90_000);

  it("passes TABLEGRAPH_CURSOR_SECRET to the endpoint engine: servers sharing it accept each other's cursors", async () => {
    const base = {
      host: '127.0.0.1',
      port: 0,
      tableName: 'cursors',
      engine: 'endpoint' as const,
      endpoint: engine.endpoint,
      dataDir: '',
      modelsModule: BLOG,
    };
    const a = await startApp({ ...base, cursorSecret: 'shared' });
    const b = await startApp({ ...base, cursorSecret: 'shared' });
    const c = await startApp({ ...base, cursorSecret: 'other' });
    try {
      const ask = async (url: string, after?: string) =>
        (await (
          await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              query:
                'query($after: String) { postsByAuthorId(authorId: "ann", first: 1, after: $after) { edges { node { postId } } pageInfo { endCursor } } }',
              variables: { after },
            }),
          })
        ).json()) as {
          data: {
            postsByAuthorId: {
              edges: { node: { postId: string } }[];
              pageInfo: { endCursor: string };
            };
          } | null;
          errors?: { extensions: { code: string } }[];
        };
      const first = await ask(a.url);
      const cursor = first.data!.postsByAuthorId.pageInfo.endCursor;
      expect((await ask(b.url, cursor)).data!.postsByAuthorId.edges).toEqual([
        { node: { postId: 'p2' } },
      ]);
      expect((await ask(c.url, cursor)).errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
