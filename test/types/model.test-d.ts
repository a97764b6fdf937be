import { describe, expectTypeOf, it } from 'vitest';
import {
  field,
  InMemoryBackend,
  type InputFor,
  type KeyFor,
  Model,
  partitionKey,
  type ValuesFor,
} from '../../src/orm/index.js';

const backend = new InMemoryBackend();
class User extends Model(
  'User',
  {
    id: field.string({ primaryKey: true }),
    email: field.string(),
    nickname: field.string({ optional: true }),
    age: field.int({ min: 0, default: 0 }),
    role: field.enum(['admin', 'member']),
    tags: field.stringSet({ optional: true }),
    scores: field.list(field.float()),
    born: field.datetime({ optional: true }),
  },
  { timestamps: true, version: true },
) {
  static meta = { backend };
  @partitionKey pk() {
    return `USER#${this.id}`;
  }
}

describe('types derived from the field definitions', () => {
  it('gives instances their field types, nullable only when optional', () => {
    expectTypeOf<ValuesFor<typeof User>>().toEqualTypeOf<{
      id: string;
      email: string;
      nickname: string | null;
      age: number;
      role: 'admin' | 'member';
      tags: Set<string> | null;
      scores: number[];
      born: Date | null;
      createdAt: Date;
      updatedAt: Date;
      version: number;
    }>();
    expectTypeOf<User['email']>().toEqualTypeOf<string>();
  });

  it('makes fields with a default or optional flag optional in create()', () => {
    type Input = InputFor<typeof User>;
    expectTypeOf<Input['id']>().toEqualTypeOf<string>();
    expectTypeOf<Input['age']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<Pick<Input, 'id' | 'email' | 'role' | 'scores'>>().toEqualTypeOf<{
      id: string;
      email: string;
      role: 'admin' | 'member';
      scores: number[];
    }>();
  });

  it('returns instances of the subclass from statics', () => {
    expectTypeOf(
      User.create({ id: 'u', email: 'e', role: 'admin', scores: [] }),
    ).resolves.toEqualTypeOf<User>();
    expectTypeOf(User.get({ id: 'u' })).resolves.toEqualTypeOf<User | null>();
    expectTypeOf(User.batchGet([{ id: 'u' }])).resolves.toEqualTypeOf<(User | null)[]>();
    expectTypeOf(User.where({ age: { gte: 3 } }).paginate())
      .resolves.toHaveProperty('items')
      .toEqualTypeOf<User[]>();
    expectTypeOf<KeyFor<typeof User>>().toHaveProperty('id');
  });

  it('rejects wrong input at compile time', () => {
    // @ts-expect-error: email is required
    void User.create({ id: 'u', role: 'admin', scores: [] });
    // @ts-expect-error: age is a number
    void User.create({ id: 'u', email: 'e', role: 'admin', scores: [], age: '3' });
    // @ts-expect-error: not an enum member
    void User.create({ id: 'u', email: 'e', role: 'owner', scores: [] });
    // @ts-expect-error: unknown field in a condition
    void User.where({ nope: 1 });
    // @ts-expect-error: gte takes a number on an int field
    void User.where({ age: { gte: 'x' } });
    // @ts-expect-error: orderBy takes a field name
    void User.where().orderBy('nope');
  });
});
