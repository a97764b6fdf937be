import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { convertToAttr, convertToNative } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fromAttr,
  fromWire,
  toAttr,
  toWire,
  wireInput,
} from '../../src/orm/backends/dynamodb/codec.js';
import { DynamoDBBackend, field, Model, partitionKey, sortKey } from '../../src/orm/index.js';
import { countRequests, type Engine, startDynalite } from '../helpers/engines.js';

// The backend's own DynamoDB JSON codec must write and read exactly what util-dynamodb (the
// document client's marshalling) does, errors included: util-dynamodb is the oracle.

const OPTIONS = { convertEmptyValues: false } as const;
const oracleToAttr = (v: unknown) => convertToAttr(v, OPTIONS);
const outcome = (f: () => unknown) => {
  try {
    return { value: f() };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

const scalar = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -1e300, 0, -0),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('codec (DynamoDB JSON without the document client)', () => {
  it('marshals every value as util-dynamodb does, with its errors', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(() => toAttr(v))).toEqual(outcome(() => oracleToAttr(v)));
      }),
      { numRuns: 500 },
    );
  });

  it('reads every AttributeValue as util-dynamodb does', () => {
    fc.assert(
      fc.property(value, (v) => {
        const av = outcome(() => oracleToAttr(v));
        if (!('value' in av)) return;
        const wire = av.value as never;
        expect(outcome(() => fromAttr(wire))).toEqual(outcome(() => convertToNative(wire)));
      }),
      { numRuns: 500 },
    );
  });

  it('handles sets, binary, big numbers and functions like util-dynamodb', () => {
    const cases: unknown[] = [
      new Set(['a', 'b']),
      new Set([1, 2.5]),
      new Uint8Array([1, 2, 3]),
      { f: () => 1, a: 1 },
      [1, () => 2, 'x'],
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 60,
      undefined,
    ];
    for (const v of cases) expect(outcome(() => toAttr(v))).toEqual(outcome(() => oracleToAttr(v)));
    for (const av of [
      { N: '123456789012345678901234567890' },
      { N: '-9007199254740993' },
      { SS: ['a'] },
      { NS: ['1', '2'] },
      { B: new Uint8Array([7]) },
      { NULL: true },
    ])
      expect(outcome(() => fromAttr(av as never))).toEqual(
        outcome(() => convertToNative(av as never)),
      );
  });

  it('puts only the value-bearing members of a request on the wire', () => {
    const input = {
      TableName: 't',
      Key: { pk: 'a', sk: 'b' },
      ExpressionAttributeNames: { '#n0': 'x' },
      ExpressionAttributeValues: { ':v0': 1, ':v1': ['x'] },
    };
    expect(wireInput(input)).toEqual({
      TableName: 't',
      Key: { pk: { S: 'a' }, sk: { S: 'b' } },
      ExpressionAttributeNames: { '#n0': 'x' },
      ExpressionAttributeValues: { ':v0': { N: '1' }, ':v1': { L: [{ S: 'x' }] } },
    });
    expect(fromWire(toWire({ a: { b: [1, 'c', true] } }))).toEqual({ a: { b: [1, 'c', true] } });
  });
});

describe('the backend resolves SDK handlers once, and still sees middleware added later', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startDynalite();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('counts requests through middleware added after the first request', async () => {
    const backend = new DynamoDBBackend({ tableName: 'codec', endpoint: engine.endpoint });
    class Note extends Model('Note', { id: field.string(), text: field.string() }) {
      static meta = { backend };
      @partitionKey pk() {
        return `NOTE#${this.id}`;
      }
      @sortKey sk() {
        return 'NOTE';
      }
    }
    await backend.createTable([Note]);
    await Note.create({ id: '1', text: 'first' });
    expect((await Note.get({ id: '1' }))?.text).toBe('first');
    const requests = countRequests(backend);
    await Note.get({ id: '1' });
    await Promise.all([Note.get({ id: '1' }), Note.create({ id: '2', text: 'two' })]);
    expect(requests.counts).toEqual({ GetItemCommand: 2, PutItemCommand: 1 });
    expect(requests.log[0]!.input.Key).toEqual({ pk: 'NOTE#1', sk: 'NOTE' });
    // Users may still send their own low-level commands through the same client.
    const raw = await backend.client.send(
      new GetItemCommand({ TableName: 'codec', Key: { pk: { S: 'NOTE#2' }, sk: { S: 'NOTE' } } }),
    );
    expect(raw.Item?.text).toEqual({ S: 'two' });
    backend.close();
  });
});
