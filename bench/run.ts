// `npm run bench`: every benchmark family, each in its own process (so one family's heap and JIT
// state never colours another's). Quick mode by default (under 3 minutes on a 2-core machine);
// `npm run bench -- --full` for more rounds and the full scale sizes; `-- --only=orm,server`.
// Results: bench/results/<family>.{json,md} (+ orm.svg), and bench/results/summary.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeMachine, machine } from './lib/machine.js';
import { mode } from './lib/mode.js';
import { refreshReadme } from './lib/readme.js';
import { RESULTS, writeResult } from './lib/report.js';

const FAMILIES = ['orm', 'server', 'requests', 'scale', 'projection'] as const;
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const families = FAMILIES.filter((f) => !only || only.includes(f));

const started = Date.now();
const failed: string[] = [];
for (const family of families) {
  const t0 = Date.now();
  console.log(`\n== ${family} (${mode}) ==`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, family, 'main.ts')],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        BENCH_MODE: mode,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
  if (run.status !== 0) failed.push(family);
  console.log(`== ${family}: ${((Date.now() - t0) / 1000).toFixed(0)} s ==`);
}

// The summary holds the latest result of every family (a partial run refreshes only its own).
const sections = FAMILIES.map((f) => join(RESULTS, `${f}.md`))
  .filter((p) => existsSync(p))
  .map((p) => readFileSync(p, 'utf8').trim());
writeResult(
  'summary.md',
  `# Benchmarks: the latest result of each family (this run: ${mode}; ${describeMachine(machine())})\n\n${sections.join('\n\n')}\n`,
);
const shown = refreshReadme(FAMILIES);
if (shown.length) console.log(`bench: README tables refreshed (${shown.join(', ')})`);
console.log(
  `\nbench: ${families.length - failed.length} families done in ${((Date.now() - started) / 1000).toFixed(0)} s${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}; results in bench/results/`,
);
if (failed.length) process.exit(1);
