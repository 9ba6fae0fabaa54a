import type { LookupTables } from '../index/lookup.js';
import type { MatchList } from './match-list.js';

/**
 * Chooses, for every reference block, a local offset that holds its content (-1 where none
 * does). Where a block's content was found at several offsets, the one that continues the
 * previous block's copy is preferred, so that copies merge into long runs.
 *
 * With a `matchRun` of 2 (zsync's seq_matches) an offset counts for block k only when block k + 1
 * was found right after it or block k − 1 right before it. A zero-padded last block found past
 * the end of the local file is recorded under its own number; it serves that block alone.
 *
 * @param matches - in offset order ({@link MatchList.sortByPosition}).
 */
export function assignBlocks(matches: MatchList, t: LookupTables): Float64Array {
  const n = t.blockCount;
  const L = t.blockSize;
  // Group match offsets by block number (counting sort), keeping offset order within each.
  const start = new Int32Array(n + 1);
  for (let i = 0; i < matches.length; i++) start[matches.block[i] + 1]++;
  for (let k = 0; k < n; k++) start[k + 1] += start[k];
  const fill = start.slice(0, n);
  const offsets = new Float64Array(matches.length);
  for (let i = 0; i < matches.length; i++) offsets[fill[matches.block[i]]++] = matches.pos[i];

  const tail = n - 1;
  // Does the local file hold block k's content at `at`?
  const holds = (k: number, at: number): boolean => {
    const g = t.groupOf[k];
    if (contains(offsets, start[g], start[g + 1], at)) return true;
    return k === tail && g !== tail && contains(offsets, start[tail], start[tail + 1], at);
  };
  const pairRule = t.matchRun >= 2 && n >= 2;
  const counts = (k: number, at: number): boolean =>
    !pairRule || (k + 1 < n && holds(k + 1, at + L)) || (k > 0 && holds(k - 1, at - L));

  const chosen = new Float64Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const want = k > 0 && chosen[k - 1] >= 0 ? chosen[k - 1] + L : -1;
    if (want >= 0 && holds(k, want) && counts(k, want)) {
      chosen[k] = want;
      continue;
    }
    const g = t.groupOf[k];
    chosen[k] = first(offsets, start[g], start[g + 1], k, counts);
    if (chosen[k] < 0 && k === tail && g !== tail) chosen[k] = first(offsets, start[tail], start[tail + 1], k, counts);
  }
  return chosen;
}

function first(a: Float64Array, lo: number, hi: number, k: number, counts: (k: number, at: number) => boolean): number {
  for (let i = lo; i < hi; i++) if (counts(k, a[i])) return a[i];
  return -1;
}

/** Binary search in the sorted run `a[lo..hi)`. */
function contains(a: Float64Array, lo: number, hi: number, v: number): boolean {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else if (a[mid] > v) hi = mid;
    else return true;
  }
  return false;
}
