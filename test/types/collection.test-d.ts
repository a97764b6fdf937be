import { describe, expectTypeOf, it } from 'vitest';
import {
  type CollectionPage,
  collection,
  field,
  type Head,
  InMemoryBackend,
  Model,
  partitionKey,
  sortKey,
} from '../../src/orm/index.js';

const backend = new InMemoryBackend();
class User extends Model('User', { id: field.string({ primaryKey: true }), name: field.string() }) {
  static meta = { backend };
  @partitionKey pk() {
    return `USER#${this.id}`;
  }
}
class Order extends Model('Order', { userId: field.string(), orderId: field.string() }) {
  static meta = { backend };
  @partitionKey pk() {
    return `USER#${this.userId}`;
  }
  @sortKey sk() {
    return `ORDER#${this.orderId}`;
  }
}

describe('item collection types', () => {
  it('types a page as the union of its models, and each group and head by its model', async () => {
    const c = collection(User, { id: 'a' }, [User, Order]);
    const page = await c.paginate();
    expectTypeOf(page).toEqualTypeOf<CollectionPage<typeof User | typeof Order>>();
    expectTypeOf(page.items).toEqualTypeOf<(User | Order)[]>();
    expectTypeOf(page.of(Order)).toEqualTypeOf<Order[]>();
    const heads = await c.heads(5);
    expectTypeOf(heads.of(User)).toEqualTypeOf<Head<typeof User>>();
    expectTypeOf(heads.of(Order).items[0]!.orderId).toEqualTypeOf<string>();
    // @ts-expect-error: the key is the owner's
    collection(User, { nope: 'a' }, [User]);
  });
});
