// Shared timing helpers: calibrated rounds, min/median/max, alternating order.

export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, samples };
}

const gc = (globalThis as { gc?: () => void }).gc;
/** A full collection between rounds when node runs with --expose-gc (`npm run bench` does). */
export const collect = (): void => gc?.();
export const hasGc = gc !== undefined;

export const nowUs = (): number => Number(process.hrtime.bigint()) / 1000;

/** Mean µs per call of `n` sequential awaited calls. */
export async function timeCalls(fn: () => Promise<unknown>, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

/**
 * CPU µs (user + system, this process) and wall µs per call of `n` sequential awaited calls. CPU
 * time leaves out the time other processes held the cores, so it is the steadier measure of
 * client-side work on a shared machine.
 */
export async function timeCallsCpu(
  fn: () => Promise<unknown>,
  n: number,
): Promise<{ cpu: number; wall: number }> {
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const wall = Number(process.hrtime.bigint() - w0) / 1000 / n;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / n, wall };
}

/** How many calls fill about `targetMs` (at least `floor`), measured after a short warm-up. */
export async function calibrate(
  fn: () => Promise<unknown>,
  targetMs: number,
  floor = 5,
): Promise<number> {
  let n = 1;
  let us = await timeCalls(fn, n);
  while (us * n < 20_000 && n < 100_000) {
    n *= 2;
    us = await timeCalls(fn, n);
  }
  return Math.max(floor, Math.round((targetMs * 1000) / us));
}

/** Rotates `xs` by `r`: round r starts with a different subject, so no one always runs first. */
export function rotate<T>(xs: readonly T[], r: number): T[] {
  const k = r % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

export const fmt = (n: number, digits = 0): string =>
  n >= 100 || digits === 0 ? n.toFixed(digits === 0 ? 0 : Math.min(digits, 1)) : n.toFixed(digits);
