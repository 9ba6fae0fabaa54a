import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GOSYNC_VECTORS, gosyncVectors } from '../helpers/vectors.js';
import { cli, tempDir } from './run-cli.js';

let t: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

const vectors = gosyncVectors();

test('the go-sync vectors are all there', () => {
  assert.equal(vectors.length, 7);
});

// Indexes written by the Go tool drive a patch end to end: from nothing, and from an edited copy.
for (const v of vectors) {
  test(`patch with the Go tool's index of ${v.data}`, async () => {
    const data = await readFile(join(GOSYNC_VECTORS, v.data));
    const index = join(GOSYNC_VECTORS, v.index);
    const kept = Math.floor(data.length / 3);
    const edited = Buffer.concat([Buffer.from('some new bytes at the front'), data.subarray(kept)]);
    // The whole blocks the edit keeps: the patch must find them in the edited copy, not fetch them.
    const keptBlocks = Math.max(0, Math.floor(data.length / v.blockSize) - Math.ceil(kept / v.blockSize));
    for (const [name, local] of [['empty', Buffer.alloc(0)], ['edited', edited]] as const) {
      const localPath = t.path(`${v.data}.${name}`);
      await writeFile(localPath, local);
      const out = t.path(`${v.data}.${name}.out`);
      const r = await cli(['--json', 'patch', localPath, index, join(GOSYNC_VECTORS, v.data), '-o', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await readFile(out), data, `${v.data} from ${name}`);
      const j = JSON.parse(r.stdout);
      assert.equal(j.reusedBytes + j.fetchedBytes, data.length);
      if (name === 'empty') assert.equal(j.reusedBytes, 0);
      else assert.ok(j.reusedBytes >= keptBlocks * v.blockSize, `reused ${j.reusedBytes} bytes of ${keptBlocks} kept blocks`);
    }
  });
}
