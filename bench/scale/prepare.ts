// The ORM's own CPU per write, without any engine or SDK: batchCreate, upsert (the ORM bench's put)
// and a partial update on a backend whose writes return at once (what the backend is handed is built
// in full, nothing is sent). `node --expose-gc --import tsx bench/scale/prepare.ts [rounds]`; the
// scale family reports its batchCreate figure beside the ratio (bench/scale/main.ts), and
// bench/profile/scale.ts profiles it.
import type { WriteOp } from '../../src/orm/backend.js';
import { InMemoryBackend } from '../../src/orm/index.js';
import type { ItemLayout, StoredItem } from '../../src/orm/layout.js';
import { collect, stats } from '../lib/timing.js';
import { CHANGES, ITEMS, KEYS } from '../orm/fixture.js';
import { defineBenchItem } from '../orm/subjects/tablegraph.js';
import { defineEvent, event } from './fixture.js';

/** Accepts every write without storing it: what remains is the ORM's work before the request. */
class NullBackend extends InMemoryBackend {
  override async batchPutItems(): Promise<void> {}
  override async write(_layout: ItemLayout, op: WriteOp): Promise<StoredItem | null> {
    // An update answers the item as stored after it (returnNew): one canned item, built once.
    return op.type === 'update' ? STORED : null;
  }
}
const { userId, itemId, ...rest } = ITEMS[0]!;
const STORED: StoredItem = {
  pk: `USER#${userId}`,
  sk: `ITEM#${itemId}`,
  entity_type: 'Item',
  userId,
  itemId,
  ...rest,
  ...CHANGES,
};

/** batchCreate of `n` events on a backend that sends nothing (profiled by bench/profile/scale.ts). */
export function nullBatchCreate(n: number): () => Promise<unknown> {
  const Event = defineEvent(new NullBackend());
  const events = Array.from({ length: n }, (_, i) => event(i));
  return () => Event.batchCreate(events);
}

/** CPU µs per item (median of `rounds`) of each of the ORM's write paths on the null backend. */
export async function prepareCost(rounds = 9, n = 10_000, only?: readonly string[]) {
  const Item = defineBenchItem(new NullBackend());
  const batch = nullBatchCreate(n);
  const cases = {
    batchCreate: async () => {
      await batch();
    },
    put: async () => {
      for (let i = 0; i < n; i++) await Item.upsert(ITEMS[i % ITEMS.length] as never);
    },
    update: async () => {
      for (let i = 0; i < n; i++) await Item.update(KEYS[i % KEYS.length]!, CHANGES);
    },
  };
  const out: Record<string, ReturnType<typeof stats>> = {};
  for (const [name, fn] of Object.entries(cases)) {
    if (only && !only.includes(name)) continue;
    await fn(); // warm-up
    const us: number[] = [];
    for (let r = 0; r < rounds; r++) {
      collect();
      const c0 = process.cpuUsage();
      await fn();
      const c = process.cpuUsage(c0);
      us.push((c.user + c.system) / n);
    }
    out[name] = stats(us);
  }
  return out as Record<keyof typeof cases, ReturnType<typeof stats>>;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await prepareCost(Number(process.argv[2] ?? 9));
  for (const [name, s] of Object.entries(r))
    console.log(
      `prepare ${name}: ${s.median.toFixed(2)} µs per item (min ${s.min.toFixed(2)}, max ${s.max.toFixed(2)})`,
    );
}
