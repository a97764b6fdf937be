// Quick (the `npm run bench` default, under 3 minutes in all) or full (`npm run bench -- --full`).
export type Mode = 'quick' | 'full';
export const mode: Mode =
  process.env.BENCH_MODE === 'full' || process.argv.includes('--full') ? 'full' : 'quick';
export const pick = <T>(quick: T, full: T): T => (mode === 'full' ? full : quick);
