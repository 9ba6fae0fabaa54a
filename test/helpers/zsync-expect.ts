import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { weakSum } from '../../src/checksum/rolling.js';
import { loadStrongHash } from '../../src/checksum/registry.js';
import type { BlockIndex } from '../../src/index/block-index.js';
import { zsyncHashLengths } from '../../src/format/zsync.js';
import { weakMaskOfRsumBytes } from '../../src/format/zsync-table.js';

/**
 * The sums a zsync control file must hold for `data` at `blockSize`, computed here block by block
 * from the bytes (independently of buildIndex): the last block zero-padded, weak sums masked to the
 * rsum bytes kept, MD4 cut to the checksum bytes kept, as zsyncmake 0.6.2 chooses them.
 */
export async function expectedZsyncSums(data: Uint8Array, blockSize: number): Promise<Pick<BlockIndex, 'blockCount' | 'weak' | 'strong' | 'strongLength' | 'weakMask' | 'matchRun'> & { sha1: string }> {
  const { seqMatches, rsumBytes, checksumBytes } = zsyncHashLengths(data.length, blockSize);
  const md4 = await loadStrongHash('md4');
  const blockCount = Math.ceil(data.length / blockSize);
  const weakMask = weakMaskOfRsumBytes(rsumBytes);
  const weak = new Int32Array(blockCount);
  const strong = new Uint8Array(blockCount * checksumBytes);
  for (let k = 0; k < blockCount; k++) {
    const block = new Uint8Array(blockSize); // zero-padded when the data ends first
    block.set(data.subarray(k * blockSize, (k + 1) * blockSize));
    weak[k] = weakSum(block) & weakMask;
    strong.set(md4.digest(block).subarray(0, checksumBytes), k * checksumBytes);
  }
  const sha1 = createHash('sha1').update(data).digest('hex');
  return { blockCount, weak, strong, strongLength: checksumBytes, weakMask, matchRun: seqMatches, sha1 };
}

/** Asserts that `index` (decoded from a control file for `data`) holds exactly the sums {@link expectedZsyncSums} computes. */
export async function assertZsyncSums(index: BlockIndex, data: Uint8Array, what: string): Promise<void> {
  const e = await expectedZsyncSums(data, index.blockSize);
  assert.equal(index.fileSize, data.length, `${what}: Length`);
  assert.equal(index.blockCount, e.blockCount, `${what}: blocks`);
  assert.equal(index.strongHash, 'md4', `${what}: strong hash`);
  assert.equal(index.strongLength, e.strongLength, `${what}: checksum bytes`);
  assert.equal(index.weakMask, e.weakMask, `${what}: weak mask`);
  assert.equal(index.matchRun, e.matchRun, `${what}: seq_matches`);
  assert.equal(index.paddedTail, true, `${what}: padded tail`);
  for (let k = 0; k < e.blockCount; k++) {
    assert.equal((index.weak[k] >>> 0).toString(16), (e.weak[k] >>> 0).toString(16), `${what}: weak sum of block ${k}`);
    const sl = e.strongLength;
    assert.equal(
      Buffer.from(index.strong.subarray(k * sl, (k + 1) * sl)).toString('hex'),
      Buffer.from(e.strong.subarray(k * sl, (k + 1) * sl)).toString('hex'),
      `${what}: MD4 of block ${k}`,
    );
  }
  assert.equal(index.fileHash?.algorithm, 'sha1', `${what}: file hash`);
  assert.equal(Buffer.from(index.fileHash!.digest).toString('hex'), e.sha1, `${what}: SHA-1`);
}
