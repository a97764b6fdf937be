import { execute, type GraphQLResolveInfo, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { InMemoryBackend } from '../../src/orm/index.js';
import { planLookup } from '../../src/schema/selection-plan.js';
import { defineModels } from '../fixtures/models.js';
import { serve } from './harness.js';

// The lookup planner is pure: selection set in, plan out. Here it sees real resolve infos (the
// `user` root field's resolver replaced by one that records its info) and reads nothing.

const m = defineModels(new InMemoryBackend());
const { schema } = serve(m);
const limits = {
  maxPageSize: 100,
  defaultPageSize: 20,
  maxTotalCount: 1000,
  maxReadsPerPage: 25,
  allowScans: true,
};

async function plan(query: string, variables: Record<string, unknown> = {}) {
  let info: GraphQLResolveInfo | undefined;
  const field = schema.getQueryType()!.getFields().user!;
  const original = field.resolve;
  field.resolve = (_s, _a, _c, i) => {
    info = i;
    return null;
  };
  try {
    await execute({ schema, document: parse(query), variableValues: variables });
  } finally {
    field.resolve = original;
  }
  const p = planLookup(m.User, 'User', { id: 'alice' }, info!, limits);
  return (
    p && {
      members: p.members.map((x) => [x.query.model.name, x.need]),
      relations: p.relations.map((r) => [r.signature.split('\u0000')[0], r.size]),
      partition: p.parent.plan().partition,
    }
  );
}

describe('planLookup (selection set -> collection plan)', () => {
  it('plans the parent and each servable relation, with first + 1 per relation', async () => {
    expect(
      await plan(
        '{ user(rowId: "alice") { name orders(first: 3) { edges { node { orderId } } } todos { totalCount } } }',
      ),
    ).toEqual({
      members: [
        ['User', 1],
        ['Order', 4],
        ['TodoItem', 21],
      ],
      relations: [
        ['orders', 3],
        ['todos', 20],
      ],
      partition: 'USER#alice',
    });
  });

  it('is null when no relation is selected', async () => {
    expect(await plan('{ user(rowId: "alice") { name email } }')).toBeNull();
  });

  it('leaves out relations read with after, last, where, a descending order or a directive', async () => {
    const p = await plan(
      `query($skip: Boolean!) { user(rowId: "alice") {
        a: orders(first: 2, after: "c1.x.y") { totalCount }
        b: orders(last: 2) { totalCount }
        c: orders(first: 2, where: { total: { gte: 1 } }) { totalCount }
        d: todos(first: 2, orderBy: TODO_ID_DESC) { totalCount }
        e: todos(first: 2) @skip(if: $skip) { totalCount } } }`,
      { skip: false },
    );
    expect(p).toBeNull();
  });

  it('merges aliases of one relation into one member, and reads fragments', async () => {
    const p = await plan(
      `{ user(rowId: "alice") { ...F ... on User { more: orders(first: 5, orderBy: PLACED_AT_ORDER_ID_ASC) { totalCount } } } }
       fragment F on User { orders(first: 2) { totalCount } }`,
    );
    expect(p).toEqual({
      members: [
        ['User', 1],
        ['Order', 6],
      ],
      relations: [
        ['orders', 2],
        ['orders', 5],
      ],
      partition: 'USER#alice',
    });
  });
});
