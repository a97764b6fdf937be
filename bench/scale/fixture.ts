// The scale family's model and data, and the two batch writers it compares (also profiled by
// bench/profile/scale.ts): tablegraph's batchCreate and a raw BatchWriteItem loop on one canned client.
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type Backend,
  DynamoDBBackend,
  field,
  Model,
  partitionKey,
  sortKey,
} from '../../src/orm/index.js';
import { CannedTransport } from '../canned-transport.js';

export function defineEvent(backend: Backend) {
  class Event extends Model('Event', {
    streamId: field.string(),
    seq: field.string(),
    kind: field.string(),
    amount: field.int(),
    payload: field.json(),
  }) {
    static meta = { backend };
    @partitionKey pk() {
      return `STREAM#${this.streamId}`;
    }
    @sortKey sk() {
      return `EVENT#${this.seq}`;
    }
  }
  return Event;
}
export const event = (i: number) => ({
  streamId: 's1',
  seq: String(i).padStart(7, '0'),
  kind: i % 2 ? 'credit' : 'debit',
  amount: i % 1000,
  payload: { note: `event ${i}`, tags: ['a', 'b'] },
});

export function batchSubjects(n: number, concurrency: number) {
  const transport = new CannedTransport();
  transport.set('scale', 'BatchWriteItem', { UnprocessedItems: {} });
  transport.use('scale');
  const client = new DynamoDB({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: transport as never,
  });
  const doc = DynamoDBDocumentClient.from(client);
  const Event = defineEvent(new DynamoDBBackend({ tableName: 'scale', client }));
  const items = Array.from({ length: n }, (_, i) => event(i));
  // The raw loop writes what the ORM writes (keys, entity type, fields): 25 per request, 4 in flight.
  const raw = async () => {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const chunk = items.slice(next, next + 25);
        next += 25;
        await doc.send(
          new BatchWriteCommand({
            RequestItems: {
              scale: chunk.map((e) => ({
                PutRequest: {
                  Item: {
                    pk: `STREAM#${e.streamId}`,
                    sk: `EVENT#${e.seq}`,
                    entity_type: 'Event',
                    ...e,
                  },
                },
              })),
            },
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  const orm = () => Event.batchCreate(items);
  return { raw, orm };
}
