import type { ScanResult } from '../../src/index.js';

/** A scan result as plain arrays, for deepEqual and readable diffs. */
export function plainScan(r: ScanResult): { pos: number[]; block: number[]; blockOffsets: number[] } {
  return {
    pos: Array.from(r.matches.pos.subarray(0, r.matches.length)),
    block: Array.from(r.matches.block.subarray(0, r.matches.length)),
    blockOffsets: Array.from(r.blockOffsets),
  };
}
