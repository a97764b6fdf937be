/** A place in a SortedChunks: chunk number and offset in that chunk (`c` = chunk count: the end). */
export interface Position {
  readonly c: number;
  readonly i: number;
}

const MAX_CHUNK = 512;

/**
 * A sorted sequence held in chunks of at most 512 elements, so an insert or a delete moves one chunk,
 * never the whole sequence (random inserts into 100,000 items stay cheap), and a position is found by
 * binary search over the chunks' last elements, then inside one chunk.
 */
export class SortedChunks<T> {
  private readonly chunks: T[][] = [];
  private count = 0;

  constructor(readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  /**
   * The first position whose element is not `before`. `before` must hold for a prefix of the
   * sequence and then never again (a partition point, as C++'s `partition_point`).
   */
  seek(before: (x: T) => boolean): Position {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (before(chunk[chunk.length - 1]!)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === chunks.length) return { c: lo, i: 0 };
    const chunk = chunks[lo]!;
    let a = 0;
    let b = chunk.length - 1; // the last element is known not to be `before`
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (before(chunk[mid]!)) a = mid + 1;
      else b = mid;
    }
    return { c: lo, i: a };
  }

  /** Inserts `x` in order, replacing the element that compares equal; answers the replaced one. */
  upsert(x: T): T | undefined {
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([x]);
      this.count = 1;
      return undefined;
    }
    // Appending in order (batch loads, time-ordered keys) is the common case: no search.
    const last = chunks[chunks.length - 1]!;
    let c: number;
    let i: number;
    if (this.compare(last[last.length - 1]!, x) < 0) {
      c = chunks.length - 1;
      i = last.length;
    } else {
      ({ c, i } = this.seek((y) => this.compare(y, x) < 0));
      const chunk = chunks[c]!;
      if (this.compare(chunk[i]!, x) === 0) {
        const old = chunk[i];
        chunk[i] = x;
        return old;
      }
    }
    const chunk = chunks[c]!;
    chunk.splice(i, 0, x);
    this.count++;
    if (chunk.length > MAX_CHUNK) {
      const half = chunk.length >>> 1;
      chunks.splice(c, 1, chunk.slice(0, half), chunk.slice(half));
    }
    return undefined;
  }

  /** Removes the element that compares equal to `x`; answers it, or undefined when there is none. */
  delete(x: T): T | undefined {
    const { c, i } = this.seek((y) => this.compare(y, x) < 0);
    const chunk = this.chunks[c];
    if (!chunk || this.compare(chunk[i]!, x) !== 0) return undefined;
    const [old] = chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return old;
  }

  /** The elements from `p` on, in order. */
  *forward(p: Position = { c: 0, i: 0 }): Generator<T> {
    const chunks = this.chunks;
    for (let c = p.c, i = p.i; c < chunks.length; c++, i = 0) {
      const chunk = chunks[c]!;
      for (; i < chunk.length; i++) yield chunk[i]!;
    }
  }

  /** The elements before `p`, nearest first. */
  *backward(p: Position = { c: this.chunks.length, i: 0 }): Generator<T> {
    const chunks = this.chunks;
    let c = p.c;
    let i = p.i - 1;
    if (i < 0) {
      c--;
      i = (chunks[c]?.length ?? 0) - 1;
    }
    for (; c >= 0; c--, i = (chunks[c]?.length ?? 0) - 1) {
      const chunk = chunks[c]!;
      for (; i >= 0; i--) yield chunk[i]!;
    }
  }
}
