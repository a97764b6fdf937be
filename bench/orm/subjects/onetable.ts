import { Table } from 'dynamodb-onetable';
import { Dynamo } from 'dynamodb-onetable/Dynamo';
import type { SubjectFactory } from '../subject.js';

const schema = {
  format: 'onetable:1.1.0',
  version: '0.0.1',
  indexes: { primary: { hash: 'pk', sort: 'sk' } },
  models: {
    Item: {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: OneTable's own value template
      pk: { type: String, value: 'USER#${userId}' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: OneTable's own value template
      sk: { type: String, value: 'ITEM#${itemId}' },
      userId: { type: String, required: true },
      itemId: { type: String, required: true },
      title: { type: String },
      status: { type: String, enum: ['open', 'paid', 'shipped'] },
      quantity: { type: Number },
      price: { type: Number },
      active: { type: Boolean },
      views: { type: Number },
      tags: { type: Array, items: { type: String } },
      address: {
        type: Object,
        schema: { street: { type: String }, city: { type: String }, zip: { type: String } },
      },
    },
  } as const,
  params: { timestamps: false },
};

export const onetable: SubjectFactory = ({ client }) => {
  const table = new Table({
    client: new Dynamo({ client }),
    name: 'onetable',
    schema,
    partial: false,
  });
  const Item = table.getModel('Item');
  return {
    id: 'onetable',
    name: 'OneTable',
    get: (key) => Item.get(key as never),
    put: (data) => Item.create(data as never, { exists: null }),
    query: (userId, limit) => Item.find({ userId } as never, { limit }),
    batchGet: async (keys) => {
      const batch = {};
      for (const key of keys) await Item.get(key as never, { batch });
      return table.batchGet(batch, { parse: true, hidden: false });
    },
    update: (key, changes) => Item.update({ ...key, ...changes } as never),
    records: (op, result) => (op === 'get' ? [result] : [...(result as unknown[])]),
  };
};
