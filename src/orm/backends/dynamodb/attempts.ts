// Per-request attempt tracking, the single-operation retry policy, and the item comparisons a retried
// write uses to recognise its own earlier success. No AWS SDK import: the SDK's objects are typed
// structurally here, so this file stays valid across SDK versions.

/** The retry policy of single operations (GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, ...). */
export interface OperationRetryPolicy {
  /** Attempts per operation, the first included. @default 8 */
  readonly attempts: number;
  /** Time budget of one operation, in ms, backoff included: no retry starts that would end after it. @default 15000 */
  readonly budgetMs: number;
  /** First backoff, in ms; doubles each retry, full jitter. @default 50 */
  readonly baseDelayMs: number;
  /** Cap on one backoff, in ms. @default 5000 */
  readonly maxDelayMs: number;
  /**
   * 'adaptive' (the SDK's retryMode 'adaptive'): its client-side rate limiter slows every request of
   * the client down while the engine throttles, and speeds up again as requests succeed. 'standard'
   * only backs off the retried request.
   * @default 'adaptive'
   */
  readonly mode: 'adaptive' | 'standard';
}

export const defaultOperationRetryPolicy: OperationRetryPolicy = {
  attempts: 8,
  budgetMs: 15_000,
  baseDelayMs: 50,
  maxDelayMs: 5000,
  mode: 'adaptive',
};

/** What an attempt that failed tells about the engine's state. */
export function mayHaveApplied(error: unknown): boolean {
  const e = error as { $metadata?: { httpStatusCode?: number }; code?: string } | null;
  const status = e?.$metadata?.httpStatusCode;
  // The engine answered: 4xx (throttling, validation, condition) applied nothing; 5xx may have.
  if (typeof status === 'number') return status >= 500;
  // No connection was made: nothing was sent.
  if (e?.code && NEVER_SENT.has(e.code)) return false;
  // The connection failed after the request may have been sent (reset, timeout, abort).
  return true;
}
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'Throttling',
]);

/** Worth sending again: throttled, a 5xx, or the connection failed (never a 4xx the engine meant). */
export function retryableError(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  if (e?.name === 'AbortError') return false;
  if (e?.name && THROTTLING.has(e.name)) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status === 429 || status >= 500;
  return true;
}

/**
 * Thrown in place of an attempt's error to stop the SDK from retrying it (the SDK only retries
 * errors it classifies as throttling or transient; this one has no name, code, status or cause it
 * knows). The backend then decides itself, with `original` and `ambiguous`.
 */
export class AttemptFailed extends Error {
  override readonly name = 'TablegraphAttemptFailed';
  constructor(
    readonly original: unknown,
    readonly ambiguous: boolean,
  ) {
    super((original as Error | null)?.message ?? String(original));
  }
}

export const unwrapAttempt = (error: unknown): unknown =>
  error instanceof AttemptFailed ? error.original : error;

/** What the attempts of one call did, filled in by the middleware `track` adds to its command. */
export interface AttemptLog {
  attempts: number;
  /** An earlier attempt failed in a way that may have applied it (the response was lost). */
  maybeApplied: boolean;
}

type Handler = (args: unknown) => Promise<unknown>;
interface MiddlewareStackLike {
  add(
    middleware: (next: Handler, context: Record<string, unknown>) => Handler,
    options: { step: 'finalizeRequest'; priority: 'low'; name: string; override: true },
  ): void;
}

/**
 * The calls being tracked, by their command's input object: the middleware sees it as `args.input`
 * on every attempt, while the context's command instance is shared when handlers are cached.
 */
const tracked = new WeakMap<object, { log: AttemptLog; stop: (ambiguous: boolean) => boolean }>();

/**
 * Installs, once per client, a middleware inside the SDK's retry loop that counts the attempts of
 * tracked commands and notes whether one failed after the engine may have applied it. One client
 * middleware and a WeakMap look-up per attempt: cheaper than a middleware per command (each command
 * stack is cloned and sorted on every send).
 */
export function installAttemptTracker(client: { readonly middlewareStack: object }): void {
  (client.middlewareStack as MiddlewareStackLike).add(
    (next) => async (args) => {
      const input = (args as { input?: object } | null)?.input;
      const entry = input && tracked.get(input);
      if (!entry) return next(args);
      entry.log.attempts++;
      try {
        return await next(args);
      } catch (error) {
        const ambiguous = mayHaveApplied(error);
        if (ambiguous) entry.log.maybeApplied = true;
        if (entry.stop(ambiguous)) throw new AttemptFailed(error, ambiguous);
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'tablegraphAttempts', override: true },
  );
}

/**
 * Tracks the attempts of one command (sent by a client with the tracker installed). `stop` decides
 * which failed attempts the SDK must not retry: they are rethrown as AttemptFailed.
 */
export function track(
  command: object,
  stop: (ambiguous: boolean) => boolean = () => false,
): AttemptLog {
  const log: AttemptLog = { attempts: 0, maybeApplied: false };
  tracked.set((command as { input: object }).input, { log, stop });
  return log;
}

/** The SDK's retry strategy interface (v2), structurally. */
export interface RetryStrategyLike {
  readonly mode?: string;
  acquireInitialRetryToken(scope: string): Promise<object>;
  refreshRetryTokenForRetry(token: object, errorInfo: { errorType?: string }): Promise<object>;
  recordSuccess(token: object): void;
}

/** The SDK's adaptive rate limiter (the one its 'adaptive' retry strategy holds), structurally. */
export interface RateLimiterLike {
  getSendToken(): Promise<void>;
  updateClientSendingRate(response: unknown): void;
}

class RetryToken {
  constructor(
    readonly started: number,
    readonly count: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  /** The strategy has already waited when it hands out a token. */
  getRetryDelay(): number {
    return 0;
  }
}

/**
 * The retry strategy the backend gives its SDK client: the SDK's classification (it retries what
 * the SDK calls THROTTLING or TRANSIENT: throttling, 5xx, resets, timeouts), `attempts` attempts,
 * full-jitter backoff, a time budget per operation, and in adaptive mode the SDK's own rate limiter.
 */
export function operationStrategy(
  policy: OperationRetryPolicy,
  limiter: RateLimiterLike | undefined,
): RetryStrategyLike {
  return {
    mode: policy.mode,
    async acquireInitialRetryToken() {
      await limiter?.getSendToken();
      return new RetryToken(Date.now(), 0);
    },
    async refreshRetryTokenForRetry(token, errorInfo) {
      limiter?.updateClientSendingRate(errorInfo);
      const t = token as RetryToken;
      if (errorInfo.errorType !== 'THROTTLING' && errorInfo.errorType !== 'TRANSIENT')
        throw new Error('not retryable');
      if (t.count + 1 >= policy.attempts) throw new Error('out of attempts');
      const delay = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** t.count);
      if (Date.now() + delay > t.started + policy.budgetMs) throw new Error('retry budget spent');
      await new Promise((resolve) => setTimeout(resolve, delay));
      await limiter?.getSendToken();
      return new RetryToken(t.started, t.count + 1);
    },
    recordSuccess() {
      limiter?.updateClientSendingRate({});
    },
  };
}

// ---- recognising an earlier success ---------------------------------------------------------------

/** Deep equality of attribute values as the document client reads them back (Sets, lists, maps, binary). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    const rest = [...b];
    return [...a].every((x) => {
      const i = rest.findIndex((y) => sameValue(x, y));
      return i >= 0 && rest.splice(i, 1).length === 1;
    });
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!(ArrayBuffer.isView(a) && ArrayBuffer.isView(b))) return false;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    );
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  const ka = definedKeys(a as Record<string, unknown>);
  const kb = definedKeys(b as Record<string, unknown>);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

const definedKeys = (o: Record<string, unknown>) =>
  Object.keys(o).filter((k) => o[k] !== undefined);

/** The stored item carries every attribute this update sets, none it removes, and those it sets if missing. */
export function carriesUpdate(
  current: Record<string, unknown> | null,
  op: {
    readonly set: Record<string, unknown>;
    readonly remove: readonly string[];
    readonly setIfMissing: Record<string, unknown>;
    readonly increment: string | null;
  },
): boolean {
  if (!current) return false;
  for (const [attr, value] of Object.entries(op.set))
    if (value !== undefined && !sameValue(current[attr], value)) return false;
  for (const attr of op.remove) if (current[attr] !== undefined) return false;
  for (const attr of Object.keys(op.setIfMissing)) if (current[attr] === undefined) return false;
  return op.increment === null || typeof current[op.increment] === 'number';
}
