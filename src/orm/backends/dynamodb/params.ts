import type { PageRequest, WriteOp } from '../../backend.js';
import type { ItemLayout, StoredKey } from '../../layout.js';
import { and, conjuncts } from '../../query/conditions.js';
import { keyConditionOf, type QueryPlan, visibilityOf } from '../../query/plan.js';
import { conditionExpression, Placeholders } from './expressions.js';

// Pure request builders: a WriteOp or a QueryPlan in, SDK command input out. No I/O here.

type Input = Record<string, unknown>;

function existence(layout: ItemLayout, p: Placeholders, exists: boolean): string {
  const pk = p.name(layout.table.partition);
  return exists ? `attribute_exists(${pk})` : `attribute_not_exists(${pk})`;
}

/** A WriteOp as the input of PutItem / UpdateItem / DeleteItem / ConditionCheck. */
export function writeParams(
  tableName: string,
  layout: ItemLayout,
  op: WriteOp,
): { command: 'put' | 'update' | 'delete' | 'check'; input: Input } {
  const p = new Placeholders();
  switch (op.type) {
    case 'put': {
      const condition = op.ifNotExists ? existence(layout, p, false) : undefined;
      return {
        command: 'put',
        input: {
          TableName: tableName,
          Item: op.item,
          ...(condition ? { ConditionExpression: condition } : {}),
          ...p.members(),
        },
      };
    }
    case 'delete': {
      const conditions = [
        ...(op.ifExists ? [existence(layout, p, true)] : []),
        ...(op.condition ? [conditionExpression(op.condition, p)] : []),
      ];
      const condition = conditions.length > 0 ? conditions.join(' AND ') : undefined;
      return {
        command: 'delete',
        input: {
          TableName: tableName,
          Key: op.key,
          ...(condition ? { ConditionExpression: condition } : {}),
          ...(op.returnOld ? { ReturnValues: 'ALL_OLD' } : {}),
          ...p.members(),
        },
      };
    }
    case 'check':
    case 'update': {
      const conditions: string[] = [];
      if (op.ifExists) conditions.push(existence(layout, p, true));
      if (op.ifVersion)
        conditions.push(`${p.name(op.ifVersion.attr)} = ${p.value(op.ifVersion.value)}`);
      if (op.type === 'update' && op.condition)
        conditions.push(conditionExpression(op.condition, p));
      const condition =
        conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {};
      if (op.type === 'check')
        return {
          command: 'check',
          input: { TableName: tableName, Key: op.key, ...condition, ...p.members() },
        };
      const sets = Object.entries(op.set).map(([a, v]) => `${p.name(a)} = ${p.value(v)}`);
      for (const [a, v] of Object.entries(op.setIfMissing))
        sets.push(`${p.name(a)} = if_not_exists(${p.name(a)}, ${p.value(v)})`);
      if (op.increment) {
        const a = p.name(op.increment);
        sets.push(`${a} = if_not_exists(${a}, ${p.value(0)}) + ${p.value(1)}`);
      }
      const removes = op.remove.map((a) => p.name(a));
      const adds: string[] = [];
      const deletes: string[] = [];
      if (op.atomic) {
        const { add, deleteMembers, append, removeAt } = op.atomic;
        for (const [a, v] of Object.entries(add)) adds.push(`${p.name(a)} ${p.value(v)}`);
        for (const [a, v] of Object.entries(deleteMembers))
          deletes.push(`${p.name(a)} ${p.value(v)}`);
        for (const [a, { values, atStart }] of Object.entries(append)) {
          const name = p.name(a);
          const current = `if_not_exists(${name}, ${p.value([])})`;
          const added = p.value(values);
          sets.push(
            `${name} = list_append(${atStart ? `${added}, ${current}` : `${current}, ${added}`})`,
          );
        }
        for (const [a, positions] of Object.entries(removeAt))
          for (const i of positions) removes.push(`${p.name(a)}[${i}]`);
      }
      const expression = [
        sets.length > 0 ? `SET ${sets.join(', ')}` : '',
        removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
        adds.length > 0 ? `ADD ${adds.join(', ')}` : '',
        deletes.length > 0 ? `DELETE ${deletes.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      return {
        command: 'update',
        input: {
          TableName: tableName,
          Key: op.key,
          UpdateExpression: expression,
          ...condition,
          ...(op.returnNew ? { ReturnValues: 'ALL_NEW' } : {}),
          ...p.members(),
        },
      };
    }
  }
}

/**
 * A plan as Query or Scan input, without Limit and ExclusiveStartKey (they change per page): the
 * expressions are built once per plan and reused for every page of it.
 */
export function readParams(
  tableName: string,
  layout: ItemLayout,
  plan: QueryPlan,
  now: number,
  countOnly: boolean,
): { command: 'query' | 'scan'; input: Input } {
  const p = new Placeholders();
  const visible = visibilityOf(
    plan.entity,
    layout.adapter.entityTypeAttribute,
    plan.ttlAttribute,
    now,
  );
  const FilterExpression = conjuncts(and([visible, plan.residual]))
    .map((c) => conditionExpression(c, p))
    .join(' AND ');
  const common = {
    TableName: tableName,
    ...(plan.index ? { IndexName: plan.index } : {}),
    ...(countOnly ? { Select: 'COUNT' } : {}),
  };
  const key = keyConditionOf(plan, layout.attributesOf(plan.index));
  if (key === null)
    return { command: 'scan', input: { ...common, FilterExpression, ...p.members() } };
  return {
    command: 'query',
    input: {
      ...common,
      KeyConditionExpression: conjuncts(key)
        .map((c) => conditionExpression(c, p))
        .join(' AND '),
      FilterExpression,
      ScanIndexForward: plan.ascending,
      ...p.members(),
    },
  };
}

/** Per-page members of a read. */
export function pageParams(request: Pick<PageRequest, 'limit' | 'startKey'>): {
  Limit?: number;
  ExclusiveStartKey?: StoredKey;
} {
  return {
    ...(request.limit !== null ? { Limit: request.limit } : {}),
    ...(request.startKey ? { ExclusiveStartKey: request.startKey } : {}),
  };
}

/** CreateTable input: the seed's schema (pk/sk strings, on-demand) plus every GSI the layouts declare. */
export function createTableParams(tableName: string, layouts: readonly ItemLayout[]): Input {
  const table = layouts[0]!.table;
  const definitions = new Map<string, string>([
    [table.partition, 'S'],
    [table.sort!, 'S'],
  ]);
  const indexes = new Map<string, { partition: string; sort: string | null }>();
  for (const layout of layouts)
    for (const [name, attrs] of layout.indexes) {
      indexes.set(name, attrs);
      definitions.set(attrs.partition, 'S');
      if (attrs.sort) definitions.set(attrs.sort, 'S');
    }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...definitions].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: table.partition, KeyType: 'HASH' },
      { AttributeName: table.sort, KeyType: 'RANGE' },
    ],
    ...(indexes.size > 0
      ? {
          GlobalSecondaryIndexes: [...indexes].map(([IndexName, attrs]) => ({
            IndexName,
            KeySchema: [
              { AttributeName: attrs.partition, KeyType: 'HASH' },
              ...(attrs.sort ? [{ AttributeName: attrs.sort, KeyType: 'RANGE' }] : []),
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
}
