// Puts each family's latest result into the README, between `<!-- bench:<family> -->` and
// `<!-- /bench:<family> -->`: the family's first table and the machine it was taken on, so the
// README shows what the last `npm run bench` measured, never a hand-copied figure.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeMachine, type Machine } from './machine.js';
import { RESULTS } from './report.js';

const README = join(RESULTS, '..', '..', 'README.md');

/** The first markdown table of a result file. */
export function firstTable(markdown: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  if (start < 0) return '';
  let end = start;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  return lines.slice(start, end).join('\n');
}

/** Replaces the marked section of `readme` for `family`; unchanged when the markers are absent. */
export function splice(readme: string, family: string, body: string): string {
  const open = `<!-- bench:${family} -->`;
  const close = `<!-- /bench:${family} -->`;
  const a = readme.indexOf(open);
  const b = readme.indexOf(close);
  if (a < 0 || b < a) return readme;
  return `${readme.slice(0, a + open.length)}\n${body}\n${readme.slice(b)}`;
}

/** Refreshes the README sections of the families that have results; returns those refreshed. */
export function refreshReadme(families: readonly string[]): string[] {
  if (!existsSync(README)) return [];
  let readme = readFileSync(README, 'utf8');
  const done: string[] = [];
  for (const family of families) {
    const md = join(RESULTS, `${family}.md`);
    const json = join(RESULTS, `${family}.json`);
    if (!existsSync(md) || !existsSync(json)) continue;
    const table = firstTable(readFileSync(md, 'utf8'));
    const { machine } = JSON.parse(readFileSync(json, 'utf8')) as { machine: Machine };
    const next = splice(readme, family, `${table}\n\nTaken on ${describeMachine(machine)}.`);
    if (next !== readme) done.push(family);
    readme = next;
  }
  writeFileSync(README, readme);
  return done;
}
