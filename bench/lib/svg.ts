// A small hand-written SVG chart: grouped horizontal bars on a log scale, one reference line.

export interface Bar {
  readonly series: string;
  readonly value: number;
}
export interface Group {
  readonly label: string;
  readonly bars: readonly Bar[];
}
export interface ChartOptions {
  readonly title: string;
  readonly subtitle: string;
  /** A second line under the subtitle, e.g. the machine the result was taken on. */
  readonly note?: string;
  readonly groups: readonly Group[];
  readonly series: readonly string[];
  /** Drawn as a dashed line, e.g. 1 for "same as the baseline". */
  readonly reference: number;
  readonly unit: string;
}

const PALETTE = ['#2563eb', '#6b7280', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function barChart(o: ChartOptions): string {
  const barH = 13;
  const gap = 10;
  const left = 130;
  const plotW = 560;
  const top = o.note ? 74 : 58;
  const values = o.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
  const lo = 2 ** Math.floor(Math.log2(Math.min(0.5, ...values)));
  const hi = 2 ** Math.ceil(Math.log2(Math.max(2, ...values)));
  const x = (v: number) =>
    left + ((Math.log2(v) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo))) * plotW;
  const groupH = o.series.length * barH + gap;
  const height = top + o.groups.length * groupH + 40 + Math.ceil(o.series.length / 4) * 18;
  const width = left + plotW + 90;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="600">${esc(o.title)}</text>`,
    `<text x="10" y="38" fill="#555">${esc(o.subtitle)}</text>`,
  ];
  if (o.note) out.push(`<text x="10" y="54" fill="#555">${esc(o.note)}</text>`);
  const bottom = top + o.groups.length * groupH;
  for (let t = lo; t <= hi; t *= 2) {
    out.push(
      `<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${bottom}" stroke="#e5e7eb"/>`,
      `<text x="${x(t)}" y="${bottom + 14}" text-anchor="middle" fill="#555">${t}${o.unit}</text>`,
    );
  }
  o.groups.forEach((g, gi) => {
    const y0 = top + gi * groupH;
    out.push(
      `<text x="${left - 8}" y="${y0 + (o.series.length * barH) / 2 + 4}" text-anchor="end" font-weight="600">${esc(g.label)}</text>`,
    );
    o.series.forEach((s, si) => {
      const bar = g.bars.find((b) => b.series === s);
      if (!bar || !(bar.value > 0)) return;
      const y = y0 + si * barH;
      const w = Math.max(1, x(bar.value) - left);
      out.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(s)}: ${bar.value.toFixed(2)}${o.unit}</title></rect>`,
        `<text x="${left + w + 4}" y="${y + barH - 3}" fill="#333">${bar.value >= 10 ? bar.value.toFixed(1) : bar.value.toFixed(2)}</text>`,
      );
    });
  });
  out.push(
    `<line x1="${x(o.reference)}" y1="${top - 8}" x2="${x(o.reference)}" y2="${bottom}" stroke="#111" stroke-dasharray="4 3"/>`,
  );
  o.series.forEach((s, si) => {
    const lx = 10 + (si % 4) * 175;
    const ly = bottom + 32 + Math.floor(si / 4) * 18;
    out.push(
      `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${PALETTE[si % PALETTE.length]}"/>`,
      `<text x="${lx + 14}" y="${ly}">${esc(s)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
