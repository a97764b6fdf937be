import { afterAll, describe, it } from 'vitest';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { defineModels } from '../fixtures/models.js';
import {
  dynamoDBLocalUnavailable,
  type Engine,
  startDynamoDBLocal,
  truncate,
} from '../helpers/engines.js';
import { backendContract } from './backend-contract.js';

const unavailable = dynamoDBLocalUnavailable();
let engine: Engine | undefined;
let backend: DynamoDBBackend | undefined;
afterAll(async () => {
  backend?.close();
  await engine?.close();
});

if (unavailable) {
  describe('backend contract: DynamoDB Local', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
} else {
  backendContract('DynamoDB Local', async () => {
    engine = await startDynamoDBLocal();
    backend = new DynamoDBBackend({ tableName: 'contract', endpoint: engine.endpoint });
    const b = backend;
    const m = defineModels(b);
    await b.createTable(Object.values(m).filter((x) => typeof x === 'function'));
    return { backend: b, reset: () => truncate(b), noTransactions: null };
  });
}
