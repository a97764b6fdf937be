import {
  BatchGetCommand,
  BatchGetRequest,
  boolean,
  Entity,
  executeBatchGet,
  GetItemCommand,
  item,
  list,
  map,
  number,
  PutItemCommand,
  QueryCommand,
  string,
  Table,
  UpdateItemCommand,
} from 'dynamodb-toolbox';
import type { SubjectFactory } from '../subject.js';

export const toolbox: SubjectFactory = ({ doc }) => {
  const table = new Table({
    name: 'toolbox',
    partitionKey: { name: 'pk', type: 'string' },
    sortKey: { name: 'sk', type: 'string' },
    documentClient: doc,
  });
  const entity = new Entity({
    name: 'Item',
    table,
    timestamps: false,
    schema: item({
      userId: string().key(),
      itemId: string().key(),
      title: string(),
      status: string().enum('open', 'paid', 'shipped'),
      quantity: number(),
      price: number(),
      active: boolean(),
      views: number(),
      tags: list(string()),
      address: map({ street: string(), city: string(), zip: string() }),
    }),
    computeKey: ({ userId, itemId }: { userId: string; itemId: string }) => ({
      pk: `USER#${userId}`,
      sk: `ITEM#${itemId}`,
    }),
  });
  return {
    id: 'toolbox',
    name: 'DynamoDB-Toolbox',
    get: (key) => entity.build(GetItemCommand).key(key).send(),
    put: (data) =>
      entity
        .build(PutItemCommand)
        .item(data as never)
        .send(),
    query: (userId, limit) =>
      table
        .build(QueryCommand)
        .entities(entity)
        .query({ partition: `USER#${userId}` })
        .options({ limit })
        .send(),
    batchGet: (keys) =>
      executeBatchGet(
        table
          .build(BatchGetCommand)
          .requests(...keys.map((k) => entity.build(BatchGetRequest).key(k))),
      ),
    update: (key, changes) =>
      entity
        .build(UpdateItemCommand)
        .item({ ...key, ...changes } as never)
        .send(),
    records: (op, result) => {
      const r = result as { Item?: unknown; Items?: unknown[]; Responses?: unknown[][] };
      return op === 'get' ? [r.Item] : op === 'query' ? r.Items! : r.Responses![0]!;
    },
  };
};
