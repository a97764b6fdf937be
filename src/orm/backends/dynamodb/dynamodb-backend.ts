import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  type GetItemCommandOutput,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type AtomicChanges,
  ConditionFailed,
  type PageRequest,
  type PageResult,
  type ReadOptions,
  type WriteOp,
} from '../../backend.js';
import type { RequestEvent } from '../../capacity.js';
import { BackendError, ConfigurationError, ValidationError } from '../../errors.js';
import {
  type ItemAdapter,
  type ItemLayout,
  layoutFor,
  type StoredItem,
  type StoredKey,
} from '../../layout.js';
import { DYNAMODB_LIMITS } from '../../limits.js';
import type { QueryPlan } from '../../query/plan.js';
import { type AnyModelClass, modelOf } from '../../registry.js';
import { BackendBase, defaultCursorSecret } from '../backend-base.js';
import { DynamoDBAdapter } from './adapter.js';
import {
  AttemptFailed,
  carriesUpdate,
  defaultOperationRetryPolicy,
  installAttemptTracker,
  mayHaveApplied,
  type OperationRetryPolicy,
  operationStrategy,
  type RateLimiterLike,
  type RetryStrategyLike,
  retryableError,
  sameValue,
  track,
  unwrapAttempt,
} from './attempts.js';
import {
  type BatchReport,
  batchError,
  defaultRetryPolicy,
  type RetryPolicy,
  runBatch,
  type SendOutcome,
} from './batch.js';
import { fromWire, fromWireList, keyFromWire, toWire, type Wire, wireInput } from './codec.js';
import {
  batchGetEntry,
  CAPACITY,
  createTableParams,
  getParams,
  pageParams,
  readParams,
  writeParams,
} from './params.js';
import { HandlerCache } from './sender.js';

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
  /** Batches (batchGet, batchCreate): attempts per chunk, backoff, chunks in flight, time budget. */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Single operations: attempts, time budget and the SDK's retry mode (adaptive by default). Applies
   * to the client the backend creates; a ready `client` keeps its own retry settings.
   */
  readonly operationRetry?: Partial<OperationRetryPolicy>;
  /** Called after every request with its ConsumedCapacity (metrics, logging). */
  readonly onRequest?: (event: RequestEvent) => void;
}

const ENGINE_ERRORS_WITHOUT_TRANSACTIONS = new Set(['UnknownOperationException']);

function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? '';
}

function wrap(operation: string, error: unknown): BackendError {
  const message = (error as Error | null)?.message ?? String(error);
  return new BackendError(operation, `${errorName(error) || 'Error'}: ${message}`, error);
}

const ITEM_TOO_LARGE = /Item size (to update )?has exceeded the maximum allowed size/;

// The one DynamoDB limit the ORM cannot check before sending: the size of the item an update leaves
// (it depends on the stored item). The same ValidationError the in-memory backend raises.
function oversize(layout: ItemLayout, error: unknown, message = ''): ValidationError | null {
  const text = message || ((error as Error | null)?.message ?? '');
  if (!ITEM_TOO_LARGE.test(text)) return null;
  return new ValidationError(layout.model.entity, [
    {
      path: '',
      message: `the updated item would exceed DynamoDB's item size limit of ${DYNAMODB_LIMITS.itemBytes} bytes (400 KB) (${text})`,
      expected: `item size <= ${DYNAMODB_LIMITS.itemBytes} bytes`,
      received: 'a larger item',
    },
  ]);
}

function hasAtomicChanges(atomic: AtomicChanges | undefined): boolean {
  if (!atomic) return false;
  return (
    Object.keys(atomic.add).length +
      Object.keys(atomic.deleteMembers).length +
      Object.keys(atomic.append).length +
      Object.keys(atomic.removeAt).length >
    0
  );
}

interface CapacityOut {
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
}

/** Read and write units of a response's ConsumedCapacity (one entry, or one per table of a batch). */
function unitsOf(
  consumed: CapacityOut | readonly CapacityOut[] | undefined,
  kind: 'read' | 'write',
): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    const total = c.CapacityUnits ?? 0;
    // Engines that split the total say so; otherwise the operation's kind tells.
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      read += c.ReadCapacityUnits ?? 0;
      write += c.WriteCapacityUnits ?? 0;
    } else if (kind === 'read') read += total;
    else write += total;
  }
  return { read, write };
}

function keyOf(layout: ItemLayout, op: Exclude<WriteOp, { type: 'check' }>): StoredKey {
  if (op.type !== 'put') return op.key;
  const { partition, sort } = layout.table;
  return { [partition]: op.item[partition], [sort!]: op.item[sort!] } as StoredKey;
}

// The item a failed condition returns (ReturnValuesOnConditionCheckFailure), as the wire has it.
function currentItem(raw: unknown): StoredItem | null {
  return raw && typeof raw === 'object' && Object.keys(raw).length > 0
    ? fromWire(raw as Wire)
    : null;
}

/** Values by table key in nested maps (partition, then sort): no id string built per key. */
class KeyMap<V> {
  private readonly byPartition = new Map<unknown, Map<unknown, V>>();
  constructor(
    private readonly partition: string,
    private readonly sort: string,
  ) {}
  get(key: StoredKey | StoredItem): V | undefined {
    return this.byPartition.get(key[this.partition])?.get(key[this.sort]);
  }
  set(key: StoredKey | StoredItem, value: V): void {
    this.sorts(key).set(key[this.sort], value);
  }
  /** Sets the value unless the key has one; true when it was new. */
  add(key: StoredKey | StoredItem, value: V): boolean {
    const sorts = this.sorts(key);
    const sort = key[this.sort];
    if (sorts.has(sort)) return false;
    sorts.set(sort, value);
    return true;
  }
  private sorts(key: StoredKey | StoredItem): Map<unknown, V> {
    const p = key[this.partition];
    let sorts = this.byPartition.get(p);
    if (!sorts) {
      sorts = new Map();
      this.byPartition.set(p, sorts);
    }
    return sorts;
  }
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
  private readonly operationRetry: OperationRetryPolicy;
  private documentClient: DynamoDBDocumentClient | null = null;
  private sender: HandlerCache | null = null;
  // A plan's request members on the wire, built once per plan (and projection, time, count).
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
    this.cursorSecret =
      options.cursorSecret ?? defaultCursorSecret(`tablegraph:${options.tableName}`);
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.operationRetry = { ...defaultOperationRetryPolicy, ...options.operationRetry };
    this.onRequest = options.onRequest;
  }

  // Private: reports one response's ConsumedCapacity.
  private consumed(
    operation: string,
    out: { ConsumedCapacity?: CapacityOut | CapacityOut[] },
    kind: 'read' | 'write',
  ): void {
    const { read, write } = unitsOf(out.ConsumedCapacity, kind);
    this.report(operation, read, write);
  }

  /** The document client (created on first use). Tests add middleware to it to count requests. */
  get client(): DynamoDBDocumentClient {
    if (!this.documentClient) {
      const o = this.options;
      const hasEnvCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
      const base = o.client ?? this.ownClient(hasEnvCredentials);
      this.documentClient = DynamoDBDocumentClient.from(base, {
        marshallOptions: { convertEmptyValues: false },
      });
      installAttemptTracker(this.documentClient);
      this.sender = new HandlerCache(this.documentClient);
    }
    return this.documentClient;
  }

  /**
   * Sends a low-level command through the client (the document client shares its middleware and
   * config): items go on the wire through codec.ts, not through the document client's generic
   * marshalling, and handlers are resolved once per command class (sender.ts).
   */
  private send<O>(command: object): Promise<O> {
    if (!this.sender) void this.client;
    return this.sender!.send<O>(command);
  }

  private ownClient(hasEnvCredentials: boolean): DynamoDBClient {
    const o = this.options;
    const r = this.operationRetry;
    const client = new DynamoDBClient({
      region: o.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.credentials
        ? { credentials: o.credentials }
        : o.endpoint && !hasEnvCredentials
          ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
          : {}),
      retryMode: r.mode,
      maxAttempts: r.attempts,
    });
    // Our attempts, backoff and budget on the SDK's retry loop; in adaptive mode with the rate
    // limiter of the SDK's own adaptive strategy. The retry middleware reads config.retryStrategy on
    // every call, so replacing the provider is enough.
    const config = client.config as unknown as { retryStrategy: () => Promise<RetryStrategyLike> };
    const sdkStrategy = config.retryStrategy;
    let ours: Promise<RetryStrategyLike> | undefined;
    config.retryStrategy = () =>
      (ours ??= sdkStrategy().then((sdk) =>
        operationStrategy(r, (sdk as { rateLimiter?: RateLimiterLike }).rateLimiter),
      ));
    return client;
  }

  /** True once a client exists (the connection is lazy). */
  get connected(): boolean {
    return this.documentClient !== null;
  }

  async getItem(
    _layout: ItemLayout,
    key: StoredKey,
    options: ReadOptions = {},
  ): Promise<StoredItem | null> {
    try {
      const out = await this.send<GetItemCommandOutput>(
        new GetItemCommand(
          wireInput(
            getParams(this.tableName, key, options.projection, options.consistent === true),
          ) as never,
        ),
      );
      this.consumed('GetItem', out, 'read');
      return out.Item ? fromWire(out.Item) : null;
    } catch (error) {
      throw wrap('GetItem', error);
    }
  }

  /**
   * One write. A write never reports a false failure when a response was lost after the engine
   * applied it (a reset, then a retry): the SDK's retry of a conditional write that fails its
   * condition is checked against what this write wrote (the item the engine returns with the failed
   * condition, else one consistent read), and an upsert that counts (increments the version), which
   * must not be sent twice, is not retried blindly: the item is read back first.
   */
  async write(layout: ItemLayout, op: WriteOp): Promise<StoredItem | null> {
    const { command, input } = writeParams(this.tableName, layout, op);
    if (command === 'check')
      throw new ConfigurationError('a condition check is only valid inside a transaction');
    const operation =
      command === 'put' ? 'PutItem' : command === 'update' ? 'UpdateItem' : 'DeleteItem';
    const wire = wireInput(input);
    const withCurrent = {
      ...wire,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      ...CAPACITY,
    } as never;
    const plainDelete = { ...wire, ...CAPACITY } as never;
    // Not idempotent, so never resent blindly after a lost response: an increment (a versioned
    // upsert) and atomic changes (ADD, list appends, removal by position).
    const atomic = op.type === 'update' && hasAtomicChanges(op.atomic);
    const counts = op.type === 'update' && (op.increment !== null || atomic);
    const deadline = Date.now() + this.operationRetry.budgetMs;
    let maybeApplied = false;
    for (let round = 1; ; round++) {
      const request =
        command === 'put'
          ? new PutItemCommand(withCurrent)
          : command === 'update'
            ? new UpdateItemCommand(withCurrent)
            : new DeleteItemCommand(plainDelete);
      const log = track(request, (ambiguous) => counts && ambiguous);
      try {
        const out = await this.send<{ Attributes?: Wire; ConsumedCapacity?: CapacityOut }>(request);
        this.consumed(operation, out, 'write');
        // ALL_NEW of an update, ALL_OLD of a delete that asked
        return out.Attributes ? fromWire(out.Attributes) : null;
      } catch (raw) {
        const error = unwrapAttempt(raw);
        maybeApplied ||= log.maybeApplied;
        if (errorName(error) === 'ConditionalCheckFailedException') {
          // Sent and refused: a request whose cost the engine does not report.
          this.report(operation, 0, 0);
          let current = currentItem((error as { Item?: unknown }).Item);
          // Engines that ignore ReturnValuesOnConditionCheckFailure (dynalite): read the item, so a
          // stale version (item present) is told apart from a missing item, and an earlier attempt
          // of this call recognised.
          if (
            current === null &&
            (op.type === 'update' ||
              (op.type === 'delete' && op.condition) ||
              (maybeApplied && op.type === 'put'))
          )
            current = await this.getItem(layout, keyOf(layout, op), { consistent: true });
          if (maybeApplied) {
            // An earlier attempt of this call may have been applied: is the stored item its result?
            if (op.type === 'delete') {
              if (!op.returnOld) return null;
              throw new BackendError(
                operation,
                'the response was lost after the delete may have been applied: the item is gone (deleted by this call or just before it); its previous value is unknown',
                error,
              );
            }
            if (op.type === 'put' && sameValue(current, op.item)) return null;
            if (op.type === 'update' && carriesUpdate(current, op))
              return op.returnNew ? current : null;
          }
          throw new ConditionFailed(current);
        }
        if (
          counts &&
          raw instanceof AttemptFailed &&
          raw.ambiguous &&
          round < this.operationRetry.attempts &&
          Date.now() < deadline
        ) {
          // The response was lost: applied or not? An increment must not be applied twice. Atomic
          // changes leave no trace to recognise them by: their outcome stays unknown.
          if (atomic)
            throw new BackendError(
              operation,
              'the response was lost after the update may have been applied; it has atomic changes (add, append, remove by position), so it is not resent (it could apply twice): read the item to see whether it did',
              error,
            );
          const current = await this.getItem(layout, (op as { key: StoredKey }).key, {
            consistent: true,
          });
          if (carriesUpdate(current, op as Extract<WriteOp, { type: 'update' }>))
            return (op as { returnNew: boolean }).returnNew ? current : null;
          continue;
        }
        if (errorName(error) === 'ValidationException')
          throw oversize(layout, error) ?? wrap(operation, error);
        if (!maybeApplied) throw wrap(operation, error);
        // Out of retries after a lost response: say that the write may have been applied.
        const detail = `${errorName(error) || 'Error'}: ${(error as Error | null)?.message ?? String(error)}`;
        throw new BackendError(
          operation,
          `${detail} (a response was lost: the write may have been applied; read the item to know)`,
          error,
        );
      }
    }
  }

  private paramsFor(request: PageRequest): ReturnType<typeof readParams> {
    const projection = request.countOnly ? null : (request.projection ?? null);
    // The time only matters to plans that hide expired items (a TTL filter compares with it).
    const { plan } = request;
    const timed =
      plan.ttlAttribute !== null || (plan.members?.some((m) => m.ttlAttribute) ?? false);
    const key = `${timed ? request.now : ''}:${request.countOnly}:${projection?.join(',') ?? ''}`;
    const cached = this.readCache.get(request.plan);
    if (cached?.key === key) return cached.params;
    const { command, input } = readParams(
      this.tableName,
      request.layout,
      request.plan,
      request.now,
      request.countOnly,
      projection,
    );
    const params = { command, input: wireInput(input) };
    this.readCache.set(request.plan, { key, params });
    return params;
  }

  async queryPage(request: PageRequest): Promise<PageResult> {
    const { command, input } = this.paramsFor(request);
    const { Limit, ExclusiveStartKey } = pageParams(request);
    const full = {
      ...input,
      ...(Limit !== undefined ? { Limit } : {}),
      ...(ExclusiveStartKey ? { ExclusiveStartKey: toWire(ExclusiveStartKey) } : {}),
    } as never;
    try {
      const out = await this.send<QueryCommandOutput>(
        command === 'query' ? new QueryCommand(full) : new ScanCommand(full),
      );
      const { read } = unitsOf(out.ConsumedCapacity, 'read');
      this.report(command === 'query' ? 'Query' : 'Scan', read, 0);
      return {
        items: fromWireList(out.Items),
        count: out.Count ?? 0,
        scanned: out.ScannedCount ?? 0,
        lastKey: out.LastEvaluatedKey ? keyFromWire(out.LastEvaluatedKey) : null,
        readUnits: read,
      };
    } catch (error) {
      throw wrap(command === 'query' ? 'Query' : 'Scan', error);
    }
  }

  /**
   * BatchGetItem per 100 keys, 4 chunks in flight, resending UnprocessedKeys and throttled or failed
   * requests (capped, jittered backoff, attempts per chunk, a time budget). When it gives up, the
   * BackendError lists the keys not read (`unprocessed`) and carries the items found (`processed`).
   */
  async batchGetItems(
    layout: ItemLayout,
    keys: readonly StoredKey[],
    options: ReadOptions = {},
  ): Promise<(StoredItem | null)[]> {
    const id = this.idOf(layout);
    const { partition, sort } = layout.table;
    const consistent = options.consistent === true;
    // Keys and found items by (partition, sort) in nested maps: no id string per key or item.
    const unique: StoredKey[] = [];
    const seen = new KeyMap<true>(partition, sort!);
    for (const k of keys) if (seen.add(k, true)) unique.push(k);
    const found = new KeyMap<StoredItem>(partition, sort!);
    const responses: StoredItem[] = [];
    const report = await runBatch(this.retry, unique, 100, (pending) =>
      this.sendBatch(
        pending,
        id,
        async (command) => {
          const out = await this.send<BatchGetItemCommandOutput>(command);
          this.consumed('BatchGetItem', out, 'read');
          for (const item of fromWireList(out.Responses?.[this.tableName])) {
            found.set(item, item);
            responses.push(item);
          }
          return (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []).map(keyFromWire);
        },
        () =>
          new BatchGetItemCommand({
            RequestItems: {
              [this.tableName]: {
                ...batchGetEntry(pending, options.projection, consistent),
                Keys: pending.map(toWire),
              },
            },
            ...CAPACITY,
          } as never),
      ),
    );
    if (report.failure)
      throw batchError('BatchGetItem', report, report.unprocessed, [
        ...new Map(responses.map((item) => [id(item), item])).values(),
      ]);
    return keys.map((k) => found.get(k) ?? null);
  }

  /**
   * BatchWriteItem per 25 items, 4 chunks in flight, resending UnprocessedItems and throttled or
   * failed requests. A batch that gives up sends nothing more; requests in flight finish. Items a
   * failed request carried (a lost response) are checked with one consistent read, so the
   * BackendError lists exactly the items not written (`unprocessed`, as stored items: hand them to
   * batchPutItems again) and those written (`processed`).
   */
  async batchPutItems(layout: ItemLayout, items: readonly StoredItem[]): Promise<void> {
    const report = await this.writeBatch(
      layout,
      items,
      (Item) => ({ PutRequest: { Item: toWire(Item) } }),
      (r) => fromWire((r as { PutRequest: { Item: Wire } }).PutRequest.Item),
    );
    if (!report.failure) return;
    const written = await this.storedAsWritten(layout, report);
    const unprocessed = report.unprocessed.filter((item) => !written.has(item));
    // Every item the batch did not hear back about is stored as it wrote it: the batch is complete.
    if (unprocessed.length === 0) return;
    const left = new Set(unprocessed);
    throw batchError(
      'BatchWriteItem',
      report,
      unprocessed,
      items.filter((item) => !left.has(item)),
    );
  }

  /** BatchWriteItem DeleteRequests per 25 keys, retried like puts (a delete is safe to resend). */
  async batchDeleteItems(layout: ItemLayout, keys: readonly StoredKey[]): Promise<void> {
    const report = await this.writeBatch(
      layout,
      keys,
      (Key) => ({ DeleteRequest: { Key: toWire(Key) } }),
      (r) => keyFromWire((r as { DeleteRequest: { Key: Wire } }).DeleteRequest.Key),
    );
    if (!report.failure) return;
    const left = new Set(report.unprocessed);
    throw batchError(
      'BatchWriteItem',
      report,
      report.unprocessed,
      keys.filter((k) => !left.has(k)),
    );
  }

  // Private: BatchWriteItem per 25 entries (puts or deletes), the engine's leftovers mapped back.
  private writeBatch<T extends StoredKey | StoredItem>(
    layout: ItemLayout,
    entries: readonly T[],
    request: (entry: T) => { PutRequest: { Item: Wire } } | { DeleteRequest: { Key: Wire } },
    entryOf: (unprocessed: unknown) => StoredKey | StoredItem,
  ) {
    const id = this.idOf(layout);
    return runBatch(this.retry, entries, 25, (pending) =>
      this.sendBatch(
        pending,
        id,
        async (command) => {
          const out = await this.send<BatchWriteItemCommandOutput>(command);
          this.consumed('BatchWriteItem', out, 'write');
          return ((out.UnprocessedItems?.[this.tableName] ?? []) as unknown[]).map(entryOf);
        },
        () =>
          new BatchWriteItemCommand({
            RequestItems: { [this.tableName]: pending.map(request) },
            ...CAPACITY,
          }),
      ),
    );
  }

  /** One Query page over a partition, keys only (ProjectionExpression), every entity type. */
  async collectionKeys(
    layout: ItemLayout,
    partition: string,
    startKey: StoredKey | null,
  ): Promise<{ keys: StoredKey[]; lastKey: StoredKey | null }> {
    const { partition: pk, sort: sk } = layout.table;
    try {
      const out = await this.send<QueryCommandOutput>(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ProjectionExpression: '#pk, #sk',
          ExpressionAttributeNames: { '#pk': pk, '#sk': sk! },
          ExpressionAttributeValues: { ':pk': { S: partition } },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: toWire(startKey) } : {}),
          ...CAPACITY,
        }),
      );
      this.consumed('Query', out, 'read');
      return {
        keys: (out.Items ?? []).map(keyFromWire),
        lastKey: out.LastEvaluatedKey ? keyFromWire(out.LastEvaluatedKey) : null,
      };
    } catch (error) {
      throw wrap('Query', error);
    }
  }

  private idOf(layout: ItemLayout): (k: StoredKey | StoredItem) => string {
    const { partition, sort } = layout.table;
    return (k) => `${k[partition]}\u0000${k[sort!]}`;
  }

  /** One request of a batch: no SDK retry (runBatch retries), the engine's leftovers mapped back to ours. */
  private async sendBatch<T extends StoredKey | StoredItem>(
    pending: T[],
    id: (k: StoredKey | StoredItem) => string,
    send: (command: object) => Promise<(StoredKey | StoredItem)[]>,
    build: () => object,
  ): Promise<SendOutcome<T>> {
    const command = build();
    track(command, () => true);
    try {
      const returned = await send(command);
      if (returned.length === 0) return { ok: true, left: [] };
      // What the engine hands back is ours; if it cannot be matched, keep it as it came (never drop one).
      const byId = new Map(pending.map((r) => [id(r), r]));
      return { ok: true, left: returned.map((k) => byId.get(id(k)) ?? (k as T)) };
    } catch (raw) {
      const error = unwrapAttempt(raw);
      return {
        ok: false,
        error,
        retryable: retryableError(error),
        ambiguous: mayHaveApplied(error),
      };
    }
  }

  /**
   * Of the items a failed BatchWriteItem carried (its response lost: written or not?), those stored
   * exactly as this batch wrote them, read back with one consistent BatchGetItem per 100 keys.
   * Items it cannot read back stay unprocessed (writing them again is harmless: a put overwrites).
   */
  private async storedAsWritten(
    layout: ItemLayout,
    report: BatchReport<StoredItem>,
  ): Promise<Set<StoredItem>> {
    const written = new Set<StoredItem>();
    if (report.uncertain.size === 0) return written;
    const id = this.idOf(layout);
    const { partition, sort } = layout.table;
    const mine = new Map([...report.uncertain].map((item) => [id(item), item]));
    const keys = [...mine.values()].map((item) => ({
      [partition]: item[partition],
      [sort!]: item[sort!],
    })) as StoredKey[];
    await runBatch(
      { ...this.retry, budgetMs: Math.min(this.retry.budgetMs, 10_000) },
      keys,
      100,
      (pending) =>
        this.sendBatch(
          pending,
          id,
          async (command) => {
            const out = await this.send<BatchGetItemCommandOutput>(command);
            this.consumed('BatchGetItem', out, 'read');
            for (const stored of fromWireList(out.Responses?.[this.tableName])) {
              const item = mine.get(id(stored));
              if (item && sameValue(stored, item)) written.add(item);
            }
            return (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []).map(keyFromWire);
          },
          () =>
            new BatchGetItemCommand({
              RequestItems: {
                [this.tableName]: { Keys: pending.map(toWire), ConsistentRead: true },
              },
              ...CAPACITY,
            }),
        ),
    );
    return written;
  }

  async transact(writes: readonly { layout: ItemLayout; op: WriteOp }[]): Promise<void> {
    const TransactItems = writes.map(({ layout, op }) => {
      const { command, input } = writeParams(this.tableName, layout, op);
      const member = { ...wireInput(input), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' };
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
      const out = await this.send<TransactWriteItemsCommandOutput>(
        new TransactWriteItemsCommand({ TransactItems, ...CAPACITY } as never),
      );
      this.consumed('TransactWriteItems', out, 'write');
    } catch (error) {
      const name = errorName(error);
      if (ENGINE_ERRORS_WITHOUT_TRANSACTIONS.has(name))
        throw new BackendError(
          'TransactWriteItems',
          'this engine does not support transactions (dynalite has none); use DynamoDB Local or AWS',
          error,
        );
      if (name === 'TransactionCanceledException') {
        this.report('TransactWriteItems', 0, 0);
        const reasons =
          (error as { CancellationReasons?: { Code?: string; Item?: unknown }[] })
            .CancellationReasons ?? [];
        const index = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (index >= 0) throw new ConditionFailed(currentItem(reasons[index]!.Item), index);
        const big = reasons.findIndex((r) => r.Code === 'ValidationError');
        const tooLarge =
          big >= 0 &&
          oversize(writes[big]!.layout, error, (reasons[big] as { Message?: string }).Message);
        if (tooLarge) throw tooLarge;
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
    this.sender = null;
  }
}
