import { BackendError } from '../../errors.js';

export interface RetryPolicy {
  /**
   * Attempts per chunk, the first included. @default 16 (under 30% unprocessed and 20% throttled
   * requests, 8 attempts left some chunk unfinished in every 10,000-item batch; 16 finished them in
   * 31-37 s on dynalite). `budgetMs` bounds the whole call.
   */
  readonly maxAttempts: number;
  /** First backoff, in ms; doubles each retry. @default 25 */
  readonly baseDelayMs: number;
  /** Cap on one backoff, in ms. @default 2000 */
  readonly maxDelayMs: number;
  /** Chunks in flight at once. @default 4 */
  readonly concurrency: number;
  /** Time budget of one batch call, in ms: no attempt starts after it. @default 60000 */
  readonly budgetMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 16,
  baseDelayMs: 25,
  maxDelayMs: 2000,
  concurrency: 4,
  budgetMs: 60_000,
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

/**
 * What one request of a batch did. `left` are the requests the engine answered as unprocessed; on
 * `error`, none of the request was acknowledged and `ambiguous` tells whether it may still have been
 * applied (the connection failed after sending, or a 5xx) or surely was not (throttling, 4xx).
 */
export type SendOutcome<T> =
  | { readonly ok: true; readonly left: T[] }
  | {
      readonly ok: false;
      readonly error: unknown;
      readonly retryable: boolean;
      readonly ambiguous: boolean;
    };

export interface BatchReport<T> {
  /** Requests the engine never acknowledged, in the order they were given. */
  readonly unprocessed: T[];
  /** Of those, the ones a failed request carried that may have been applied anyway. */
  readonly uncertain: Set<T>;
  /** The first error that ended the batch (null: every request was processed). */
  readonly failure: { readonly message: string; readonly cause: unknown } | null;
  /** Requests sent (attempts), for the record. */
  readonly requests: number;
}

/**
 * Runs a batch of requests in chunks, `concurrency` chunks at once, resending what the engine left
 * unprocessed and what failed retryably (throttling, resets), with capped full-jitter backoff, up to
 * `maxAttempts` per chunk and `budgetMs` for the whole call.
 *
 * A batch that fails stops: once one chunk gives up, no chunk starts and no retry is sent; requests
 * already in flight finish and are accounted for. The report then lists exactly what was never
 * acknowledged, in input order, so the caller knows what to retry. It never throws.
 */
export async function runBatch<T>(
  policy: RetryPolicy,
  requests: readonly T[],
  size: number,
  send: (batch: T[]) => Promise<SendOutcome<T>>,
): Promise<BatchReport<T>> {
  const deadline = Date.now() + policy.budgetMs;
  const left = new Set<T>();
  const uncertain = new Set<T>();
  let failure: BatchReport<T>['failure'] = null;
  let sent = 0;
  // A chunk waiting out a backoff wakes up as soon as another one fails, so the call rejects then.
  let wake = () => {};
  const failed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const fail = (message: string, cause: unknown) => {
    failure ??= { message, cause };
    wake();
  };
  const backoff = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
      failed,
    ]);
    clearTimeout(timer);
  };
  const runChunk = async (pending: T[]) => {
    // The last failed request of this chunk, if its last attempt failed (else the engine's leftovers).
    let last: unknown;
    const why = (after: string) =>
      last === undefined
        ? `unprocessed ${after} (throttled)`
        : `failing ${after} (last: ${describeError(last)})`;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (failure) break;
      if (attempt >= policy.maxAttempts) {
        fail(
          `${pending.length} request(s) still ${why(`after ${policy.maxAttempts} attempts`)}`,
          last,
        );
        break;
      }
      if (attempt > 0) {
        const delay = backoffDelay(policy, attempt - 1);
        if (Date.now() + delay > deadline) {
          fail(
            `${pending.length} request(s) still ${why(`when the ${policy.budgetMs} ms budget ran out`)}`,
            last,
          );
          break;
        }
        await backoff(delay);
        if (failure) break;
      }
      sent++;
      const outcome = await send(pending);
      if (outcome.ok) {
        pending = outcome.left;
        last = undefined;
        continue;
      }
      last = outcome.error;
      if (outcome.ambiguous) for (const r of pending) uncertain.add(r);
      if (!outcome.retryable) {
        fail(describeError(outcome.error), outcome.error);
        break;
      }
    }
    for (const r of pending) left.add(r);
  };
  const chunks = chunk(requests, size);
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const c = chunks[next++]!;
      if (failure) for (const r of c) left.add(r);
      else await runChunk(c);
    }
  };
  await Promise.all(Array.from({ length: Math.min(policy.concurrency, chunks.length) }, worker));
  return {
    // The common outcome (all processed) builds no list per request.
    unprocessed: left.size === 0 ? [] : requests.filter((r) => left.has(r)),
    uncertain: left.size === 0 ? new Set() : new Set([...uncertain].filter((r) => left.has(r))),
    failure:
      left.size > 0
        ? (failure ?? { message: 'requests left unprocessed', cause: undefined })
        : null,
    requests: sent,
  };
}

function describeError(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string } | null;
  return `${e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error')}: ${e?.message ?? String(error)}`;
}

/** A BackendError for a batch that did not complete: what was not processed, and what was. */
export function batchError(
  operation: string,
  report: BatchReport<unknown>,
  unprocessed: unknown[],
  processed: unknown[],
): BackendError {
  const f = report.failure!;
  return new BackendError(
    operation,
    `${f.message}; ${unprocessed.length} not processed, ${processed.length} processed (listed in unprocessed / processed; retry the unprocessed ones)`,
    f.cause,
    unprocessed,
    processed,
  );
}
