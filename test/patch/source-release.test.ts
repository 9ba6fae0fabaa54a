import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VerificationError } from '../../src/errors/errors.js';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import type { ByteRange } from '../../src/source/block-source.js';
import type { BlockSource } from '../../src/source/block-source.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

test('a patch that fails on a bad block lets the source release what it holds', async () => {
  const ref = seededBytes(3, 64 * 1024);
  const refPath = await t.write('ref', ref);
  const local = await t.write('local', new Uint8Array(0));
  const index = await buildIndex(refPath, { blockSize: 4096, threads: 1 });
  let released = false;
  let yielded = 0;
  // A real source over the reference bytes that corrupts its second range.
  const source: BlockSource = {
    name: 'flaky-source',
    prepare: async () => {},
    async *fetch(ranges: readonly ByteRange[]) {
      try {
        for (const r of ranges) {
          const data = ref.slice(r.offset, r.offset + r.length);
          if (yielded++ === 1) data[0] ^= 1;
          yield data;
        }
      } finally {
        released = true;
      }
    },
    close: async () => {},
  };
  await assert.rejects(
    patchFile({ local, index, source, output: t.path('out'), planOptions: { maxFetch: 8192 }, refetch: 0 }),
    (err: Error) => err instanceof VerificationError && /flaky-source: block 2 at offset 8192/.test(err.message),
  );
  assert.equal(released, true);
});
