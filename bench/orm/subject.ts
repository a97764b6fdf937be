import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BenchItem, BenchKey } from './fixture.js';

export type Op = 'get' | 'put' | 'query' | 'batchGet' | 'update';
export const OPS: readonly Op[] = ['get', 'put', 'query', 'batchGet', 'update'];
export const OP_LABEL: Record<Op, string> = {
  get: 'get',
  put: 'put',
  query: 'query page (100)',
  batchGet: 'batchGet (100)',
  update: 'partial update',
};

export interface Clients {
  /** The one SDK client every subject shares; its transport answers from memory. */
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
}

/**
 * One library doing the five operations its documented way. `records` turns a result into the plain
 * items it holds, for the sanity check only (never timed).
 */
export interface Subject {
  readonly id: string;
  readonly name: string;
  get(key: BenchKey): Promise<unknown>;
  put(item: BenchItem): Promise<unknown>;
  query(userId: string, limit: number): Promise<unknown>;
  batchGet(keys: readonly BenchKey[]): Promise<unknown>;
  update(key: BenchKey, changes: Partial<BenchItem>): Promise<unknown>;
  records(op: 'get' | 'query' | 'batchGet', result: unknown): unknown[];
  /** Notes shown under the table (e.g. how the partial update is done). */
  readonly notes?: Partial<Record<Op, string>>;
}

export type SubjectFactory = (clients: Clients) => Subject | Promise<Subject>;
