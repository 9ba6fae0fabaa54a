/**
 * PatchOptions.fsync (the CLI's --no-fsync): false asks the disk to sync nothing and writes the
 * same reference; by default the output is synced before its rename.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { fileSource } from '../../src/source/file-source.js';
import { concat, seededBytes } from '../helpers/random.js';
import { countSyncs } from '../helpers/sync-count.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const ref = seededBytes(71, 1_000_000);
let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

test('fsync false: no sync, the same reference; the default syncs', async () => {
  const refPath = await t.write('ref', ref);
  const localPath = await t.write('local', concat(ref.subarray(0, 600_000), seededBytes(72, 1000)));
  const index = await buildIndex(refPath, { blockSize: 4096, threads: 1 });
  const src = fileSource(refPath);
  try {
    const run = (fsync: boolean | undefined, out: string) => () => patchFile({ local: localPath, index, source: src, output: t.path(out), fsync, scan: { threads: 1 } });
    assert.equal((await countSyncs(run(false, 'out-nosync'))).syncs, 0);
    assert.ok((await countSyncs(run(undefined, 'out-sync'))).syncs >= 1);
    assert.deepEqual(await readFile(t.path('out-nosync')), Buffer.from(ref));
    assert.deepEqual(await readFile(t.path('out-sync')), Buffer.from(ref));
  } finally {
    await src.close();
  }
});
