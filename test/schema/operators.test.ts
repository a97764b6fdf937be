import { GraphQLInputObjectType, getNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  type AnyField,
  type FieldKind,
  field,
  InMemoryBackend,
  Model,
  OPERATOR_TABLE,
  OPERATORS,
  type Operand,
  type Operator,
  operatorsFor,
  partitionKey,
  ValidationError,
} from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';

// One table says which operators each field kind takes; this walks it against both layers.

const fields = {
  id: field.string({ primaryKey: true }),
  string: field.string(),
  int: field.int(),
  float: field.float(),
  boolean: field.boolean(),
  datetime: field.datetime(),
  date: field.date(),
  enum: field.enum(['a', 'b']),
  json: field.json(),
  list: field.list(field.int()),
  stringSet: field.stringSet(),
  numberSet: field.numberSet(),
} satisfies Record<string, AnyField>;
type Kind = Exclude<keyof typeof fields, 'id'>;
const kinds = Object.keys(fields).filter((k) => k !== 'id') as Kind[];

class Every extends Model('Every', fields) {
  static meta = { backend: new InMemoryBackend() };
  @partitionKey pk() {
    return `E#${this.id}`;
  }
}

const samples: Record<Kind, unknown> = {
  string: 'x',
  int: 1,
  float: 1.5,
  boolean: true,
  datetime: new Date(0),
  date: '2020-01-01',
  enum: 'a',
  json: { a: 1 },
  list: [1],
  stringSet: new Set(['x']),
  numberSet: new Set([1]),
};
const elements: Record<Kind, unknown> = {
  ...samples,
  string: 'x',
  list: 1,
  stringSet: 'x',
  numberSet: 1,
};

function operand(kind: Kind, of: Operand): unknown {
  switch (of) {
    case 'value':
      return samples[kind];
    case 'pair':
      return [samples[kind], samples[kind]];
    case 'values':
      return [samples[kind]];
    case 'text':
      return 'x';
    case 'element':
      return elements[kind];
    case 'flag':
      return true;
  }
}

function ormAccepts(kind: Kind, op: Operator): boolean {
  try {
    Every.where({ [kind]: { [op]: operand(kind, OPERATOR_TABLE[op].operand) } } as never);
    return true;
  } catch (error) {
    if (error instanceof ValidationError) return false;
    throw error;
  }
}

describe('the operator table', () => {
  it('lists an operand and at least one kind for every operator', () => {
    for (const op of OPERATORS) expect(OPERATOR_TABLE[op].kinds.length).toBeGreaterThan(0);
  });

  it.each(kinds)('drives the ORM condition parser for %s fields', (kind) => {
    const accepted = OPERATORS.filter((op) => ormAccepts(kind, op));
    expect(accepted).toEqual(operatorsFor(kind as FieldKind));
  });

  it.each(kinds)('drives the GraphQL filter input of %s fields', (kind) => {
    const schema = buildSchema({ models: [Every] });
    const where = schema.getType('EveryWhere') as GraphQLInputObjectType;
    const filter = getNamedType(where.getFields()[kind]!.type) as GraphQLInputObjectType;
    expect(filter).toBeInstanceOf(GraphQLInputObjectType);
    expect(Object.keys(filter.getFields())).toEqual(operatorsFor(kind as FieldKind));
  });

  it('names the operators a kind takes when one is refused', () => {
    expect(() => Every.where({ enum: { gt: 'a' } } as never)).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ path: 'enum.gt', expected: 'eq | ne | in | exists' })],
      }),
    );
  });
});
