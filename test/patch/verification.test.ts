import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { ArgumentError, DeltasyncError, VerificationError } from '../../src/errors/errors.js';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { patchFile } from '../../src/patch/patch.js';
import { makePlan } from '../../src/plan/plan.js';
import type { BlockSource } from '../../src/source/block-source.js';
import { fileSource } from '../../src/source/file-source.js';
import { concat, seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const L = 1024;
const ref = seededBytes(1, 50_000);
// The local file holds blocks 0..3 of the reference, then other bytes: blocks from 4 on are fetched.
const local = concat(ref.subarray(0, 4 * L), seededBytes(2, 30_000));

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

async function noLeftovers(): Promise<void> {
  assert.deepEqual((await readdir(t.dir)).filter((n) => n.includes('deltasync-tmp')), []);
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(() => true, () => false);
}

for (const fileHash of [undefined, 'sha256']) {
  const label = fileHash ? ', deltasync index' : '';

  test(`a reference that does not match its index: VerificationError naming it and the bad block's offset${label}`, async () => {
    const refPath = await t.write(`ref-${fileHash}`, ref);
    const localPath = await t.write(`local-${fileHash}`, local);
    const index = await buildIndex(refPath, { blockSize: L, fileHash });
    // Flip a byte of block 6 (offset 6144) after the index was built.
    const bad = ref.slice();
    bad[6 * L + 100] ^= 0x40;
    await writeFile(refPath, bad);
    const out = t.path(`out-${fileHash}`);
    const source = fileSource(refPath);
    await assert.rejects(patchFile({ local: localPath, index, source, output: out, scan: { threads: 1 } }), (err: unknown) => {
      assert.ok(err instanceof VerificationError, String(err));
      assert.equal(err.code, 'EMISMATCH');
      assert.ok(err.message.includes(refPath), err.message);
      assert.match(err.message, /block 6 at offset 6144\b/);
      return true;
    });
    await source.close();
    assert.equal(await exists(out), false, 'no output file');
    await noLeftovers();
  });

  test(`a failed in-place patch leaves the local file byte-identical${label}`, async () => {
    const refPath = await t.write(`ref-inplace-${fileHash}`, ref);
    const localPath = await t.write(`local-inplace-${fileHash}`, local);
    const index = await buildIndex(refPath, { blockSize: L, fileHash });
    const bad = ref.slice();
    bad[ref.length - 1] ^= 1; // in the short last block, at offset 48 * 1024
    await writeFile(refPath, bad);
    const source = fileSource(refPath);
    await assert.rejects(patchFile({ local: localPath, index, source, output: localPath, scan: { threads: 1 } }), (err: unknown) => {
      assert.ok(err instanceof VerificationError, String(err));
      assert.ok(err.message.includes(refPath), err.message);
      assert.match(err.message, /block 48 at offset 49152\b/);
      return true;
    });
    await source.close();
    assert.deepEqual(new Uint8Array(await readFile(localPath)), local);
    await noLeftovers();
  });
}

test('a local file changed after its scan: VerificationError naming it (go-sync index: block by block)', async () => {
  const refPath = await t.write('ref-changed', ref);
  // The local copy holds the reference 100 bytes in: messages give offsets in the local file.
  const shifted = concat(seededBytes(9, 100), ref);
  const localPath = await t.write('local-changed', shifted);
  const index = await buildIndex(refPath, { blockSize: L });
  const plan = makePlan(index, (await scanFile(localPath, index, { threads: 1 })).blockOffsets);
  const changed = shifted.slice();
  changed[100 + 2 * L + 5] ^= 0xff;
  await writeFile(localPath, changed);
  const out = t.path('out-changed');
  const source = fileSource(refPath);
  await assert.rejects(patchFile({ local: localPath, index, source, output: out, plan }), (err: unknown) => {
    assert.ok(err instanceof VerificationError, String(err));
    assert.ok(err.message.includes(localPath), err.message);
    assert.match(err.message, /block 2 at offset 2148 changed since it was scanned/);
    return true;
  });
  await source.close();
  assert.equal(await exists(out), false);
  await noLeftovers();
});

test('a local file changed after its scan: the whole-file hash catches it (deltasync index)', async () => {
  const refPath = await t.write('ref-changed2', ref);
  // The local copy holds the reference 100 bytes in: messages give offsets in the local file.
  const shifted = concat(seededBytes(9, 100), ref);
  const localPath = await t.write('local-changed2', shifted);
  const index = await buildIndex(refPath, { blockSize: L, fileHash: 'sha256' });
  const plan = makePlan(index, (await scanFile(localPath, index, { threads: 1 })).blockOffsets);
  const changed = shifted.slice();
  changed[100 + 2 * L + 5] ^= 0xff;
  await writeFile(localPath, changed);
  const out = t.path('out-changed2');
  const source = fileSource(refPath);
  await assert.rejects(patchFile({ local: localPath, index, source, output: out, plan }), (err: unknown) => {
    // The whole-file digest differs; checking block by block then names the local file and the block.
    assert.ok(err instanceof VerificationError, String(err));
    assert.equal(err.message, `${localPath}: block 2 at offset ${100 + 2 * L} changed since it was scanned (md5 differs)`);
    return true;
  });
  await source.close();
  assert.equal(await exists(out), false);
  await noLeftovers();
});

test('an index whose whole-file digest disagrees with its blocks: named as such, nothing written', async () => {
  const refPath = await t.write('ref-corrupt', ref);
  const localPath = await t.write('local-corrupt', local);
  const good = await buildIndex(refPath, { blockSize: L, fileHash: 'sha256' });
  const digest = good.fileHash!.digest.slice();
  digest[0] ^= 1;
  const index = { ...good, fileHash: { algorithm: 'sha256', digest } };
  const out = t.path('out-corrupt');
  const source = fileSource(refPath);
  await assert.rejects(patchFile({ local: localPath, index, source, output: out, scan: { threads: 1 } }), (err: unknown) => {
    assert.ok(err instanceof VerificationError, String(err));
    assert.equal(
      err.message,
      `${out}: the sha256 of the result does not match the index, though every block matches its 16-byte digest (the index is corrupt, or a changed block collided with a short digest); nothing was written`,
    );
    return true;
  });
  await source.close();
  assert.equal(await exists(out), false);
  await noLeftovers();
});

test('a local file that shrank after its scan is reported', async () => {
  const refPath = await t.write('ref-shrank', ref);
  const localPath = await t.write('local-shrank', ref);
  const index = await buildIndex(refPath, { blockSize: L });
  const plan = makePlan(index, (await scanFile(localPath, index, { threads: 1 })).blockOffsets);
  await writeFile(localPath, ref.subarray(0, 10_000));
  const source = fileSource(refPath);
  await assert.rejects(patchFile({ local: localPath, index, source, output: t.path('out-shrank'), plan }), (err: unknown) => {
    assert.ok(err instanceof VerificationError, String(err));
    assert.ok(err.message.includes(localPath), err.message);
    assert.match(err.message, /shrank/);
    return true;
  });
  await source.close();
  await noLeftovers();
});

test('a source that returns too few bytes is reported naming it', async () => {
  const refPath = await t.write('ref-src', ref);
  const localPath = await t.write('local-src', local);
  const index = await buildIndex(refPath, { blockSize: L });
  const real = fileSource(refPath);
  const short: BlockSource = {
    name: 'https://example.org/ref',
    prepare: (e) => real.prepare(e),
    async *fetch(ranges) {
      for await (const b of real.fetch(ranges)) yield b.subarray(0, b.length - 1);
    },
    close: () => real.close(),
  };
  await assert.rejects(patchFile({ local: localPath, index, source: short, output: t.path('out-src'), scan: { threads: 1 } }), (err: unknown) => {
    assert.ok(err instanceof DeltasyncError, String(err));
    assert.equal(err.code, 'ESHORT');
    assert.match(err.message, /^https:\/\/example\.org\/ref: returned \d+ bytes for offset 4096/);
    return true;
  });
  await short.close();
  assert.equal(await exists(t.path('out-src')), false);
  await noLeftovers();
});

test('a plan made for another index is rejected', async () => {
  const refPath = await t.write('ref-plan', ref);
  const index = await buildIndex(refPath, { blockSize: L });
  const other = await buildIndex(refPath, { blockSize: 2 * L });
  const plan = makePlan(other, new Float64Array(other.blockCount).fill(-1));
  const source = fileSource(refPath);
  await assert.rejects(patchFile({ local: refPath, index, source, output: t.path('out-plan'), plan }), ArgumentError);
  await source.close();
  await noLeftovers();
});
