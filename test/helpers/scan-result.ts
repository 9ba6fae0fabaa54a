import assert from 'node:assert/strict';
import type { ScanResult } from '../../src/index.js';
import { bruteForceScan } from './brute-force.js';

/** A scan result as plain arrays, for deepEqual and readable diffs. */
export function plainScan(r: ScanResult): { pos: number[]; block: number[]; blockOffsets: number[] } {
  return {
    pos: Array.from(r.matches.pos.subarray(0, r.matches.length)),
    block: Array.from(r.matches.block.subarray(0, r.matches.length)),
    blockOffsets: Array.from(r.blockOffsets),
  };
}

/** Whether the scan recorded a match at `at` of a block with block k's content. */
function foundAt(r: ScanResult, ref: Uint8Array, L: number, k: number, at: number): boolean {
  const len = Math.min(L, ref.length - k * L);
  for (let i = 0; i < r.matches.length; i++) {
    if (r.matches.pos[i] !== at) continue;
    const b = r.matches.block[i];
    if (Math.min(L, ref.length - b * L) !== len) continue;
    let same = true;
    for (let x = 0; x < len && same; x++) same = ref[b * L + x] === ref[k * L + x];
    if (same) return true;
  }
  return false;
}

/**
 * Checks a scan of `local` against an index of `ref` with the brute-force oracle: exactly the
 * blocks it says are found, each at an offset that holds its content, and a block that can
 * continue the copy of the block before it does so.
 * @returns the oracle's result.
 */
export function assertScan(r: ScanResult, ref: Uint8Array, blockSize: number, local: Uint8Array) {
  const want = bruteForceScan(ref, blockSize, local);
  const got = Array.from(r.blockOffsets);
  const n = want.found.length;
  for (let k = 0; k < n; k++) {
    assert.equal(got[k] >= 0, want.found[k], `block ${k}: ${want.found[k] ? 'must be found' : 'must not be found'} (present at ${want.present[k].slice(0, 5).join(', ') || 'no offset'}; got ${got[k]})`);
    if (got[k] < 0) continue;
    assert.ok(want.present[k].includes(got[k]), `block ${k} at ${got[k]} holds its content`);
    // Where the scan found block k's content right after the copy of block k - 1, it is used.
    const prev = k > 0 ? got[k - 1] : -1;
    if (prev >= 0 && foundAt(r, ref, blockSize, k, prev + blockSize)) assert.equal(got[k], prev + blockSize, `block ${k} continues block ${k - 1}`);
  }
  assert.equal(r.stats.matchedBlocks, want.found.filter(Boolean).length);
  assert.ok(r.stats.weakHits <= r.stats.comparisons && r.stats.strongHits <= r.stats.weakHits && r.stats.strongHits <= r.stats.digests, 'counters add up');
  return want;
}
