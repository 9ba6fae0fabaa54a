import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

// A ramp 0..255 repeated: every block of 2 KiB is the same, and windows at many of the 256
// phases share one weak sum. The bound on strong hashes must not keep the scan hashing the same
// wrong phases block after block (the phase period divides the block size) and miss the block.
test('periodic data whose phases share a weak sum: the block is found at its phase, at any start', async () => {
  const ramp = Uint8Array.from({ length: 300_000 }, (_, i) => i & 255);
  const refPath = await t.write('ramp', ramp.subarray(0, 100_000));
  const index = await buildIndex(refPath, { blockSize: 2048, threads: 1 });
  for (const shift of [0, 27, 53, 200]) {
    const local = new Uint8Array(shift + 150_000);
    local.set(new TextEncoder().encode('some new bytes at the front').subarray(0, shift));
    local.set(ramp.subarray(shift * 7 + 13, shift * 7 + 13 + 150_000), shift);
    const localPath = await t.write(`local-${shift}`, local);
    for (const threads of [1, 2]) {
      const { stats } = await scanFile(localPath, index, { threads, minChunk: 32 * 1024 });
      assert.equal(stats.matchedBlocks, index.blockCount, `shift ${shift}, ${threads} thread(s): every block found`);
      assert.ok(stats.digests < 8 * index.blockCount, `${stats.digests} strong hashes`);
    }
  }
});
