import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { parse, buildSchema as parseSDL, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { demoSDL } from '../scripts/print-schema.js';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('codegen drift', () => {
  it('the committed schema.graphql is the generated demo schema (run `npm run codegen`)', () => {
    expect(read('schema.graphql')).toBe(demoSDL());
  });

  it('every example operation is valid against the schema', () => {
    const schema = parseSDL(read('schema.graphql'));
    const files = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.graphql'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      expect(
        validate(schema, parse(read(`examples/${file}`))).map((e) => `${file}: ${e.message}`),
      ).toEqual([]);
  });

  it('the committed typed operations are what codegen.yml generates', async () => {
    // The same configuration `npm run codegen` uses, read from codegen.yml; outputs kept in memory.
    const { config } = (await loadCodegenConfig({ configFilePath: join(root, 'codegen.yml') }))!;
    const outputs = await generate({ ...config, cwd: root, silent: true }, false);
    expect(outputs[0]?.content).toBe(read('examples/generated/operations.ts'));
  }, 60_000);
});
