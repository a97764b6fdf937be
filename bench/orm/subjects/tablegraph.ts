import {
  type Backend,
  DynamoDBBackend,
  field,
  Model,
  partitionKey,
  sortKey,
} from '../../../src/orm/index.js';
import type { BenchItem, BenchKey } from '../fixture.js';
import type { SubjectFactory } from '../subject.js';

/** The bench item as a tablegraph model (also timed on its own by bench/scale/prepare.ts). */
export function defineBenchItem(backend: Backend) {
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
  return Item;
}

export const tablegraph: SubjectFactory = ({ client }) => {
  const Item = defineBenchItem(new DynamoDBBackend({ tableName: 'tablegraph', client }));
  return {
    id: 'tablegraph',
    name: 'tablegraph',
    get: (key) => Item.get(key),
    put: (item) => Item.upsert(item as BenchItem & { status: 'open' }),
    query: (userId, limit) => Item.where({ userId }).limit(limit).paginate(),
    batchGet: (keys) => Item.batchGet(keys as BenchKey[]),
    update: (key, changes) => Item.update(key as BenchKey, changes as never),
    records: (op, result) =>
      op === 'get'
        ? [result]
        : op === 'query'
          ? (result as { items: unknown[] }).items
          : (result as unknown[]),
  };
};
