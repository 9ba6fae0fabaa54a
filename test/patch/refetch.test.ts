import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { VerificationError } from '../../src/errors/errors.js';
import { buildIndex } from '../../src/index/build.js';
import type { BlockIndex } from '../../src/index/block-index.js';
import { patchFile } from '../../src/patch/patch.js';
import { seededBytes } from '../helpers/random.js';
import { scriptedSource } from '../helpers/sources.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

// A reference of 16 blocks of 4 KiB and an empty local file: every block is fetched, in 16 ranges.
const ref = seededBytes(31, 16 * 4096);
let t: TempDir;
let index: BlockIndex;
let local: string;
before(async () => {
  t = await tempDir();
  index = await buildIndex(await t.write('ref', ref), { blockSize: 4096, threads: 1 });
  local = await t.write('local', new Uint8Array(0));
});
after(() => t.done());

const opts = { planOptions: { maxFetch: 4096 } };

test('a range that fails verification is fetched again once, and the patch succeeds', async () => {
  const src = scriptedSource('flaky', ref, (n) => (n === 3 ? 'corrupt' : undefined));
  const stats = await patchFile({ local, index, source: src, output: t.path('out1'), ...opts });
  assert.deepEqual(await readFile(t.path('out1')), Buffer.from(ref));
  assert.equal(stats.refetchedRanges, 1);
  assert.equal(src.asked.length, 17, '16 ranges and one of them again');
  assert.deepEqual(src.asked[4], src.asked[3], 'the bad range is asked for again at once');
  assert.equal(stats.fetchedBytes, ref.length + 4096);
});

test('a range bad twice fails the patch, naming the source and the offset; nothing is written', async () => {
  const src = scriptedSource('bad-twice', ref, (_, r) => (r.offset === 5 * 4096 ? 'corrupt' : undefined));
  await assert.rejects(
    patchFile({ local, index, source: src, output: t.path('out2'), ...opts }),
    (err: Error) => err instanceof VerificationError && /^bad-twice: block 5 at offset 20480 does not match the index/.test(err.message),
  );
  assert.equal(src.asked.filter((r) => r.offset === 5 * 4096).length, 2, 'asked twice, then gave up');
  assert.deepEqual((await readdir(t.dir)).filter((n) => n.startsWith('out2') || n.includes('deltasync-tmp')), []);
});

test('refetch: 0 fails on the first bad range; refetch: 3 tries three more times', async () => {
  const always = () => scriptedSource('always-bad', ref, (_, r) => (r.offset === 0 ? 'corrupt' : undefined));
  const none = always();
  await assert.rejects(patchFile({ local, index, source: none, output: t.path('out3'), refetch: 0, ...opts }), VerificationError);
  assert.equal(none.asked.filter((r) => r.offset === 0).length, 1);
  const three = always();
  await assert.rejects(patchFile({ local, index, source: three, output: t.path('out3'), refetch: 3, ...opts }), VerificationError);
  assert.equal(three.asked.filter((r) => r.offset === 0).length, 4);
});

test('a bad range is fetched again from the next mirror', async () => {
  const bad = scriptedSource('bad-mirror', ref, (_, r) => (r.offset === 7 * 4096 ? 'corrupt' : undefined));
  const good = scriptedSource('good-mirror', ref);
  const stats = await patchFile({ local, index, source: [bad, good], output: t.path('out4'), ...opts });
  assert.deepEqual(await readFile(t.path('out4')), Buffer.from(ref));
  assert.equal(stats.refetchedRanges, 1);
  assert.deepEqual(good.asked, [{ kind: 'fetch', offset: 7 * 4096, length: 4096 }]);
  assert.equal(good.prepared, 1, 'a mirror is prepared before it is used');
});

test('a source that fails mid-transfer gives way to the next mirror for the rest', async () => {
  const dying = scriptedSource('dying', ref, (n) => (n === 6 ? 'fail' : undefined));
  const good = scriptedSource('good', ref);
  const stats = await patchFile({ local, index, source: [dying, good], output: t.path('out5'), ...opts });
  assert.deepEqual(await readFile(t.path('out5')), Buffer.from(ref));
  assert.equal(dying.asked.length, 7);
  assert.equal(good.asked.length, 10, 'the ten ranges the first source did not deliver');
  assert.equal(stats.fetchedBytes, ref.length);
});

test('a first source that cannot be prepared is passed over for the next; with none ready, the first error is thrown', async () => {
  const down = scriptedSource('down', ref, undefined, new Error('down: connection refused'));
  const good = scriptedSource('good', ref);
  await patchFile({ local, index, source: [down, good], output: t.path('out6'), ...opts });
  assert.deepEqual(await readFile(t.path('out6')), Buffer.from(ref));
  assert.equal(down.asked.length, 0);
  const down2 = scriptedSource('down2', ref, undefined, new Error('down2: connection refused'));
  await assert.rejects(patchFile({ local, index, source: [down2, scriptedSource('x', ref, undefined, new Error('x: 404'))], output: t.path('out7') }), /down2: connection refused/);
});

test('a patch reports its time per phase, adding up to the whole', async () => {
  const stats = await patchFile({ local, index, source: scriptedSource('timed', ref), output: t.path('out-timed') });
  const { prepare, scan, transfer, commit } = stats.phases;
  for (const v of [prepare, scan, transfer, commit]) assert.ok(v >= 0);
  assert.ok(Math.abs(prepare + scan + transfer + commit - stats.milliseconds) < 1, JSON.stringify(stats.phases));
});

test('a masked index that keeps bits it says it drops still verifies fetched blocks (only the kept bits are compared)', async () => {
  const { verifyBlocks } = await import('../../src/patch/verify.js');
  const { loadStrongHash } = await import('../../src/checksum/registry.js');
  const md5 = await loadStrongHash('md5');
  // The index keeps every bit of its weak sums, but says only the high half counts.
  const masked = { ...index, weakMask: 0xffff0000 | 0 };
  assert.doesNotThrow(() => verifyBlocks(ref.subarray(0, 4096), 0, masked, md5, 'x'));
  const other = { ...index, weakMask: 0xffff0000 | 0, weak: index.weak.map((w) => w ^ 0x1) };
  assert.doesNotThrow(() => verifyBlocks(ref.subarray(0, 4096), 0, other, md5, 'x'), 'a difference in dropped bits is not a mismatch');
});
