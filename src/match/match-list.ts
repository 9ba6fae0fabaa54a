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
  /** Window positions examined. */
  comparisons: number;
  /** Positions whose weak sum was found in the index. */
  weakHits: number;
  /** Positions whose strong digest then matched too. */
  strongHits: number;
}

export function newCounters(): ScanCounters {
  return { comparisons: 0, weakHits: 0, strongHits: 0 };
}

export function addCounters(into: ScanCounters, c: ScanCounters): void {
  into.comparisons += c.comparisons;
  into.weakHits += c.weakHits;
  into.strongHits += c.strongHits;
}
