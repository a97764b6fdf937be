import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { BackendError, ConfigurationError } from '../../errors.js';
import {
  type ItemAdapter,
  type ItemLayout,
  layoutFor,
  type StoredItem,
  type StoredKey,
} from '../../layout.js';
import { type AnyModelClass, modelOf } from '../../registry.js';
import type { QueryPlan } from '../../query/plan.js';
import { ConditionFailed, type PageRequest, type PageResult, type WriteOp } from '../../backend.js';
import { BackendBase } from '../backend-base.js';
import { DynamoDBAdapter } from './adapter.js';
import {
  chunk,
  defaultRetryPolicy,
  mapConcurrent,
  type RetryPolicy,
  sendWithRetry,
} from './batch.js';
import { createTableParams, pageParams, readParams, writeParams } from './params.js';

export interface DynamoDBBackendOptions {
  readonly tableName: string;
  /** @default process.env.AWS_REGION, else 'us-east-1' */
  readonly region?: string;
  /** A DynamoDB-compatible endpoint (DynamoDB Local, dynalite). */
  readonly endpoint?: string;
  /** @default the AWS default credentials chain; dummy credentials for an `endpoint` when none are configured */
  readonly credentials?: DynamoDBClientConfig['credentials'];
  /** A ready client (the seed's `session`); region, endpoint and credentials are then ignored. */
  readonly client?: DynamoDBClient;
  readonly adapter?: ItemAdapter;
  /** Signs cursors; set the same secret on every server that must accept each other's cursors. */
  readonly cursorSecret?: string;
  readonly retry?: Partial<RetryPolicy>;
}

const ENGINE_ERRORS_WITHOUT_TRANSACTIONS = new Set(['UnknownOperationException']);

function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? '';
}

function wrap(operation: string, error: unknown): BackendError {
  const message = (error as Error | null)?.message ?? String(error);
  return new BackendError(operation, `${errorName(error) || 'Error'}: ${message}`, error);
}

// The item a failed condition returns (ReturnValuesOnConditionCheckFailure) comes back marshalled.
function currentItem(raw: unknown): StoredItem | null {
  return raw && typeof raw === 'object' && Object.keys(raw).length > 0
    ? (unmarshall(raw as never) as StoredItem)
    : null;
}

/**
 * The DynamoDB backend, on the AWS SDK v3 document client. The client is created on first use.
 * Everything the ORM sends is built by the pure functions in params.ts; this class only sends,
 * retries and maps engine errors.
 */
export class DynamoDBBackend extends BackendBase {
  readonly name = 'dynamodb';
  readonly tableName: string;
  readonly adapter: ItemAdapter;
  readonly cursorSecret: string;
  private readonly options: DynamoDBBackendOptions;
  private readonly retry: RetryPolicy;
  private documentClient: DynamoDBDocumentClient | null = null;
  private readonly readCache = new WeakMap<
    QueryPlan,
    { key: string; params: ReturnType<typeof readParams> }
  >();

  constructor(options: DynamoDBBackendOptions) {
    super();
    if (!options || typeof options.tableName !== 'string' || options.tableName.length < 3)
      throw new ConfigurationError(
        `DynamoDBBackend needs a tableName (3-255 characters), got ${JSON.stringify(options?.tableName)}`,
      );
    this.options = options;
    this.tableName = options.tableName;
    this.adapter = options.adapter ?? new DynamoDBAdapter();
    this.cursorSecret = options.cursorSecret ?? `tablegraph:${options.tableName}`;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
  }

  /** The document client (created on first use). Tests add middleware to it to count requests. */
  get client(): DynamoDBDocumentClient {
    if (!this.documentClient) {
      const o = this.options;
      const hasEnvCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
      const base =
        o.client ??
        new DynamoDBClient({
          region: o.region ?? process.env.AWS_REGION ?? 'us-east-1',
          ...(o.endpoint ? { endpoint: o.endpoint } : {}),
          ...(o.credentials
            ? { credentials: o.credentials }
            : o.endpoint && !hasEnvCredentials
              ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
              : {}),
        });
      this.documentClient = DynamoDBDocumentClient.from(base, {
        marshallOptions: { convertEmptyValues: false },
      });
    }
    return this.documentClient;
  }

  /** True once a client exists (the connection is lazy). */
  get connected(): boolean {
    return this.documentClient !== null;
  }

  async getItem(_layout: ItemLayout, key: StoredKey): Promise<StoredItem | null> {
    try {
      const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key }));
      return (out.Item as StoredItem | undefined) ?? null;
    } catch (error) {
      throw wrap('GetItem', error);
    }
  }

  async write(layout: ItemLayout, op: WriteOp): Promise<StoredItem | null> {
    const { command, input } = writeParams(this.tableName, layout, op);
    const withCurrent = { ...input, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as never;
    try {
      switch (command) {
        case 'put':
          await this.client.send(new PutCommand(withCurrent));
          return null;
        case 'delete': {
          const out = await this.client.send(new DeleteCommand(input as never));
          return (out.Attributes as StoredItem | undefined) ?? null; // ALL_OLD when asked
        }
        case 'update': {
          const out = await this.client.send(new UpdateCommand(withCurrent));
          return (out.Attributes as StoredItem | undefined) ?? null;
        }
        default:
          throw new ConfigurationError('a condition check is only valid inside a transaction');
      }
    } catch (error) {
      if (errorName(error) === 'ConditionalCheckFailedException') {
        let current = currentItem((error as { Item?: unknown }).Item);
        // Engines that ignore ReturnValuesOnConditionCheckFailure (dynalite): read the item, so a
        // stale version (item present) is told apart from a missing item.
        if (current === null && op.type === 'update') current = await this.getItem(layout, op.key);
        throw new ConditionFailed(current);
      }
      if (error instanceof ConfigurationError) throw error;
      throw wrap(
        command === 'put' ? 'PutItem' : command === 'update' ? 'UpdateItem' : 'DeleteItem',
        error,
      );
    }
  }

  private paramsFor(request: PageRequest): ReturnType<typeof readParams> {
    const key = `${request.now}:${request.countOnly}`;
    const cached = this.readCache.get(request.plan);
    if (cached?.key === key) return cached.params;
    const params = readParams(
      this.tableName,
      request.layout,
      request.plan,
      request.now,
      request.countOnly,
    );
    this.readCache.set(request.plan, { key, params });
    return params;
  }

  async queryPage(request: PageRequest): Promise<PageResult> {
    const { command, input } = this.paramsFor(request);
    const full = { ...input, ...pageParams(request) } as never;
    try {
      const out =
        command === 'query'
          ? await this.client.send(new QueryCommand(full))
          : await this.client.send(new ScanCommand(full));
      return {
        items: (out.Items as StoredItem[] | undefined) ?? [],
        count: out.Count ?? 0,
        scanned: out.ScannedCount ?? 0,
        lastKey: (out.LastEvaluatedKey as StoredKey | undefined) ?? null,
      };
    } catch (error) {
      throw wrap(command === 'query' ? 'Query' : 'Scan', error);
    }
  }

  async batchGetItems(
    layout: ItemLayout,
    keys: readonly StoredKey[],
  ): Promise<(StoredItem | null)[]> {
    const { partition, sort } = layout.table;
    const id = (k: StoredKey | StoredItem) => `${k[partition]}\u0000${k[sort!]}`;
    const unique = [...new Map(keys.map((k) => [id(k), k])).values()];
    const found = new Map<string, StoredItem>();
    await mapConcurrent(chunk(unique, 100), this.retry.concurrency, (keysChunk) =>
      sendWithRetry('BatchGetItem', this.retry, keysChunk, async (pending) => {
        try {
          const out = await this.client.send(
            new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }),
          );
          for (const item of (out.Responses?.[this.tableName] ?? []) as StoredItem[])
            found.set(id(item), item);
          return (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as StoredKey[];
        } catch (error) {
          throw wrap('BatchGetItem', error);
        }
      }),
    );
    return keys.map((k) => found.get(id(k)) ?? null);
  }

  async batchPutItems(_layout: ItemLayout, items: readonly StoredItem[]): Promise<void> {
    type PutRequest = { PutRequest: { Item: StoredItem } };
    const requests: PutRequest[] = items.map((Item) => ({ PutRequest: { Item } }));
    await mapConcurrent(chunk(requests, 25), this.retry.concurrency, (requestChunk) =>
      sendWithRetry('BatchWriteItem', this.retry, requestChunk, async (pending) => {
        try {
          const out = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
          );
          return (out.UnprocessedItems?.[this.tableName] ?? []) as PutRequest[];
        } catch (error) {
          throw wrap('BatchWriteItem', error);
        }
      }),
    );
  }

  async transact(writes: readonly { layout: ItemLayout; op: WriteOp }[]): Promise<void> {
    const TransactItems = writes.map(({ layout, op }) => {
      const { command, input } = writeParams(this.tableName, layout, op);
      const member = { ...input, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' };
      delete (member as { ReturnValues?: unknown }).ReturnValues;
      return {
        [command === 'check'
          ? 'ConditionCheck'
          : command === 'put'
            ? 'Put'
            : command === 'update'
              ? 'Update'
              : 'Delete']: member,
      };
    });
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems } as never));
    } catch (error) {
      const name = errorName(error);
      if (ENGINE_ERRORS_WITHOUT_TRANSACTIONS.has(name))
        throw new BackendError(
          'TransactWriteItems',
          'this engine does not support transactions (dynalite has none); use DynamoDB Local or AWS',
          error,
        );
      if (name === 'TransactionCanceledException') {
        const reasons =
          (error as { CancellationReasons?: { Code?: string; Item?: unknown }[] })
            .CancellationReasons ?? [];
        const index = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (index >= 0) throw new ConditionFailed(currentItem(reasons[index]!.Item), index);
      }
      throw wrap('TransactWriteItems', error);
    }
  }

  /** Creates the table (pk/sk strings, on demand) with every GSI the models declare, and waits until it is active. */
  async createTable(
    models: readonly AnyModelClass[],
    options: { ifNotExists?: boolean } = {},
  ): Promise<void> {
    if (models.length === 0) throw new ConfigurationError('createTable needs at least one model');
    const layouts = models.map((m) => layoutFor(modelOf(m), this.adapter));
    try {
      await this.client.send(
        new CreateTableCommand(createTableParams(this.tableName, layouts) as never),
      );
    } catch (error) {
      if (!(options.ifNotExists && errorName(error) === 'ResourceInUseException'))
        throw wrap('CreateTable', error);
    }
    await this.waitFor((status) => status === 'ACTIVE');
  }

  /** Deletes the table (tests). */
  async deleteTable(): Promise<void> {
    try {
      await this.client.send(new DeleteTableCommand({ TableName: this.tableName }));
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw wrap('DeleteTable', error);
    }
  }

  /** The table's status, or null when it does not exist. */
  async tableStatus(): Promise<string | null> {
    try {
      const out = await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
      return out.Table?.TableStatus ?? null;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return null;
      throw wrap('DescribeTable', error);
    }
  }

  private async waitFor(
    done: (status: string | null) => boolean,
    timeoutMs = 60_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.tableStatus();
      if (done(status)) return;
      if (Date.now() > deadline)
        throw new BackendError(
          'DescribeTable',
          `table ${this.tableName} is still ${status} after ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Closes the client's connections. */
  close(): void {
    this.documentClient?.destroy();
    this.documentClient = null;
  }
}
