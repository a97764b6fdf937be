// The server benches' data, written through the ORM's own demo models (so the real server reads
// what it would have written itself): tenants of users, each with orders and todo items; products.
import { pathToFileURL } from 'node:url';
import { type AnyModelClass, DynamoDBBackend } from '../../src/orm/index.js';
import { DEMO_MODELS } from './processes.js';

export const TABLE = 'bench';
export const SIZES = { acme: 40, globex: 20, ordersPerUser: 8, todosPerUser: 3, products: 20 };
export const userId = (i: number): string => `u${String(i).padStart(3, '0')}`;
export const sku = (i: number): string => `SKU-${String(i).padStart(2, '0')}`;

interface Batch {
  batchCreate(items: object[]): Promise<unknown>;
}
type Demo = [
  AnyModelClass & Batch,
  AnyModelClass & Batch,
  AnyModelClass & Batch,
  AnyModelClass & Batch,
];

export async function seed(endpoint: string): Promise<{ items: number }> {
  const backend = new DynamoDBBackend({ tableName: TABLE, endpoint, cursorSecret: 'bench-secret' });
  // The demo module moves between trees; its shape (createModels(backend)) does not.
  const demo = (await import(pathToFileURL(DEMO_MODELS).href)) as {
    createModels(b: unknown): AnyModelClass[];
  };
  const [User, TodoItem, Order, Product] = demo.createModels(backend) as unknown as Demo;
  await backend.createTable([User, TodoItem, Order, Product] as never);
  const users = SIZES.acme + SIZES.globex;
  await Product.batchCreate(
    Array.from({ length: SIZES.products }, (_, i) => ({
      sku: sku(i),
      name: `Product ${i}`,
      price: 10 + i,
      stock: 100 - i,
      tags: new Set(['bench', `group-${i % 4}`]),
    })),
  );
  await User.batchCreate(
    Array.from({ length: users }, (_, i) => ({
      id: userId(i),
      email: `user${i}@example.com`,
      name: `User ${i}`,
      tenantId: i < SIZES.acme ? 'acme' : 'globex',
      age: 20 + (i % 50),
    })),
  );
  await Order.batchCreate(
    Array.from({ length: users * SIZES.ordersPerUser }, (_, n) => {
      const u = Math.floor(n / SIZES.ordersPerUser);
      const o = n % SIZES.ordersPerUser;
      return {
        userId: userId(u),
        orderId: `o-${String(o).padStart(2, '0')}`,
        total: 10 + ((u * 7 + o) % 90),
        status: (['open', 'paid', 'shipped'] as const)[o % 3],
        sku: sku((u + o) % SIZES.products),
      };
    }),
  );
  await TodoItem.batchCreate(
    Array.from({ length: users * SIZES.todosPerUser }, (_, n) => ({
      userId: userId(Math.floor(n / SIZES.todosPerUser)),
      todoId: `t${n % SIZES.todosPerUser}`,
      title: `Todo ${n}`,
      priority: (n % 5) + 1,
    })),
  );
  await backend.close();
  return { items: SIZES.products + users * (1 + SIZES.ordersPerUser + SIZES.todosPerUser) };
}
