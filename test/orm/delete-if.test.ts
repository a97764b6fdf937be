// `Model.delete(key, { if })`: the condition travels in the one DeleteItem, on every engine.
import { afterAll, describe, expect, it } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { ConflictError, DynamoDBBackend, InMemoryBackend } from '../../src/orm/index.js';
import { countRequests, type Engine, startDynalite } from '../helpers/engines.js';

const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

const cases: [string, () => Promise<InMemoryBackend | DynamoDBBackend>][] = [
  ['memory', async () => new InMemoryBackend()],
  [
    'dynalite',
    async () => {
      const e = await startDynalite();
      engines.push(e);
      return new DynamoDBBackend({ tableName: 'deleteif', endpoint: e.endpoint });
    },
  ],
];
// DynamoDB Local renders the same DeleteItem (params.ts); the contract suite covers its conditions.
describe.each(cases)('Model.delete(key, { if }) on %s', (_name, open) => {
  it('deletes when the condition holds, else nothing and a ConflictError with the current item', async () => {
    const backend = await open();
    const models = createModels(backend);
    const [, TodoItem] = models;
    if (backend instanceof DynamoDBBackend) await backend.createTable(models);
    await TodoItem.create({ userId: 'u', todoId: 'a', title: 'A', priority: 2 });
    await TodoItem.create({ userId: 'u', todoId: 'b', title: 'B', priority: 4 });
    const counter = backend instanceof DynamoDBBackend ? countRequests(backend) : null;
    const refused = TodoItem.delete({ userId: 'u', todoId: 'a' }, { if: { priority: { gt: 3 } } });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ current: { todoId: 'a', priority: 2 } });
    expect(await TodoItem.get({ userId: 'u', todoId: 'a' })).not.toBeNull();
    if (counter) {
      const deletes = counter.log.filter((l) => l.command === 'DeleteItemCommand');
      expect(deletes).toHaveLength(1);
      expect(deletes[0]!.input.ConditionExpression).toMatch(/>/);
      counter.reset();
    }
    const deleted = await TodoItem.delete(
      { userId: 'u', todoId: 'b' },
      { if: { priority: { gt: 3 } } },
    );
    expect(deleted?.todoId).toBe('b');
    if (counter) expect(counter.counts).toEqual({ DeleteItemCommand: 1 });
    // Absent: null, as without a condition.
    expect(
      await TodoItem.delete({ userId: 'u', todoId: 'zz' }, { if: { priority: 1 } }),
    ).toBeNull();
    if (backend instanceof DynamoDBBackend) backend.close();
  });
});
