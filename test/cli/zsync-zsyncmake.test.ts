import assert from 'node:assert/strict';
import { mkdir, readFile, stat, utimes } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertFileBytes, assertOk, oneJson, runCli, type Served, serveNginx, withEdits } from '../helpers/cli-run.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { FIXED_MTIME, requireTool, zsyncmake } from '../helpers/zsync-tools.js';

// The real zsyncmake writes the control file, nginx serves it and the file, and `deltasync patch`
// rebuilds the file from an edited copy; `deltasync build` writes the same control file byte for byte.
const cases = [
  { size: 50_000, blockSize: 512 },
  { size: 300_001, blockSize: 2048 },
  { size: 4096 * 40, blockSize: 4096 },
  { size: 100_003, blockSize: 4096 },
  { size: 250_000, blockSize: 8192 },
  { size: 700, blockSize: 2048 }, // smaller than one block
  { size: 0, blockSize: 2048 }, // empty
  { size: 123_457, blockSize: undefined }, // zsyncmake's own choice of block size
];
const name = (c: (typeof cases)[number]) => `f-${c.size}-${c.blockSize ?? 'auto'}.bin`;
const data = (c: (typeof cases)[number]) => seededBytes(1600 + c.size, c.size);
const edited = (c: (typeof cases)[number]) => (c.size === 0 ? seededBytes(1, 3000) : withEdits(data(c), [0.25, 0.5, 0.75].map((f) => Math.floor(c.size * f))));

let t: TempDir;
let server: Served | undefined;
let ready = false;
before(async () => {
  t = await tempDir('deltasync-zsyncmake-');
  await mkdir(t.path('www'));
  await mkdir(t.path('work'));
});
after(async () => {
  await server?.close();
  await t?.done();
});

/** zsyncmake's control files (and the inputs) in www/, nginx on it; false when the test is skipped. */
async function setUp(ctx: Parameters<typeof requireTool>[0]): Promise<boolean> {
  if (!(await requireTool(ctx, 'zsyncmake'))) return false;
  if (ready) return server !== undefined;
  ready = true;
  for (const c of cases) {
    await t.write(`www/${name(c)}`, data(c));
    await zsyncmake(name(c), `${name(c)}.zsync`, { blockSize: c.blockSize, urls: [name(c)], cwd: t.path('www') });
    await t.write(`work/old-${name(c)}`, edited(c));
  }
  server = await serveNginx(ctx, t.path('www'));
  return server !== undefined;
}

for (const c of cases) {
  test(`zsyncmake ${c.blockSize ? `-b ${c.blockSize}` : '(default block size)'}, ${c.size} bytes → deltasync patch over nginx → identical output`, async (ctx) => {
    if (!(await setUp(ctx))) return;
    const out = t.path(`work/new-${name(c)}`);
    const old = t.path(`work/old-${name(c)}`);
    const r = await runCli(['--json', 'patch', old, `${server!.url}${name(c)}.zsync`, '-o', out]);
    assertOk(r);
    await assertFileBytes(out, data(c));
    await assertFileBytes(old, edited(c));
    const j = oneJson(r.stdout);
    assert.equal(j.reference, `${server!.url}${name(c)}`, 'the URL in the control file, relative to it');
    assert.equal(j.fileSize, c.size);
    assert.equal(j.reusedBytes + j.fetchedBytes, c.size);
    assert.equal(j.refetchedRanges, 0);
    if (c.size > 0) assert.equal(j.http.bodyBytes, j.fetchedBytes);
  });
}

test(
  'zsyncmake control files: deltasync reuses the unchanged blocks of the edited copy (fetches at most 2 blocks per edit, plus the tail)',
  async (ctx) => {
    if (!(await setUp(ctx))) return;
    for (const c of cases.filter((x) => x.blockSize !== undefined && x.size >= 16 * x.blockSize)) {
      const r = await runCli(['--json', 'patch', t.path(`work/old-${name(c)}`), `${server!.url}${name(c)}.zsync`, '-o', t.path(`work/reuse-${name(c)}`)]);
      assertOk(r);
      const j = oneJson(r.stdout);
      assert.ok(j.fetchedBytes <= 7 * c.blockSize!, `${name(c)}: fetched ${j.fetchedBytes} of ${c.size}`);
      await assertFileBytes(t.path(`work/reuse-${name(c)}`), data(c));
    }
  },
);

for (const c of cases) {
  test(`deltasync build -o x.zsync ${c.blockSize ? `-b ${c.blockSize}` : ''} -u ${name(c)}, ${c.size} bytes: byte for byte zsyncmake's`, async (ctx) => {
    if (!(await setUp(ctx))) return;
    const mine = `${name(c)}.deltasync.zsync`;
    await utimes(t.path(`www/${name(c)}`), FIXED_MTIME, FIXED_MTIME);
    const r = await runCli(['build', name(c), '-o', mine, ...(c.blockSize ? ['-b', String(c.blockSize)] : []), '-u', name(c)], { cwd: t.path('www') });
    assertOk(r);
    assert.equal((await stat(t.path(`www/${name(c)}`))).mtimeMs, FIXED_MTIME.getTime());
    const theirs = await readFile(t.path(`www/${name(c)}.zsync`));
    await assertFileBytes(t.path(`www/${mine}`), theirs);
  });
}

test('deltasync build -o x.zsync with two -u: byte for byte zsyncmake with the same two -u', async (ctx) => {
  if (!(await setUp(ctx))) return;
  const c = cases[1];
  const urls = ['http://mirror-a.example/f.bin', `../other/${name(c)}`];
  await zsyncmake(name(c), 'two.zsync', { blockSize: c.blockSize, urls, cwd: t.path('www') });
  assertOk(await runCli(['build', name(c), '-o', 'two.deltasync.zsync', '-b', String(c.blockSize), ...urls.flatMap((u) => ['-u', u])], { cwd: t.path('www') }));
  await assertFileBytes(t.path('www/two.deltasync.zsync'), await readFile(t.path('www/two.zsync')));
});

test('diff works on a .zsync control file (a path and a URL): the same figures', async (ctx) => {
  if (!(await setUp(ctx))) return;
  const c = cases[1];
  const old = t.path(`work/old-${name(c)}`);
  const local = await runCli(['--json', 'diff', old, t.path(`www/${name(c)}.zsync`)]);
  assertOk(local);
  const j = oneJson(local.stdout);
  assert.equal(j.blockSize, 2048);
  assert.equal(j.blocks, 147);
  assert.equal(j.fileSize, 300_001);
  assert.equal(j.localSize, 300_001);
  assert.equal(j.matchedBytes + j.fetchBytes, 300_001);
  assert.deepEqual(j.seeds, [old]);
  const remote = await runCli(['--json', 'diff', old, `${server!.url}${name(c)}.zsync`]);
  assertOk(remote);
  const k = oneJson(remote.stdout);
  for (const f of ['blockSize', 'blocks', 'fileSize', 'matchedBlocks', 'matchedBytes', 'fetchBytes', 'fetchRegions']) assert.equal(k[f], j[f], f);
  const text = await runCli(['diff', old, t.path(`www/${name(c)}.zsync`)]);
  assertOk(text);
  assert.match(text.stdout, /^Block size: {6}2,048\nBlocks: {10}147 \(293\.0 KiB\)\nMatched blocks: {2}\d+ \(\d+\.\d%\)\n/);
});
