import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SubjectFactory } from '../subject.js';

/**
 * The bare DocumentClient doing the plain request for each operation on a pk/sk table (the same
 * single-table key layout the ORMs use, no entity attribute): no filter, no condition, no
 * ReturnValues, no read-ahead.
 */
export const documentClient: SubjectFactory = ({ doc }) => {
  const TableName = 'document-client';
  const keyOf = (k: { userId: string; itemId: string }) => ({
    pk: `USER#${k.userId}`,
    sk: `ITEM#${k.itemId}`,
  });
  return {
    id: 'document-client',
    name: 'DocumentClient',
    get: (key) => doc.send(new GetCommand({ TableName, Key: keyOf(key) })),
    put: (item) => doc.send(new PutCommand({ TableName, Item: { ...keyOf(item), ...item } })),
    query: (userId, limit) =>
      doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': `USER#${userId}` },
          Limit: limit,
        }),
      ),
    batchGet: (keys) =>
      doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys.map(keyOf) } } })),
    update: (key, changes) => {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets = Object.entries(changes).map(([k, v], i) => {
        names[`#a${i}`] = k;
        values[`:v${i}`] = v;
        return `#a${i} = :v${i}`;
      });
      return doc.send(
        new UpdateCommand({
          TableName,
          Key: keyOf(key),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },
    records: (op, result) => {
      const r = result as {
        Item?: unknown;
        Items?: unknown[];
        Responses?: Record<string, unknown[]>;
      };
      return op === 'get' ? [r.Item] : op === 'query' ? r.Items! : r.Responses![TableName]!;
    },
  };
};
