import { BackendError } from '../../errors.js';

export interface RetryPolicy {
  /** Attempts per chunk, the first included. @default 8 */
  readonly maxAttempts: number;
  /** First backoff, in ms; doubles each retry. @default 25 */
  readonly baseDelayMs: number;
  /** Cap on one backoff, in ms. @default 2000 */
  readonly maxDelayMs: number;
  /** Chunks in flight at once. @default 4 */
  readonly concurrency: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 25,
  maxDelayMs: 2000,
  concurrency: 4,
};

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** "Full jitter" exponential backoff: a random delay in [0, min(cap, base * 2^attempt)]. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over the items with at most `concurrency` in flight, keeping result order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * Sends one chunk, then resends whatever the engine left unprocessed, with backoff, until nothing is
 * left or the attempts run out; then throws a BackendError listing exactly what was not processed.
 */
export async function sendWithRetry<T>(
  operation: string,
  policy: RetryPolicy,
  pending: T[],
  send: (batch: T[]) => Promise<T[]>,
): Promise<void> {
  let left = pending;
  for (let attempt = 0; left.length > 0; attempt++) {
    if (attempt >= policy.maxAttempts)
      throw new BackendError(
        operation,
        `${left.length} request(s) still unprocessed after ${policy.maxAttempts} attempts (throttled)`,
        undefined,
        left,
      );
    if (attempt > 0) await sleep(backoffDelay(policy, attempt - 1));
    left = await send(left);
  }
}
