import { describe, expect, it } from 'vitest';
import {
  field,
  gsiPartitionKey,
  gsiSortKey,
  InMemoryBackend,
  Model,
  partitionKey,
  sortKey,
} from '../../src/orm/index.js';

const backend = new InMemoryBackend();
const MAX = String.fromCodePoint(0x10ffff);

class Event extends Model('Event', {
  tenant: field.string(),
  day: field.date(),
  at: field.datetime(),
  id: field.string(),
  kind: field.enum(['a', 'b']),
  note: field.string({ optional: true }),
  score: field.int({ default: 0 }),
}) {
  static meta = { backend };
  @partitionKey pk() {
    return `T#${this.tenant}`;
  }
  @sortKey sk() {
    return `EV#${this.day}#${this.at.toISOString()}#${this.id}`;
  }
  @gsiPartitionKey('ByKind') kindPk() {
    return `KIND#${this.kind}`;
  }
  @gsiSortKey('ByKind') kindSk() {
    return `${this.at.toISOString()}`;
  }
}

class Loose extends Model('Loose', {
  a: field.string(),
  b: field.string({ optional: true }),
  n: field.int(),
}) {
  static meta = { backend };
  @partitionKey pk() {
    return `L#${this.a}`;
  }
  @sortKey sk() {
    return this.b ? `B#${this.b}` : `N#${this.n}`;
  }
}

describe('query planner (pure)', () => {
  it('plans a Scan when no partition key is fixed', () => {
    expect(Event.where({ score: { gt: 1 } }).plan()).toMatchObject({
      operation: 'scan',
      index: null,
      partition: null,
      sort: null,
    });
  });

  it('fixes the partition and derives a prefix from the fixed leading sort-key fields', () => {
    expect(Event.where({ tenant: 'x', day: '2025-01-02' }).plan()).toMatchObject({
      operation: 'query',
      partition: 'T#x',
      sort: { op: 'beginsWith', value: 'EV#2025-01-02#' },
    });
  });

  it('turns a range on the next sort-key field into BETWEEN, and a full key into eq', () => {
    const at = new Date('2025-01-02T03:04:05.000Z');
    expect(Event.where({ tenant: 'x', day: { gte: '2025-01-02' } }).plan().sort).toEqual({
      op: 'between',
      value: ['EV#2025-01-02', `EV#${MAX}`],
    });
    expect(Event.where({ tenant: 'x', day: '2025-01-02', at: { gt: at } }).plan().sort).toEqual({
      op: 'between',
      value: ['EV#2025-01-02#2025-01-02T03:04:05.000Z', `EV#2025-01-02#${MAX}`],
    });
    expect(Event.where({ tenant: 'x', day: '2025-01-02', at, id: 'e1' }).plan().sort).toEqual({
      op: 'eq',
      value: 'EV#2025-01-02#2025-01-02T03:04:05.000Z#e1',
    });
  });

  it('keeps a range it cannot translate safely (lt on a text field) in the filter only', () => {
    const plan = Event.where({ tenant: 'x', day: { lt: '2025-01-02' } }).plan();
    expect(plan.sort).toEqual({ op: 'beginsWith', value: 'EV#' });
    expect(plan.filter).toMatchObject({ type: 'and' });
  });

  it('derives nothing from a sort key whose shape depends on an optional field', () => {
    expect(Loose.where({ a: 'x' }).plan()).toMatchObject({
      operation: 'query',
      partition: 'L#x',
      sort: null,
    });
  });

  it('picks a GSI whose partition the conditions fix, or the one asked for', () => {
    expect(Event.where({ kind: 'a' }).plan()).toMatchObject({
      operation: 'query',
      index: 'ByKind',
      partition: 'KIND#a',
    });
    expect(Event.where({ kind: 'a', tenant: 't' }).plan()).toMatchObject({
      index: null,
      partition: 'T#t',
    });
    expect(Event.where({ kind: 'a', tenant: 't' }).usingIndex('ByKind').plan()).toMatchObject({
      index: 'ByKind',
      partition: 'KIND#a',
    });
    expect(Event.where({ tenant: 't' }).usingIndex('ByKind').plan()).toMatchObject({
      operation: 'scan',
      index: 'ByKind',
    });
  });

  it('serves order by the leading sort-key field from the index, any other order client-side', () => {
    expect(Event.where({ kind: 'a' }).orderBy('at', 'desc').plan()).toMatchObject({
      ascending: false,
      clientOrder: null,
    });
    expect(Event.where({ kind: 'a' }).orderBy('score').plan()).toMatchObject({
      clientOrder: [{ field: 'score', descending: false }],
    });
    expect(Event.where({ kind: 'a' }).reverse().plan().ascending).toBe(false);
  });

  it('only uses top-level equalities as keys: an OR never fixes a partition', () => {
    expect(Event.where({ OR: [{ tenant: 'x' }, { tenant: 'y' }] }).plan().operation).toBe('scan');
  });

  it('returns the same frozen plan for the same query shape', () => {
    const a = Event.where({ tenant: 'x' }).plan();
    expect(Event.where({ tenant: 'x' }).plan()).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
});
