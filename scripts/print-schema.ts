// Writes schema.graphql: the demo schema as SDL, the input of codegen.yml (and of the drift test).
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { authRules, createModels } from '../examples/demo/models.js';
import { InMemoryBackend } from '../src/orm/index.js';
import { buildSchema } from '../src/schema/index.js';

/** The demo schema's SDL as `npm start` serves it, with its auth rules (the backend does not change the schema). */
export function demoSDL(): string {
  const models = createModels(new InMemoryBackend());
  return `${printSchema(buildSchema({ models, auth: { rules: authRules(models) } }))}\n`;
}

if (process.argv[1]?.endsWith('print-schema.ts')) {
  writeFileSync(new URL('../schema.graphql', import.meta.url), demoSDL());
  console.log('wrote schema.graphql');
}
