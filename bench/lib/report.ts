import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function writeResult(name: string, content: string | object): string {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, name);
  writeFileSync(
    path,
    typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
  );
  return path;
}

/** A GitHub-flavoured markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export const ratio = (x: number): string =>
  !Number.isFinite(x) ? 'n/a' : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
