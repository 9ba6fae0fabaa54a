import type { LookupTables } from '../index/lookup.js';
import type { MatchList } from './match-list.js';

/**
 * Chooses, for every reference block, a local offset that holds its content (-1 where none
 * does). Where a block's content was found at several offsets, the one that continues the
 * previous block's copy is preferred, so that copies merge into long runs.
 */
export function assignBlocks(matches: MatchList, t: LookupTables): Float64Array {
  const n = t.blockCount;
  const L = t.blockSize;
  // Group match offsets by representative block (counting sort), keeping scan order within each.
  const start = new Int32Array(n + 1);
  for (let i = 0; i < matches.length; i++) start[matches.block[i] + 1]++;
  for (let k = 0; k < n; k++) start[k + 1] += start[k];
  const fill = start.slice(0, n);
  const offsets = new Float64Array(matches.length);
  for (let i = 0; i < matches.length; i++) offsets[fill[matches.block[i]]++] = matches.pos[i];

  const chosen = new Float64Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const g = t.groupOf[k];
    const lo = start[g];
    const hi = start[g + 1];
    if (lo === hi) continue;
    const want = k > 0 && chosen[k - 1] >= 0 ? chosen[k - 1] + L : -1;
    chosen[k] = want >= 0 && contains(offsets, lo, hi, want) ? want : offsets[lo];
  }
  return chosen;
}

/** Binary search in the sorted run `a[lo..hi)` (a scan finds offsets in increasing order). */
function contains(a: Float64Array, lo: number, hi: number, v: number): boolean {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else if (a[mid] > v) hi = mid;
    else return true;
  }
  return false;
}
