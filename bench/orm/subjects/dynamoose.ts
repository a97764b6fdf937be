import dynamoose from 'dynamoose';
import type { SubjectFactory } from '../subject.js';

/** Dynamoose has no computed keys: its layout is the plain one (hash key userId, range key itemId). */
export const dynamooseSubject: SubjectFactory = ({ client }) => {
  dynamoose.aws.ddb.set(client as never);
  const schema = new dynamoose.Schema(
    {
      userId: { type: String, hashKey: true },
      itemId: { type: String, rangeKey: true },
      title: String,
      status: { type: String, enum: ['open', 'paid', 'shipped'] },
      quantity: Number,
      price: Number,
      active: Boolean,
      views: Number,
      tags: { type: Array, schema: [String] },
      address: { type: Object, schema: { street: String, city: String, zip: String } },
    },
    { saveUnknown: false },
  );
  const Item = dynamoose.model('Item', schema, { create: false, waitForActive: false });
  new dynamoose.Table('dynamoose', [Item], { create: false, waitForActive: false });
  return {
    id: 'dynamoose',
    name: 'Dynamoose',
    get: (key) => Item.get(key as never),
    put: (data) => new Item(data).save(),
    query: (userId, limit) => Item.query('userId').eq(userId).limit(limit).exec(),
    batchGet: (keys) => Item.batchGet(keys as never),
    update: (key, changes) => Item.update(key as never, changes),
    records: (op, result) => {
      const plain = (d: unknown) => (d as { toJSON(): unknown }).toJSON();
      return op === 'get' ? [plain(result)] : [...(result as unknown[])].map(plain);
    },
  };
};
