// Writes schema.graphql: the demo schema as SDL, the input of codegen.yml (and of the drift test).
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { createModels } from '../examples/demo/models.js';
import { InMemoryBackend } from '../src/orm/index.js';
import { buildSchema } from '../src/schema/index.js';

/** The demo schema's SDL (the backend does not change the schema). */
export function demoSDL(): string {
  return `${printSchema(buildSchema({ models: createModels(new InMemoryBackend()) }))}\n`;
}

if (process.argv[1]?.endsWith('print-schema.ts')) {
  writeFileSync(new URL('../schema.graphql', import.meta.url), demoSDL());
  console.log('wrote schema.graphql');
}
