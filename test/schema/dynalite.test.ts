import { afterAll } from 'vitest';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { defineModels } from '../fixtures/models.js';
import { type Engine, startDynalite, truncate } from '../helpers/engines.js';
import { schemaContract } from './schema-contract.js';

let engine: Engine | undefined;
let backend: DynamoDBBackend | undefined;
afterAll(async () => {
  backend?.close();
  await engine?.close();
});

schemaContract('dynalite', async () => {
  engine = await startDynalite();
  backend = new DynamoDBBackend({ tableName: 'schema', endpoint: engine.endpoint });
  const b = backend;
  const m = defineModels(b);
  await b.createTable([m.User, m.TodoItem, m.Order, m.Product, m.Document, m.Session]);
  return { backend: b, reset: () => truncate(b) };
});
