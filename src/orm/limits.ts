// DynamoDB's own limits, checked by the ORM before any request so every backend refuses the same
// items (the in-memory backend included) with a ValidationError naming the limit, instead of the engine
// answering a ValidationException. Pure functions over stored items (the form the engine receives).
import type { ValidationIssue } from './errors.js';
import type { ItemLayout, StoredItem, StoredKey } from './layout.js';

export const DYNAMODB_LIMITS = Object.freeze({
  /** 400 KB: attribute names and values by DynamoDB's sizing rules. */
  itemBytes: 400 * 1024,
  /** A partition key value (table or GSI), UTF-8. */
  partitionKeyBytes: 2048,
  /** A sort key value (table or GSI), UTF-8. */
  sortKeyBytes: 1024,
  /** Largest decimal exponent DynamoDB stores (magnitude up to 9.99…E+125). */
  maxExponent: 125,
  /** Smallest decimal exponent DynamoDB stores (magnitude down to 1E-130). */
  minExponent: -130,
});

/** UTF-8 length of a string (DynamoDB sizes strings and names in UTF-8 bytes). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      // A surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes.
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/** Significant digits and the decimal exponent of a number as the SDK sends it (`String(n)`). */
function decimal(n: number): { digits: number; exponent: number } {
  // By index, not split/regex: every number written or checked passes here.
  const s = String(Math.abs(n));
  const e = s.indexOf('e');
  const mantissa = e < 0 ? s : s.slice(0, e);
  const dot = mantissa.indexOf('.');
  const wholeLength = dot < 0 ? mantissa.length : dot;
  const all = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 48) first++;
  let last = all.length - 1;
  while (last >= first && all.charCodeAt(last) === 48) last--;
  // Position of the first significant digit relative to the decimal point.
  const exponent = (e < 0 ? 0 : Number(s.slice(e + 1))) + wholeLength - 1 - first;
  return { digits: last - first + 1, exponent };
}

/**
 * Bytes of a number: DynamoDB stores base-100 digits after an exponent byte, so about one byte per
 * two significant digits plus one (the exact alignment rule dynalite measured against DynamoDB).
 */
export function numberSize(n: number): number {
  if (n === 0) return 1;
  if (Number.isInteger(n) && n <= Number.MAX_SAFE_INTEGER && n >= -Number.MAX_SAFE_INTEGER)
    return integerSize(n);
  const { digits, exponent } = decimal(n);
  return (
    1 + Math.ceil(digits / 2) + (digits % 2 === 0 && exponent % 2 === 0 ? 1 : 0) + (n < 0 ? 1 : 0)
  );
}

// Private: numberSize of a non-zero safe integer by arithmetic, without its decimal text: the
// significant digits are its digits less the trailing zeros, the exponent its digit count less one.
function integerSize(n: number): number {
  let m = n < 0 ? -n : n;
  let trailing = 0;
  while (m % 10 === 0) {
    m /= 10;
    trailing++;
  }
  let length = 1;
  while (m >= 10) {
    m = Math.floor(m / 10);
    length++;
  }
  const exponent = length - 1 + trailing;
  return (
    1 + Math.ceil(length / 2) + (length % 2 === 0 && exponent % 2 === 0 ? 1 : 0) + (n < 0 ? 1 : 0)
  );
}

/** Bytes of one attribute value (without its name), by DynamoDB's sizing rules. */
export function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8Length(value);
  if (typeof value === 'number') return numberSize(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Set) {
    let sum = 0;
    for (const member of value) sum += valueSize(member);
    return sum;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) {
    // 3 bytes for the list, 1 per element.
    let sum = 3;
    for (const element of value) sum += 1 + valueSize(element);
    return sum;
  }
  if (typeof value === 'object') {
    let sum = 3;
    // Object.keys, not entries: the same own enumerable keys, without a pair per attribute.
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      sum += utf8Length(k) + 1 + valueSize((value as Record<string, unknown>)[k]);
    }
    return sum;
  }
  return 0;
}

/** Bytes of an item: every attribute's name (UTF-8) and value. */
export function itemSize(item: StoredItem): number {
  let sum = 0;
  const names = Object.keys(item);
  for (let i = 0; i < names.length; i++) {
    const value = item[names[i]!];
    if (value !== undefined) sum += utf8Length(names[i]!) + valueSize(value);
  }
  return sum;
}

const push = (
  issues: ValidationIssue[],
  path: string,
  message: string,
  expected: string,
  received: string,
) => issues.push({ path, message, expected, received });

/**
 * Numbers DynamoDB (through the AWS SDK) cannot store and give back exactly: outside DynamoDB's range
 * (magnitude 1E-130 .. 9.99…E+125), or beyond ±(2^53-1), which the SDK refuses to send (and would read
 * back as a BigInt) — a float such as 1e20 included. At most 17 significant digits, a JavaScript
 * number never exceeds DynamoDB's 38.
 */
export function checkNumber(n: number, path: string, issues: ValidationIssue[]): void {
  if (!Number.isFinite(n)) {
    push(issues, path, 'must be a finite number', 'finite number', String(n));
    return;
  }
  if (n === 0) return;
  const { exponent } = decimal(n);
  if (exponent > DYNAMODB_LIMITS.maxExponent)
    push(
      issues,
      path,
      "is outside DynamoDB's number range (magnitude at most 9.99…E+125)",
      'magnitude <= 9.99E+125 (and within ±9007199254740991)',
      String(n),
    );
  else if (exponent < DYNAMODB_LIMITS.minExponent)
    push(
      issues,
      path,
      "is below DynamoDB's smallest number magnitude (1E-130)",
      'magnitude >= 1E-130, or 0',
      String(n),
    );
  else if (Math.abs(n) > Number.MAX_SAFE_INTEGER)
    push(
      issues,
      path,
      'is beyond ±(2^53-1): the AWS SDK refuses to send it, and it could not be read back exactly',
      'within ±9007199254740991',
      String(n),
    );
}

/** Numbers and sets anywhere inside a stored value: what DynamoDB refuses to store. */
export function checkValue(value: unknown, path: string, issues: ValidationIssue[]): void {
  if (typeof value === 'number') checkNumber(value, path, issues);
  else if (value === undefined)
    push(issues, path, 'cannot be stored (an empty set or an undefined value)', 'a value', 'none');
  else if (value instanceof Set) {
    if (value.size === 0)
      push(
        issues,
        path,
        'is an empty set: DynamoDB stores no empty sets',
        'at least 1 member',
        'Set(0)',
      );
    for (const member of value) if (typeof member === 'number') checkNumber(member, path, issues);
  } else if (Array.isArray(value))
    for (const [i, element] of value.entries()) checkValue(element, `${path}[${i}]`, issues);
  else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array))
    for (const [k, v] of Object.entries(value)) checkValue(v, `${path}.${k}`, issues);
}

/** The fields a stored attribute holds or is computed from, for issue paths. */
function pathOf(layout: ItemLayout, attr: string): string {
  const { model, table, indexes } = layout;
  if (attr === table.partition) return model.table.partition.reads.join(', ') || attr;
  if (attr === table.sort) return model.table.sort?.reads.join(', ') || attr;
  for (const [name, attrs] of indexes) {
    const plan = model.indexes.get(name)!;
    if (attr === attrs.partition) return plan.partition.reads.join(', ') || attr;
    if (attr === attrs.sort) return plan.sort?.reads.join(', ') || attr;
  }
  return attr;
}

/** Key values (table and GSI keys) within DynamoDB's 2048 / 1024 bytes. */
export function checkKeys(
  layout: ItemLayout,
  item: StoredItem | StoredKey,
  prefix: string,
  issues: ValidationIssue[],
): void {
  const limits = keyLimitsOf(layout);
  for (let i = 0; i < limits.length; i++) {
    const { attr, max, what, index } = limits[i]!;
    const value = item[attr];
    // At most 3 UTF-8 bytes per UTF-16 unit: most keys need no byte count.
    if (typeof value !== 'string' || value.length * 3 <= max) continue;
    const bytes = utf8Length(value);
    if (bytes > max)
      push(
        issues,
        prefix + pathOf(layout, attr),
        `makes a ${what} key (${index ? `index ${index}, ` : ''}${attr}) of ${bytes} bytes; DynamoDB allows at most ${max} bytes`,
        `${what} key <= ${max} bytes (UTF-8)`,
        `${bytes} bytes`,
      );
  }
}

/** One key attribute of a layout and its byte limit. */
interface KeyLimit {
  readonly attr: string;
  readonly max: number;
  readonly what: 'partition' | 'sort';
  readonly index: string | null;
}

const keyLimits = new WeakMap<ItemLayout, readonly KeyLimit[]>();
// Private: every key attribute of the layout (table, then each index; partition, then sort) with
// its byte limit, once per layout.
function keyLimitsOf(layout: ItemLayout): readonly KeyLimit[] {
  let limits = keyLimits.get(layout);
  if (!limits) {
    const all: KeyLimit[] = [];
    for (const { partition, sort, index } of [layout.table, ...layout.indexes.values()]) {
      all.push({
        attr: partition,
        max: DYNAMODB_LIMITS.partitionKeyBytes,
        what: 'partition',
        index,
      });
      if (sort !== null)
        all.push({ attr: sort, max: DYNAMODB_LIMITS.sortKeyBytes, what: 'sort', index });
    }
    limits = all;
    keyLimits.set(layout, limits);
  }
  return limits;
}

/** The item-size issue, naming the largest attribute, when `size` is over 400 KB. */
export function checkSize(
  item: StoredItem,
  size: number,
  prefix: string,
  issues: ValidationIssue[],
  what = 'the item',
): void {
  if (size <= DYNAMODB_LIMITS.itemBytes) return;
  let largest = '';
  let largestSize = -1;
  for (const [name, value] of Object.entries(item)) {
    const s = utf8Length(name) + valueSize(value);
    if (s > largestSize) [largest, largestSize] = [name, s];
  }
  push(
    issues,
    prefix + largest,
    `${what} would be ${size} bytes by DynamoDB's sizing rules (its largest attribute, ${largest}, ${largestSize}); DynamoDB's item size limit is ${DYNAMODB_LIMITS.itemBytes} bytes (400 KB)`,
    `item size <= ${DYNAMODB_LIMITS.itemBytes} bytes`,
    `${size} bytes`,
  );
}

/** Every DynamoDB limit a whole stored item must meet: numbers, sets, key sizes, item size. */
export function checkItem(
  layout: ItemLayout,
  item: StoredItem,
  prefix: string,
  issues: ValidationIssue[],
): void {
  // Nearly every item meets every limit: one pass proves it without building an issue path; an item
  // it cannot clear goes through the checks that name what is wrong.
  if (withinLimits(layout, item)) return;
  for (const [name, value] of Object.entries(item)) checkValue(value, prefix + name, issues);
  checkKeys(layout, item, prefix, issues);
  checkSize(item, itemSize(item), prefix, issues);
}

/**
 * Bytes of a value (valueSize), or -1 when checkValue might refuse something in it (a number outside
 * the plainly safe range, an empty set, an undefined) or when it is no value a write produces: what
 * proves, in one pass and without issue paths, that a value passes.
 */
export function storableSize(value: unknown): number {
  if (typeof value === 'string') return utf8Length(value);
  if (typeof value === 'number') return storableNumberSize(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (typeof value !== 'object') return -1;
  if (Array.isArray(value)) {
    let sum = 3;
    for (let i = 0; i < value.length; i++) {
      const s = storableSize(value[i]);
      if (s < 0) return -1;
      sum += 1 + s;
    }
    return sum;
  }
  if (value instanceof Set) {
    if (value.size === 0) return -1;
    let sum = 0;
    for (const member of value) {
      const s =
        typeof member === 'string'
          ? utf8Length(member)
          : typeof member === 'number'
            ? storableNumberSize(member)
            : -1;
      if (s < 0) return -1;
      sum += s;
    }
    return sum;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  let sum = 3;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const s = storableSize((value as Record<string, unknown>)[keys[i]!]);
    if (s < 0) return -1;
    sum += utf8Length(keys[i]!) + 1 + s;
  }
  return sum;
}

// Private: numberSize of a number checkNumber surely accepts (0, or a magnitude from 1E-130 to
// 2^53-1: its exponent is then within DynamoDB's range), else -1.
function storableNumberSize(n: number): number {
  if (n === 0) return 1;
  const a = n < 0 ? -n : n;
  return a >= 1e-130 && a <= Number.MAX_SAFE_INTEGER ? numberSize(n) : -1;
}

// Private: true when checkItem would find nothing: every value storable, keys and item within size.
function withinLimits(layout: ItemLayout, item: StoredItem): boolean {
  let size = 0;
  const names = Object.keys(item);
  for (let i = 0; i < names.length; i++) {
    const s = storableSize(item[names[i]!]);
    if (s < 0) return false;
    size += utf8Length(names[i]!) + s;
  }
  if (size > DYNAMODB_LIMITS.itemBytes) return false;
  const limits = keyLimitsOf(layout);
  for (let i = 0; i < limits.length; i++) {
    const { attr, max } = limits[i]!;
    const v = item[attr];
    if (typeof v === 'string' && v.length * 3 > max && utf8Length(v) > max) return false;
  }
  return true;
}
