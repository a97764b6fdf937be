// The rule decisions (pure) and the checks made when a schema is built.
import { type ExecutionResult, graphql, parse, subscribe } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { ConfigurationError, InMemoryBackend } from '../../src/orm/index.js';
import { decide } from '../../src/schema/auth.js';
import { allow, buildSchema, rules } from '../../src/schema/index.js';

describe('rule decisions', () => {
  const alice = { sub: 'alice', tenant: 'acme', groups: ['staff'] };
  it('public, signedIn, groups and when decide on the caller alone', () => {
    expect(decide([allow.public()], null, {}, {})).toEqual({ kind: 'all' });
    expect(decide([allow.signedIn()], null, {}, {})).toEqual({ kind: 'none' });
    expect(decide([allow.signedIn()], alice, {}, {})).toEqual({ kind: 'all' });
    expect(decide([allow.groups('admin')], alice, {}, {})).toEqual({ kind: 'none' });
    expect(decide([allow.groups('admin', 'staff')], alice, {}, {})).toEqual({ kind: 'all' });
    const pro = allow.when((caller, context) => caller?.sub === 'alice' && context === 'pro');
    expect(decide([pro], alice, 'pro', {})).toEqual({ kind: 'all' });
    expect(decide([pro], alice, 'free', {})).toEqual({ kind: 'none' });
  });
  it('owner and tenant: decided by known values, else a condition (the first rule left open)', () => {
    const owner = allow.owner({ userId: 'sub' });
    const tenant = allow.tenant({ tenantId: 'tenant' });
    expect(decide([owner], alice, {}, { userId: 'alice' })).toEqual({ kind: 'all' });
    expect(decide([owner], alice, {}, { userId: 'bob' })).toEqual({ kind: 'none' });
    expect(decide([owner], null, {}, {})).toEqual({ kind: 'none' });
    expect(decide([tenant, owner], alice, {}, {})).toEqual({
      kind: 'where',
      values: { tenantId: 'acme' },
    });
    // A claim the caller lacks never matches (an empty value included).
    expect(decide([tenant], { sub: 'x', tenant: '' }, {}, {})).toEqual({ kind: 'none' });
    expect(decide([owner, allow.public()], null, {}, { userId: 'bob' })).toEqual({ kind: 'all' });
  });
});

describe('rules checked when the schema is built', () => {
  const models = createModels(new InMemoryBackend());
  const [User, TodoItem, Order] = models;
  it('refuses an owner rule of lists that fixes no partition (it would read everyone)', () => {
    expect(() =>
      buildSchema({
        models,
        auth: { rules: [rules(Order, { read: [allow.owner({ sku: 'sub' })] })] },
      }),
    ).toThrow(/fix no partition.*Add a GSI/);
    expect(() =>
      buildSchema({
        models,
        auth: { rules: [rules(TodoItem, { read: [allow.owner({ title: 'sub' } as never)] })] },
      }),
    ).toThrow(ConfigurationError);
  });
  it('refuses unknown fields, models outside the schema and a model named twice', () => {
    expect(() =>
      buildSchema({
        models,
        auth: { rules: [rules(User, { fields: { nope: { read: [] } } as never })] },
      }),
    ).toThrow(/unknown field nope/);
    expect(() =>
      buildSchema({ models: [User], auth: { rules: [rules(Order, { read: [] })] } }),
    ).toThrow(/not in buildSchema/);
    expect(() =>
      buildSchema({ models, auth: { rules: [rules(User, {}), rules(User, {})] } }),
    ).toThrow(/twice/);
  });
  it('a model with rules denies what they do not allow; a model without rules is open', async () => {
    const schema = buildSchema({
      models,
      auth: { rules: [rules(User, { read: [allow.public()] })] },
    });
    const run = (source: string, caller?: object) =>
      graphql({ schema, source, contextValue: { caller } });
    const user = await run(
      'mutation { createUser(input: { rowId: "x", email: "x@example.com", name: "X" }) { name } }',
      { sub: 'x' },
    );
    expect(user.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const product = await run(
      'mutation { createProduct(input: { sku: "P", name: "P", price: 1, stock: 1 }) { sku } }',
    );
    expect(product.errors).toBeUndefined();
  });
  it('an update `if` on a field the caller may not read is refused: it would probe the value', async () => {
    const schema = buildSchema({
      models,
      auth: {
        rules: [
          rules(User, {
            read: [allow.public()],
            create: [allow.signedIn()],
            update: [allow.signedIn()],
            fields: { email: { read: [allow.groups('admin')] } },
          }),
        ],
      },
    });
    const run = (source: string) =>
      graphql({ schema, source, contextValue: { caller: { sub: 'sam' } } });
    await run(
      'mutation { createUser(input: { rowId: "x", email: "x@example.com", name: "X" }) { name } }',
    );
    const probe = await run(
      'mutation { updateUser(rowId: "x", input: { name: "Y" }, if: { email: { beginsWith: "x" } }) { name } }',
    );
    expect(probe.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const plain = await run(
      'mutation { updateUser(rowId: "x", input: { name: "Y" }) { name email } }',
    );
    expect(plain.data).toEqual({ updateUser: { name: 'Y', email: null } });
  });
  it('rules stay with their schema: a second schema over the same models does not open the first', async () => {
    const backend = new InMemoryBackend();
    const own = createModels(backend);
    const [OwnUser] = own;
    const guarded = buildSchema({
      models: own,
      auth: { rules: [rules(OwnUser, { read: [allow.owner({ id: 'sub' })] })] },
    });
    buildSchema({ models: own }); // open, built later over the same classes
    const stream = (await subscribe({
      schema: guarded,
      document: parse('subscription { userChanged { item { rowId } } }'),
      contextValue: { caller: { sub: 'sam' } },
    })) as AsyncIterableIterator<ExecutionResult>;
    const first = stream.next();
    await OwnUser.create({ id: 'alice', email: 'a@example.com', name: 'A' });
    await OwnUser.create({ id: 'sam', email: 's@example.com', name: 'S' });
    expect((await first).value).toEqual({ data: { userChanged: { item: { rowId: 'sam' } } } });
    await stream.return?.();
  });
});
