import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFile, utimes } from 'node:fs/promises';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import { httpSource } from '../../src/source/http-source.js';
import { assertRanges, fetchAll } from '../helpers/fault-server.js';
import { type Nginx, nginxMissing, skipWithoutNginx, startNginx } from '../helpers/nginx.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const data = seededBytes(41, 3_000_000);
let t: TempDir;
let nginx: Nginx | undefined;
const skip = skipWithoutNginx();
before(async () => {
  t = await tempDir();
  await t.write('ref.bin', data);
  if (!nginxMissing()) nginx = await startNginx(t.dir);
});
after(async () => {
  await nginx?.close();
  await t.done();
});

test('httpSource against a real nginx: multi-range answers, exact bytes', { skip }, async () => {
  assert.ok(nginx, nginxMissing()); // in CI a missing nginx fails here
  const ranges = Array.from({ length: 300 }, (_, i) => ({ offset: (i * 9973) % 2_990_000, length: 1 + ((i * 7919) % 9000) }));
  ranges.push({ offset: 0, length: data.length });
  const warnings: string[] = [];
  const src = httpSource(`${nginx.url}ref.bin`, { onWarning: (m) => warnings.push(m) });
  try {
    await src.prepare({ size: data.length });
    assertRanges(await fetchAll(src, ranges), ranges, data);
    assert.deepEqual(warnings, [], 'nginx takes multi-range requests');
    assert.ok(src.stats.requests < ranges.length / 4, JSON.stringify(src.stats));
  } finally {
    await src.close();
  }
});

test('patch over nginx: exact output, file replaced on nginx is ECHANGED', { skip }, async () => {
  assert.ok(nginx, nginxMissing());
  const local = data.slice();
  for (let i = 0; i < 30; i++) local.fill(i, i * 97_000 + 11, i * 97_000 + 3000);
  const localPath = await t.write('local.bin', local);
  const index = await buildIndex(t.path('ref.bin'), { blockSize: 2048 });
  const src = httpSource(`${nginx.url}ref.bin`);
  try {
    await patchFile({ local: localPath, index, source: src, output: t.path('out.bin') });
    assert.equal(Buffer.compare(await readFile(t.path('out.bin')), data), 0);
    // Another version of the same size, with another mtime: nginx's ETag changes.
    await t.write('ref.bin', seededBytes(42, data.length));
    // nginx's ETag is the mtime in seconds and the size: a rewrite within the same second would keep it.
    const later = new Date(Date.now() + 60_000);
    await utimes(t.path('ref.bin'), later, later);
    await assert.rejects(
      fetchAll(src, [{ offset: 0, length: 10 }]),
      (e: Error & { code?: string }) => e.code === 'ECHANGED' && e.message.includes('ref.bin'),
    );
  } finally {
    await t.write('ref.bin', data);
    await src.close();
  }
});
