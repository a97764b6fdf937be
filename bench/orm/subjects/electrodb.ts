import { Entity } from 'electrodb';
import type { SubjectFactory } from '../subject.js';

export const electrodb: SubjectFactory = ({ doc }) => {
  const item = new Entity(
    {
      model: { entity: 'item', version: '1', service: 'bench' },
      attributes: {
        userId: { type: 'string', required: true },
        itemId: { type: 'string', required: true },
        title: { type: 'string' },
        status: { type: ['open', 'paid', 'shipped'] as const },
        quantity: { type: 'number' },
        price: { type: 'number' },
        active: { type: 'boolean' },
        views: { type: 'number' },
        tags: { type: 'list', items: { type: 'string' } },
        address: {
          type: 'map',
          properties: {
            street: { type: 'string' },
            city: { type: 'string' },
            zip: { type: 'string' },
          },
        },
      },
      indexes: {
        primary: {
          pk: { field: 'pk', composite: ['userId'] },
          sk: { field: 'sk', composite: ['itemId'] },
        },
      },
    },
    { client: doc, table: 'electrodb' },
  );
  return {
    id: 'electrodb',
    name: 'ElectroDB',
    get: (key) => item.get(key).go(),
    put: (data) => item.put(data as never).go(),
    query: (userId, limit) => item.query.primary({ userId }).go({ limit }),
    batchGet: (keys) => item.get([...keys]).go(),
    update: (key, changes) =>
      item
        .update(key)
        .set(changes as never)
        .go(),
    records: (op, result) => {
      const data = (result as { data: unknown }).data;
      return op === 'get' ? [data] : (data as unknown[]);
    },
  };
};
