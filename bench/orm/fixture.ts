// The benchmark item: 10 attributes, among them a map, a list and numbers (ints and a float).

export interface BenchItem {
  userId: string;
  itemId: string;
  title: string;
  status: string;
  quantity: number;
  price: number;
  active: boolean;
  views: number;
  tags: string[];
  address: { street: string; city: string; zip: string };
}

export const FIELDS = [
  'userId',
  'itemId',
  'title',
  'status',
  'quantity',
  'price',
  'active',
  'views',
  'tags',
  'address',
] as const;

export const USER = 'u1';
export const PAGE = 100;

export const itemId = (i: number): string => `i${String(i).padStart(3, '0')}`;

export function itemAt(i: number): BenchItem {
  return {
    userId: USER,
    itemId: itemId(i),
    title: `Mechanical keyboard, model ${i}`,
    status: i % 3 === 0 ? 'shipped' : 'open',
    quantity: (i % 7) + 1,
    price: 49.9 + i,
    active: i % 2 === 0,
    views: 1000 + i * 37,
    tags: ['desk', 'input', `batch-${i % 10}`],
    address: { street: `${i} Main Street`, city: 'Springfield', zip: '12345' },
  };
}

export interface BenchKey {
  userId: string;
  itemId: string;
}

export const ITEMS: readonly BenchItem[] = Array.from({ length: PAGE }, (_, i) => itemAt(i));
export const KEYS: readonly BenchKey[] = ITEMS.map(({ userId, itemId }) => ({ userId, itemId }));
/** The partial update: two fields of an existing item. */
export const CHANGES = { status: 'paid', quantity: 9 } as const;

/** The ten fields of anything a library returns, as plain JSON (for the sanity check only). */
export function normalise(x: unknown): string {
  const o = x as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const f of FIELDS) picked[f] = o[f];
  const address = picked.address as Record<string, unknown> | undefined;
  if (address)
    picked.address = Object.fromEntries(
      Object.keys(address)
        .sort()
        .map((k) => [k, address[k]]),
    );
  return JSON.stringify(picked);
}
