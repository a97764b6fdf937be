// Summarises a .cpuprofile: self time and inclusive time per function (file:function), top N.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(path: string, top = 25, filter?: RegExp): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Percentages of the busy samples: (idle) is time the thread waited (I/O, or other processes).
  const idleIds = new Set(
    p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  const total = p.samples.filter((id) => !idleIds.has(id)).length;
  const name = (n: Node) => {
    const url = n.callFrame.url
      .replace(/^file:\/\/\/work\/main\//, '')
      .replace(/^.*node_modules\//, '~/');
    return `${url || '(native)'}:${n.callFrame.functionName || '(anonymous)'}:${n.callFrame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const counts = new Map<number, number>();
  for (const s of p.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  for (const [id, c] of counts) {
    if (idleIds.has(id)) continue;
    const n = byId.get(id)!;
    self.set(name(n), (self.get(name(n)) ?? 0) + c);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + c);
    }
  }
  const pct = (x: number) => `${((x / total) * 100).toFixed(1)}%`;
  const rows = (m: Map<string, number>) =>
    [...m]
      .filter(([k]) => !filter || filter.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${pct(v).padStart(6)}  ${k}`)
      .join('\n');
  const own = [...self].filter(([k]) => !filter || filter.test(k)).reduce((a, [, v]) => a + v, 0);
  return `busy samples ${total}; self time in the filtered files: ${pct(own)}\n-- self --\n${rows(self)}\n-- inclusive --\n${rows(incl)}`;
}

// node --import tsx bench/lib/profile-summary.ts <profile> [top] [regexp on file:function]
if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, top, filter] = process.argv.slice(2);
  console.log(summarise(path!, Number(top ?? 25), filter ? new RegExp(filter) : undefined));
}
