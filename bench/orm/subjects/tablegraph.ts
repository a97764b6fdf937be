import { DynamoDBBackend, field, Model, partitionKey, sortKey } from '../../../src/orm/index.js';
import type { BenchItem, BenchKey } from '../fixture.js';
import type { SubjectFactory } from '../subject.js';

export const tablegraph: SubjectFactory = ({ client }) => {
  const backend = new DynamoDBBackend({ tableName: 'tablegraph', client });

  class Item extends Model('Item', {
    userId: field.string(),
    itemId: field.string(),
    title: field.string({ maxLength: 200 }),
    status: field.enum(['open', 'paid', 'shipped']),
    quantity: field.int({ min: 0 }),
    price: field.float({ min: 0 }),
    active: field.boolean(),
    views: field.int({ min: 0 }),
    tags: field.list(field.string()),
    address: field.json(),
  }) {
    static meta = { backend };
    @partitionKey pk() {
      return `USER#${this.userId}`;
    }
    @sortKey sk() {
      return `ITEM#${this.itemId}`;
    }
  }

  // `Model.update(key, changes)` is being added; until then a partial update is a load and a save.
  const update = (Item as unknown as { update?: (k: object, c: object) => Promise<unknown> })
    .update;
  const hasUpdate = typeof update === 'function';

  return {
    id: 'tablegraph',
    name: 'tablegraph',
    get: (key) => Item.get(key),
    put: (item) => Item.upsert(item as BenchItem & { status: 'open' }),
    query: (userId, limit) => Item.where({ userId }).limit(limit).paginate(),
    batchGet: (keys) => Item.batchGet(keys as BenchKey[]),
    update: hasUpdate
      ? (key, changes) => update.call(Item, key, changes)
      : async (key, changes) => {
          const item = await Item.get(key);
          if (!item) throw new Error('missing item');
          Object.assign(item, changes);
          return item.save();
        },
    records: (op, result) =>
      op === 'get'
        ? [result]
        : op === 'query'
          ? (result as { items: unknown[] }).items
          : (result as unknown[]),
    notes: hasUpdate
      ? {}
      : {
          update: 'tablegraph has no Model.update yet: load + save (GetItem + conditional PutItem)',
        },
  };
};
