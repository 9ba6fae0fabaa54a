/** Matches as two compact arrays, as they cross between threads. */
export interface MatchArrays {
  /** Local offsets. */
  pos: Float64Array;
  /** Representative blocks. */
  block: Int32Array;
}

/**
 * Matches in scan order: local offset `pos[i]` holds the content of reference block `block[i]`
 * (a representative: see {@link LookupTables.groupOf}). Grows by doubling; typed arrays only.
 */
export class MatchList {
  /** Local offsets; only the first {@link MatchList.length} are in use. */
  pos: Float64Array;
  /** Representative blocks, parallel to `pos`. */
  block: Int32Array;
  /** Matches held. */
  length = 0;

  constructor(capacity = 64) {
    this.pos = new Float64Array(capacity);
    this.block = new Int32Array(capacity);
  }

  /** Adds a match. */
  push(pos: number, block: number): void {
    if (this.length === this.pos.length) {
      const pos2 = new Float64Array(this.length * 2);
      pos2.set(this.pos);
      const block2 = new Int32Array(this.length * 2);
      block2.set(this.block);
      this.pos = pos2;
      this.block = block2;
    }
    this.pos[this.length] = pos;
    this.block[this.length++] = block;
  }

  /** Appends `other[from..]`. */
  append(other: MatchList, from = 0): void {
    for (let i = from; i < other.length; i++) this.push(other.pos[i], other.block[i]);
  }

  /** Puts the matches in offset order (by block at equal offsets), dropping exact duplicates. */
  sortByPosition(): void {
    // A scan finds matches in offset order, mostly: the common case costs one pass, not a sort.
    let ordered = true;
    for (let i = 1; i < this.length && ordered; i++) {
      ordered = this.pos[i - 1] < this.pos[i] || (this.pos[i - 1] === this.pos[i] && this.block[i - 1] < this.block[i]);
    }
    if (ordered) return;
    const idx = Array.from({ length: this.length }, (_, i) => i);
    idx.sort((x, y) => this.pos[x] - this.pos[y] || this.block[x] - this.block[y]);
    const pos = new Float64Array(Math.max(1, this.length));
    const block = new Int32Array(Math.max(1, this.length));
    let m = 0;
    for (const i of idx) {
      if (m > 0 && pos[m - 1] === this.pos[i] && block[m - 1] === this.block[i]) continue;
      pos[m] = this.pos[i];
      block[m++] = this.block[i];
    }
    this.pos = pos;
    this.block = block;
    this.length = m;
  }

  /** Compact copies of the used part, for sending to another thread. */
  toArrays(): MatchArrays {
    return { pos: this.pos.slice(0, this.length), block: this.block.slice(0, this.length) };
  }

  /** A list holding the matches of {@link MatchList.toArrays}' result. */
  static fromArrays(a: MatchArrays): MatchList {
    const m = new MatchList(Math.max(1, a.pos.length));
    m.pos.set(a.pos);
    m.block.set(a.block);
    m.length = a.pos.length;
    return m;
  }
}

/** Counters of a scan, as go-sync's diff reports them. */
export interface ScanCounters {
  /** Windows examined (each offset whose weak sum was tested against the index, once per test). */
  comparisons: number;
  /**
   * Of those, windows whose (masked) weak sum is in the index: at most `comparisons`. For an index
   * whose blocks match two at a time (zsync's), only those whose next window's sum can follow
   * theirs (see LookupTables.pairs): at 16-bit sums nearly every window has some block's sum.
   */
  weakHits: number;
  /** Of those, windows whose strong digest matched too: at most `weakHits` and `digests`. */
  strongHits: number;
  /**
   * Strong digests computed (a weak hit is not hashed when the cost bound says so: see
   * match/scan-buffer.ts). Each covers one block, so `digests × blockSize` bounds the bytes hashed.
   */
  digests: number;
}

export function newCounters(): ScanCounters {
  return { comparisons: 0, weakHits: 0, strongHits: 0, digests: 0 };
}

export function addCounters(into: ScanCounters, c: ScanCounters): void {
  into.comparisons += c.comparisons;
  into.weakHits += c.weakHits;
  into.strongHits += c.strongHits;
  into.digests += c.digests;
}
