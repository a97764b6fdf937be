import { describe, expect, it } from 'vitest';
import { SortedChunks } from '../../src/orm/backends/memory/sorted.js';
import {
  field,
  gsiPartitionKey,
  gsiSortKey,
  InMemoryBackend,
  Model,
  partitionKey,
  sortKey,
} from '../../src/orm/index.js';
import { compareText } from '../../src/orm/query/order.js';

// The in-memory engine's ordered indexes past one chunk (512): random insert order, deletes, GSI keys
// that move, pages both ways, and a cursor whose item was deleted. Deterministic (seeded shuffle).

function shuffled<T>(xs: readonly T[], seed = 7): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('SortedChunks', () => {
  it('keeps 5,000 shuffled values in order through inserts, replacements and deletes', () => {
    const values = Array.from({ length: 5000 }, (_, i) => `k${String(i).padStart(5, '0')}`);
    const list = new SortedChunks<string>(compareText);
    expect(shuffled(values).filter((v) => list.upsert(v) !== undefined)).toEqual([]);
    expect(list.upsert('k00042')).toBe('k00042');
    const gone = new Set(shuffled(values, 11).slice(0, 1500));
    expect([...gone].filter((v) => list.delete(v) !== v)).toEqual([]);
    expect(list.delete('k00000x')).toBeUndefined();
    const kept = values.filter((v) => !gone.has(v));
    expect(list.size).toBe(kept.length);
    expect([...list.forward()]).toEqual(kept);
    expect([...list.backward()]).toEqual([...kept].reverse());
    const at = list.seek((v) => compareText(v, 'k02500') < 0);
    expect([...list.forward(at)]).toEqual(kept.filter((v) => v >= 'k02500'));
    expect([...list.backward(at)]).toEqual(kept.filter((v) => v < 'k02500').reverse());
  });
});

describe('in-memory backend: ordered partitions and GSIs', () => {
  const backend = new InMemoryBackend();
  class Reading extends Model('Reading', {
    sensor: field.string(),
    at: field.string(),
    zone: field.string({ optional: true }),
  }) {
    static meta = { backend };
    @partitionKey pk() {
      return `SENSOR#${this.sensor}`;
    }
    @sortKey sk() {
      return `AT#${this.at}`;
    }
    @gsiPartitionKey('ByZone') zonePk() {
      return this.zone ? `ZONE#${this.zone}` : null;
    }
    @gsiSortKey('ByZone') zoneSk() {
      return `AT#${this.at}`;
    }
  }

  const ats = Array.from({ length: 1500 }, (_, i) => String(i).padStart(4, '0'));

  async function walk(q: ReturnType<typeof Reading.where>, size: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Reading[]; cursor: string | null } = await q
        .limit(size)
        .cursor(cursor)
        .paginate();
      seen.push(...page.items.map((r) => `${r.sensor}/${r.at}`));
      cursor = page.cursor;
    } while (cursor);
    return seen;
  }

  it('pages a partition of 1,500 written in random order, both ways and within a key range', async () => {
    backend.clear();
    for (const at of shuffled(ats))
      await Reading.create({ sensor: 's1', at, zone: Number(at) % 2 ? 'odd' : 'even' });
    await Reading.batchCreate(ats.slice(0, 300).map((at) => ({ sensor: 's0', at })));
    const deleted = new Set(shuffled(ats, 3).slice(0, 200));
    for (const at of deleted) await (await Reading.get({ sensor: 's1', at }))!.delete();
    const kept = ats.filter((at) => !deleted.has(at)).map((at) => `s1/${at}`);

    expect(await walk(Reading.where({ sensor: 's1' }), 97)).toEqual(kept);
    expect(await walk(Reading.where({ sensor: 's1' }).reverse(), 89)).toEqual([...kept].reverse());
    const range = Reading.where({ sensor: 's1', at: { between: ['0500', '0999'] } });
    const inRange = kept.filter((k) => k >= 's1/0500' && k <= 's1/0999');
    expect(await walk(range, 50)).toEqual(inRange);
    expect(await walk(range.reverse(), 64)).toEqual([...inRange].reverse());
    expect(await walk(Reading.where({ sensor: 's1', at: { beginsWith: '12' } }), 7)).toEqual(
      kept.filter((k) => k.startsWith('s1/12')),
    );
    // A Scan walks partitions in key order (SENSOR#s0 before SENSOR#s1).
    expect(await walk(Reading.where(), 250)).toEqual([
      ...ats.slice(0, 300).map((at) => `s0/${at}`),
      ...kept,
    ]);
  });

  it('keeps a GSI in step with writes and resumes after a cursor whose item was deleted', async () => {
    backend.clear();
    await Reading.batchCreate(ats.map((at) => ({ sensor: 's1', at, zone: 'a' })));
    const odd = ats.filter((at) => Number(at) % 2 === 1);
    expect(await walk(Reading.where({ zone: 'a' }), 100)).toHaveLength(1500);
    for (const at of odd.slice(0, 400)) {
      const r = (await Reading.get({ sensor: 's1', at }))!;
      r.zone = 'b';
      await r.save();
    }
    const inA = ats.filter((at) => !odd.slice(0, 400).includes(at)).map((at) => `s1/${at}`);
    expect(await walk(Reading.where({ zone: 'a' }), 100)).toEqual(inA);
    expect(await walk(Reading.where({ zone: 'b' }).reverse(), 33)).toEqual(
      odd
        .slice(0, 400)
        .map((at) => `s1/${at}`)
        .reverse(),
    );

    const first = await Reading.where({ zone: 'a' }).limit(10).paginate();
    await first.items.at(-1)!.delete();
    const next = await Reading.where({ zone: 'a' }).limit(3).cursor(first.cursor).paginate();
    expect(next.items.map((r) => `s1/${r.at}`)).toEqual(inA.slice(10, 13));
  });

  it('ends engine pages at about 1 MB, so an unlimited walk streams pages', async () => {
    backend.clear();
    const big = 'x'.repeat(2000);
    await Reading.batchCreate(ats.map((at) => ({ sensor: 's1', at, zone: big })));
    const pages: number[] = [];
    for await (const page of Reading.where({ sensor: 's1' }).pages()) pages.push(page.length);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(1500);
    expect(Math.max(...pages)).toBeLessThan(600);
  });
});
