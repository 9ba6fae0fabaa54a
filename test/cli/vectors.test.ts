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
    const edited = Buffer.concat([Buffer.from('some new bytes at the front'), data.subarray(Math.floor(data.length / 3))]);
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
    }
  });
}
