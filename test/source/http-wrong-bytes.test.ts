import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { httpSource } from '../../src/source/http-source.js';
import { fetchAll } from '../helpers/fault-server.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

const { data, ranges, quick, server, withSource } = useFaultServer();
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { tempDir } from '../helpers/temp-dir.js';
import { readFile } from 'node:fs/promises';

test('wrong bytes are passed on as sent: the patch fails verification naming the URL, and the local file is untouched', async () => {
  const t = await tempDir();
  try {
    const refPath = await t.write('ref.bin', data);
    const local = data.slice();
    local.fill(7, 50_000, 52_000);
    const localPath = await t.write('local.bin', local);
    const index = await buildIndex(refPath, { blockSize: 4096 });
    server.always({ kind: 'wrong-bytes' });
    const src = httpSource(server.url, quick);
    try {
      await assert.rejects(patchFile({ local: localPath, index, source: src, output: localPath }), (e: DeltasyncError) =>
        e.code === 'EMISMATCH' && e.message.includes(server.url));
    } finally {
      server.always(undefined);
      await src.close();
    }
    assert.equal(Buffer.compare(await readFile(localPath), local), 0, 'local file unchanged');
  } finally {
    await t.done();
  }
});

test('wrong bytes inside multipart parts are returned as sent, framing intact', async () => {
  await withSource({ maxRangesPerRequest: 4 }, async (src) => {
    server.next({ kind: 'wrong-bytes' });
    const got = await fetchAll(src, ranges);
    ranges.forEach((r, i) => assert.deepEqual(got[i], data.subarray(r.offset, r.offset + r.length).map((b) => b ^ 0xff)));
  });
});
