import {
  type Backend,
  belongsTo,
  field,
  gsiPartitionKey,
  gsiSortKey,
  hasMany,
  Model,
  partitionKey,
  sortKey,
} from '../../src/orm/index.js';
import { allow, type Caller, rules } from '../../src/schema/index.js';

/**
 * The demo domain of `npm start` (the seed's example): users in tenants, their todo items and
 * orders, and products — all in one table. A models module for `TABLEGRAPH_MODELS` has the same
 * shape: `export function createModels(backend) { ...; return [User, ...]; }`.
 */
export function createModels(backend: Backend) {
  class User extends Model(
    'User',
    {
      id: field.string({ primaryKey: true, description: 'The user id.' }),
      email: field.string({
        pattern: /^[^@\s]+@[^@\s]+$/,
        description: 'Where to reach the user.',
      }),
      name: field.string({ maxLength: 100 }),
      tenantId: field.string({
        optional: true,
        description: 'The tenant (organisation) the user belongs to.',
      }),
      age: field.int({ min: 0, max: 150, default: 0 }),
    },
    { timestamps: true },
  ) {
    static meta = { backend };
    static relations = {
      todos: hasMany(
        () => TodoItem,
        { userId: 'id' },
        { description: "The user's todo items, oldest first." },
      ),
      orders: hasMany(
        () => Order,
        { userId: 'id' },
        { description: "The user's orders, by order id." },
      ),
    };
    @partitionKey pk() {
      return `USER#${this.id}`;
    }
    @sortKey sk() {
      return 'PROFILE';
    }
    @gsiPartitionKey('TenantIndex') tenantPk() {
      return this.tenantId ? `TENANT#${this.tenantId}` : null;
    }
    @gsiSortKey('TenantIndex') tenantSk() {
      return `USER#${this.id}`;
    }
  }

  class TodoItem extends Model(
    'TodoItem',
    {
      userId: field.string(),
      todoId: field.string(),
      title: field.string({ minLength: 1, maxLength: 200 }),
      description: field.string({ optional: true, maxLength: 1000 }),
      completed: field.boolean({ default: false }),
      priority: field.int({ min: 1, max: 5, default: 3 }),
    },
    { timestamps: true, version: true },
  ) {
    static meta = { backend };
    static relations = { user: belongsTo(() => User, { id: 'userId' }) };
    @partitionKey pk() {
      return `USER#${this.userId}`;
    }
    @sortKey sk() {
      return `TODO#${this.todoId}`;
    }
  }

  class Order extends Model('Order', {
    userId: field.string(),
    orderId: field.string(),
    total: field.float({ min: 0 }),
    status: field.enum(['open', 'paid', 'shipped'], { default: 'open' }),
    sku: field.string({ optional: true, description: 'The product ordered.' }),
  }) {
    static meta = { backend };
    static relations = {
      user: belongsTo(() => User, { id: 'userId' }),
      product: belongsTo(() => Product, { sku: 'sku' }),
    };
    @partitionKey pk() {
      return `USER#${this.userId}`;
    }
    @sortKey sk() {
      return `ORDER#${this.orderId}`;
    }
  }

  class Product extends Model('Product', {
    sku: field.string({ primaryKey: true }),
    name: field.string(),
    price: field.float({ min: 0 }),
    stock: field.int({ min: 0 }),
    tags: field.stringSet({ optional: true }),
  }) {
    static meta = { backend };
  }

  return [User, TodoItem, Order, Product] as const;
}

export type DemoModels = ReturnType<typeof createModels>;

/**
 * Who may do what in the demo. Products are public; a user sees the users of their tenant (a Query
 * on the TenantIndex partition) and themselves, their own todo items and orders (a Query on their
 * partition), and the email of nobody else; admins do everything. Anonymous callers read products.
 */
export function authRules([User, TodoItem, Order, Product]: DemoModels) {
  const admin = allow.groups('admin');
  const self = allow.owner({ id: 'sub' });
  const own = allow.owner({ userId: 'sub' });
  return [
    rules(User, {
      read: [admin, allow.tenant({ tenantId: 'tenant' }), self],
      create: [admin, self],
      update: [admin, self],
      delete: [admin],
      fields: { email: { read: [admin, self] }, tenantId: { write: [admin] } },
    }),
    rules(TodoItem, { read: [admin, own], write: [admin, own] }),
    rules(Order, { read: [admin, own], create: [admin, own], update: [admin], delete: [admin] }),
    rules(Product, { read: [allow.public()], write: [admin] }),
  ];
}

/** The callers `npm start` signs development tokens for (claims: `sub`, `tenant`, `groups`). */
export const devCallers: Readonly<Record<string, Caller>> = {
  alice: { sub: 'alice', tenant: 'acme' },
  bob: { sub: 'bob', tenant: 'acme' },
  carol: { sub: 'carol', tenant: 'globex' },
  admin: { sub: 'admin', groups: ['admin'] },
};

/** A small data set, loaded on the first start. */
export async function seed([User, TodoItem, Order, Product]: DemoModels): Promise<void> {
  await Product.batchCreate([
    { sku: 'KB-1', name: 'Keyboard', price: 49.9, stock: 12, tags: new Set(['desk', 'input']) },
    { sku: 'MS-1', name: 'Mouse', price: 19.99, stock: 40, tags: new Set(['input']) },
    { sku: 'MN-1', name: 'Monitor', price: 229, stock: 3 },
  ]);
  await User.batchCreate([
    { id: 'alice', email: 'alice@example.com', name: 'Alice', tenantId: 'acme', age: 34 },
    { id: 'bob', email: 'bob@example.com', name: 'Bob', tenantId: 'acme', age: 27 },
    { id: 'carol', email: 'carol@example.com', name: 'Carol', tenantId: 'globex', age: 45 },
  ]);
  await TodoItem.batchCreate([
    { userId: 'alice', todoId: 't1', title: 'Write the quarterly report', priority: 5 },
    { userId: 'alice', todoId: 't2', title: 'Book flights', completed: true },
    { userId: 'alice', todoId: 't3', title: 'Review pull requests', priority: 4 },
    { userId: 'bob', todoId: 't1', title: 'Set up the new laptop' },
  ]);
  await Order.batchCreate([
    { userId: 'alice', orderId: 'o-1001', total: 49.9, status: 'shipped', sku: 'KB-1' },
    { userId: 'alice', orderId: 'o-1002', total: 19.99, status: 'paid', sku: 'MS-1' },
    { userId: 'bob', orderId: 'o-1003', total: 229, sku: 'MN-1' },
  ]);
}
