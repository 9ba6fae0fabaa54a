import assert from 'node:assert/strict';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { decodeIndex, encodeIndex } from '../../src/format/index-file.js';
import { zsyncHashLengths, zsyncIndex } from '../../src/format/zsync.js';
import { buildIndex } from '../../src/index/build.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { assertZsyncSums } from '../helpers/zsync-expect.js';
import { FIXED_MTIME, requireTool, zsyncmake } from '../helpers/zsync-tools.js';

let t: TempDir;
before(async () => {
  t = await tempDir('deltasync-zsync-');
});
after(() => t.done());

/** Seeded bytes that do not start like gzip (zsyncmake would look inside a .gz stream). */
function data(seed: number, size: number): Uint8Array {
  const d = seededBytes(seed, size);
  if (size > 0 && d[0] === 0x1f) d[0] = 0;
  return d;
}

async function full(path: string, blockSize: number) {
  return buildIndex(path, { blockSize, strongHash: 'md4', fileHash: 'sha1', paddedTail: true });
}

for (const blockSize of [512, 2048, 4096, 8192]) {
  const sizes = [0, 1, 100, blockSize - 1, blockSize, blockSize + 1, 3 * blockSize + 17, 50_000];
  test(`zsyncmake -b ${blockSize}: decoded sums agree with deltasync's, and deltasync writes the same bytes (sizes ${sizes.join(', ')})`, async (ctx) => {
    if (!(await requireTool(ctx, 'zsyncmake'))) return;
    for (const size of sizes) {
      const name = `f-${blockSize}-${size}.bin`;
      const bytes = data(size + blockSize, size);
      const path = await t.write(name, bytes);
      const out = t.path(`${name}.zsync`);
      const url = `http://127.0.0.1:8080/files/${name}`;
      await zsyncmake(path, out, { blockSize, urls: [url] });
      const theirs = await readFile(out);
      await assertZsyncSums(decodeIndex(theirs, out), bytes, `${name} at ${blockSize}`);
      const mine = Buffer.from(encodeIndex(zsyncIndex(await full(path, blockSize), { url, filename: name, mtime: FIXED_MTIME }), 'zsync'));
      assert.equal(mine.toString('latin1'), theirs.toString('latin1'), `${name}: deltasync's control file differs from zsyncmake's`);
    }
  });
}

test('zsyncmake with no -u (the name as given becomes the URL) and with three -u: deltasync writes the same', async (ctx) => {
  if (!(await requireTool(ctx, 'zsyncmake'))) return;
  const bytes = data(77, 12_345);
  const path = await t.write('plain.bin', bytes);
  const index = await full(path, 2048);
  await zsyncmake('plain.bin', t.path('plain.zsync'), { cwd: t.dir, mtime: FIXED_MTIME });
  const mine = encodeIndex(zsyncIndex(index, { filename: 'plain.bin', mtime: FIXED_MTIME }), 'zsync');
  assert.ok(Buffer.from(mine).equals(await readFile(t.path('plain.zsync'))));
  const urls = ['plain.bin', 'http://a.example/plain.bin', 'https://b.example/x/plain.bin?v=2'];
  const mtime = new Date(Date.UTC(2025, 0, 31, 23, 59, 58));
  await zsyncmake(path, t.path('three.zsync'), { blockSize: 2048, urls, mtime });
  const theirs = await readFile(t.path('three.zsync'));
  assert.deepEqual(decodeIndex(theirs, 'three.zsync').urls, urls);
  assert.ok(Buffer.from(encodeIndex(zsyncIndex(index, { url: urls, filename: 'plain.bin', mtime }), 'zsync')).equals(theirs));
});

test('Hash-Lengths: deltasync chooses what zsyncmake chooses, over file sizes from 1 byte to 20 MB and block sizes 512 to 1 MiB', async (ctx) => {
  if (!(await requireTool(ctx, 'zsyncmake'))) return;
  const path = t.path('sparse.bin');
  const sizes = [1, 511, 513, 1000, 4095, 10_000, 65_537, 100_000, 250_000, 1_000_000, 3_000_000, 8_000_000, 20_000_000];
  let checked = 0;
  for (const blockSize of [512, 2048, 65536, 1 << 20]) {
    for (const size of sizes) {
      await writeFile(path, '');
      await truncate(path, size); // sparse zeros: quick to write and to read
      const out = t.path('sparse.zsync');
      await zsyncmake(path, out, { blockSize, urls: ['u'] });
      const text = (await readFile(out)).subarray(0, 400).toString('latin1');
      const theirs = /^Hash-Lengths: (.*)$/m.exec(text)![1];
      assert.equal(Object.values(zsyncHashLengths(size, blockSize)).join(','), theirs, `${size} bytes at ${blockSize}`);
      checked++;
    }
  }
  assert.equal(checked, 52);
});
