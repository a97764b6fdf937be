import type { DynamoDBBackend } from '../../src/orm/index.js';

/** Probabilities per attempt (each HTTP request the SDK sends, retries included). */
export interface FaultMix {
  /** Share of a BatchWriteItem's items / BatchGetItem's keys held back and answered as unprocessed. */
  readonly unprocessed?: number;
  /** Share of requests refused with ProvisionedThroughputExceededException (nothing applied). */
  readonly throttle?: number;
  /** Share of requests whose connection resets: half before the engine sees them, half after it applied them. */
  readonly reset?: number;
  /** Of the resets, the share that happens after the engine applied the request. @default 0.5 */
  readonly resetAfter?: number;
  /** Share of write requests (PutItem, UpdateItem, DeleteItem) the engine applies, then the response is lost. */
  readonly lostResponse?: number;
  /** Only these commands get faults (e.g. 'DeleteItemCommand'); default: all. */
  readonly commands?: readonly string[];
  readonly seed?: number;
}

export interface FaultLog {
  /** Every attempt, with the time it was sent (performance.now()). */
  readonly requests: { command: string; at: number }[];
  readonly injected: Record<
    'unprocessed' | 'throttle' | 'resetBefore' | 'resetAfter' | 'lostResponse',
    number
  >;
  /** Turns faults off (requests are still logged). */
  enabled: boolean;
  count(command: string, since?: number): number;
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

function throttled(): Error {
  return Object.assign(new Error('The level of configured provisioned throughput was exceeded'), {
    name: 'ProvisionedThroughputExceededException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

function reset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

type HttpRequestLike = { body?: unknown; headers: Record<string, string> };

/**
 * Faults as the network and a throttling engine produce them, injected by SDK middleware inside the
 * SDK's retry loop (step deserialize, before the response is parsed): every attempt can fail.
 */
export function injectFaults(backend: DynamoDBBackend, mix: FaultMix): FaultLog {
  const random = rng(mix.seed ?? 1);
  const table = backend.tableName;
  const log: FaultLog = {
    requests: [],
    injected: { unprocessed: 0, throttle: 0, resetBefore: 0, resetAfter: 0, lostResponse: 0 },
    enabled: true,
    count(command, since = 0) {
      return this.requests.filter((r) => r.command === command && r.at > since).length;
    },
  };
  backend.client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      log.requests.push({ command, at: performance.now() });
      if (!log.enabled || (mix.commands && !mix.commands.includes(command))) return next(args);
      if (random() < (mix.throttle ?? 0)) {
        log.injected.throttle++;
        throw throttled();
      }
      const resetRoll = random() < (mix.reset ?? 0);
      const resetAfter = resetRoll && random() < (mix.resetAfter ?? 0.5);
      if (resetRoll && !resetAfter) {
        log.injected.resetBefore++;
        throw reset();
      }
      const lost = WRITES.has(command) && random() < (mix.lostResponse ?? 0);
      const held: unknown[] = [];
      const isBatch = command === 'BatchWriteItemCommand' || command === 'BatchGetItemCommand';
      if (isBatch && (mix.unprocessed ?? 0) > 0) {
        const request = args.request as HttpRequestLike;
        const raw = request.body as string | Uint8Array;
        const body = JSON.parse(
          typeof raw === 'string'
            ? raw
            : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'),
        ) as {
          RequestItems: Record<string, unknown>;
        };
        const all = (
          command === 'BatchGetItemCommand'
            ? (body.RequestItems[table] as { Keys: unknown[] }).Keys
            : body.RequestItems[table]
        ) as unknown[];
        const kept: unknown[] = [];
        for (const r of all) (random() < mix.unprocessed! ? held : kept).push(r);
        if (kept.length === 0) kept.push(held.pop()!);
        log.injected.unprocessed += held.length;
        if (command === 'BatchGetItemCommand')
          (body.RequestItems[table] as { Keys: unknown[] }).Keys = kept;
        else body.RequestItems[table] = kept;
        request.body = JSON.stringify(body);
        request.headers['content-length'] = String(Buffer.byteLength(request.body as string));
      }
      const out = await next(args);
      if (resetAfter) {
        log.injected.resetAfter++;
        throw reset();
      }
      if (lost) {
        log.injected.lostResponse++;
        throw reset();
      }
      if (held.length > 0) {
        // The backend sends low-level commands: the held requests go back as the wire had them.
        const output = out.output as unknown as Record<string, Record<string, unknown> | undefined>;
        if (command === 'BatchGetItemCommand') {
          const previous = (output.UnprocessedKeys?.[table] as { Keys: unknown[] } | undefined)
            ?.Keys;
          output.UnprocessedKeys = { [table]: { Keys: [...(previous ?? []), ...held] } };
        } else {
          const previous = output.UnprocessedItems?.[table] as unknown[] | undefined;
          output.UnprocessedItems = { [table]: [...(previous ?? []), ...held] };
        }
      }
      return out;
    },
    { step: 'deserialize', priority: 'high', name: 'tablegraphFaults' },
  );
  return log;
}
