// The ORM family alone: `node --expose-gc --import tsx bench/orm/main.ts [--full]`.
// BENCH_ROUNDS and BENCH_ROUND_MS override the mode; BENCH_ONLY=tablegraph,electrodb narrows it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { pick } = await import('../lib/mode.js');
const { runOrmBench, ormMarkdown, writeOrm } = await import('./bench.js');
const result = await runOrmBench({
  rounds: Number(process.env.BENCH_ROUNDS ?? pick(15, 41)),
  roundMs: Number(process.env.BENCH_ROUND_MS ?? pick(20, 60)),
  only: process.env.BENCH_ONLY?.split(','),
});
console.log(`\n${ormMarkdown(result)}`);
if (!process.env.BENCH_NO_WRITE) writeOrm(result);
