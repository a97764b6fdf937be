// The ORM family: `node --expose-gc --import tsx bench/orm/main.ts [--full]`. Quick mode is one
// process run; full mode is the median of 3 process runs (each its own JIT and heap), per cell.
// BENCH_ROUNDS and BENCH_ROUND_MS override the mode; BENCH_ONLY=tablegraph,electrodb narrows it;
// BENCH_PROCESS_RUNS sets the number of process runs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { pick } = await import('../lib/mode.js');
const { stats } = await import('../lib/timing.js');
const { runOrmBench, ormMarkdown, writeOrm } = await import('./bench.js');
type OrmResult = Awaited<ReturnType<typeof runOrmBench>>;

const options = {
  rounds: Number(process.env.BENCH_ROUNDS ?? pick(15, 41)),
  roundMs: Number(process.env.BENCH_ROUND_MS ?? pick(20, 60)),
  only: process.env.BENCH_ONLY?.split(','),
};
const runs = Number(process.env.BENCH_PROCESS_RUNS ?? pick(1, 3));

if (process.env.BENCH_ORM_OUT) {
  // A child run: measure and hand the result back.
  writeFileSync(process.env.BENCH_ORM_OUT, JSON.stringify(await runOrmBench(options)));
} else {
  let result: OrmResult;
  if (runs <= 1) result = await runOrmBench(options);
  else {
    const dir = mkdtempSync(join(tmpdir(), 'bench-orm-'));
    const results: OrmResult[] = [];
    for (let i = 0; i < runs; i++) {
      const out = join(dir, `run-${i}.json`);
      console.log(`orm: process run ${i + 1} of ${runs}`);
      const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!], {
        stdio: 'inherit',
        env: { ...process.env, BENCH_ORM_OUT: out },
      });
      if (child.status !== 0) process.exit(child.status ?? 1);
      results.push(JSON.parse(readFileSync(out, 'utf8')) as OrmResult);
    }
    // Per cell: the median of the runs' ratios; min/median/max over every run's rounds.
    const first = results[0]!;
    result = {
      ...first,
      options: { ...first.options, processRuns: runs },
      cells: first.cells.map((c) => {
        const same = results.map(
          (r) => r.cells.find((x) => x.op === c.op && x.subject === c.subject)!,
        );
        return {
          ...c,
          us: stats(same.flatMap((x) => x.us.samples)),
          wallUs: stats(same.flatMap((x) => x.wallUs.samples)),
          ratio: stats(same.map((x) => x.ratio)).median,
          ratioMin: stats(same.map((x) => x.ratioMin)).median,
        };
      }),
    };
  }
  console.log(`\n${ormMarkdown(result)}`);
  if (!process.env.BENCH_NO_WRITE) writeOrm(result);
}
