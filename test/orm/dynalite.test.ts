import { afterAll } from 'vitest';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { defineModels } from '../fixtures/models.js';
import { type Engine, startDynalite, truncate } from '../helpers/engines.js';
import { backendContract } from './backend-contract.js';

let engine: Engine | undefined;
let backend: DynamoDBBackend | undefined;
afterAll(async () => {
  backend?.close();
  await engine?.close();
});

backendContract('dynalite', async () => {
  engine = await startDynalite();
  backend = new DynamoDBBackend({ tableName: 'contract', endpoint: engine.endpoint });
  const b = backend;
  const m = defineModels(b);
  await b.createTable(Object.values(m).filter((x) => typeof x === 'function'));
  return {
    backend: b,
    reset: () => truncate(b),
    noTransactions: 'dynalite has no TransactWriteItems',
  };
});
