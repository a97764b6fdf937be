import { describe, expect, it } from 'vitest';
import {
  createTableParams,
  readParams,
  writeParams,
} from '../../src/orm/backends/dynamodb/params.js';
import {
  field,
  gsiPartitionKey,
  InMemoryBackend,
  ItemAdapter,
  Model,
  modelOf,
} from '../../src/orm/index.js';
import { layoutFor } from '../../src/orm/layout.js';

const backend = new InMemoryBackend();
class Thing extends Model('Thing', {
  id: field.string({ primaryKey: true }),
  'weird-name.x': field.string({ optional: true }),
  size: field.int({ default: 0 }),
}) {
  static meta = { backend };
  @gsiPartitionKey('by-size') bySize() {
    return `SIZE#${this.size}`;
  }
}
const layout = layoutFor(modelOf(Thing), new ItemAdapter());

describe('DynamoDB request builders (pure)', () => {
  it('uses generated placeholders, so any attribute name is safe', () => {
    const { input } = writeParams('t', layout, {
      type: 'update',
      key: { pk: 'Thing#1', sk: 'METADATA' },
      set: { 'weird-name.x': 'a', 'gsi_pk_by-size': 'SIZE#1' },
      remove: ['size'],
      setIfMissing: { createdAt: 'now' },
      increment: 'version',
      ifExists: true,
      ifVersion: { attr: 'version', value: 3 },
      returnNew: true,
    });
    expect(input).toEqual({
      TableName: 't',
      Key: { pk: 'Thing#1', sk: 'METADATA' },
      UpdateExpression:
        'SET #n2 = :v1, #n3 = :v2, #n4 = if_not_exists(#n4, :v3), #n1 = if_not_exists(#n1, :v4) + :v5 REMOVE #n5',
      ConditionExpression: 'attribute_exists(#n0) AND #n1 = :v0',
      ReturnValues: 'ALL_NEW',
      ExpressionAttributeNames: {
        '#n0': 'pk',
        '#n1': 'version',
        '#n2': 'weird-name.x',
        '#n3': 'gsi_pk_by-size',
        '#n4': 'createdAt',
        '#n5': 'size',
      },
      ExpressionAttributeValues: {
        ':v0': 3,
        ':v1': 'a',
        ':v2': 'SIZE#1',
        ':v3': 'now',
        ':v4': 0,
        ':v5': 1,
      },
    });
  });

  it('makes create a put conditional on a free key', () => {
    expect(
      writeParams('t', layout, { type: 'put', item: { pk: 'a', sk: 'b' }, ifNotExists: true })
        .input,
    ).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#n0)',
      ExpressionAttributeNames: { '#n0': 'pk' },
    });
  });

  it('builds a Scan filtered to the entity type for an unkeyed query, and a Query on the GSI otherwise', () => {
    const scan = readParams(
      't',
      layout,
      Thing.where({ 'weird-name.x': 'v' } as never).plan(),
      0,
      false,
    );
    expect(scan).toEqual({
      command: 'scan',
      input: {
        TableName: 't',
        FilterExpression: '#n0 = :v0 AND #n1 = :v1',
        ExpressionAttributeNames: { '#n0': 'entity_type', '#n1': 'weird-name.x' },
        ExpressionAttributeValues: { ':v0': 'Thing', ':v1': 'v' },
        ReturnConsumedCapacity: 'TOTAL',
      },
    });
    const query = readParams('t', layout, Thing.where({ size: 2 }).plan(), 0, true);
    expect(query).toMatchObject({
      command: 'query',
      input: {
        IndexName: 'by-size',
        Select: 'COUNT',
        KeyConditionExpression: '#n2 = :v2',
        ScanIndexForward: true,
      },
    });
  });

  it('projects reads onto placeholders (reserved words are safe), and never a count', () => {
    const plan = Thing.where({ size: 2 }).plan();
    const read = readParams('t', layout, plan, 0, false, ['pk', 'sk', 'size', 'weird-name.x']);
    expect(read.input).toMatchObject({
      ProjectionExpression: '#n2, #n3, #n1, #n4',
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect((read.input.ExpressionAttributeNames as Record<string, string>)['#n4']).toBe(
      'weird-name.x',
    );
    const count = readParams('t', layout, plan, 0, true, ['pk']);
    expect(count.input).toMatchObject({ Select: 'COUNT' });
    expect(count.input.ProjectionExpression).toBeUndefined();
  });

  it('declares every GSI the models need when creating the table', () => {
    expect(createTableParams('t', [layout])).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-size',
          KeySchema: [{ AttributeName: 'gsi_pk_by-size', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });
});
