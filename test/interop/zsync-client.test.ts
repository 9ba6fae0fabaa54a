import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { encodeIndex } from '../../src/format/index-file.js';
import { zsyncIndex } from '../../src/format/zsync.js';
import { buildIndex } from '../../src/index/build.js';
import { startStaticServer } from '../../src/serve/static-server.js';
import { nginxMissing, startNginx } from '../helpers/nginx.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { FIXED_MTIME, requireTool, run } from '../helpers/zsync-tools.js';

let t: TempDir;
let server: { url: string; close(): Promise<void> };
before(async () => {
  t = await tempDir('deltasync-zsync-client-');
  await mkdir(t.path('www'));
  await mkdir(t.path('work'));
  // nginx as CI has it (a failure there when missing); elsewhere deltasync's own static server will do.
  const missing = nginxMissing();
  if (missing && process.env.CI) throw new Error(missing);
  server = missing ? await startStaticServer({ root: t.path('www') }) : await startNginx(t.path('www'));
});
after(async () => {
  await server?.close();
  await t?.done();
});

/** `ref` with a few bytes changed, some inserted and some removed: an older copy that shares most blocks. */
function edited(ref: Uint8Array): Uint8Array {
  const n = ref.length;
  const a = Buffer.from(ref.subarray(0, Math.floor(n * 0.3)));
  const changed = Buffer.from(ref.subarray(Math.floor(n * 0.3), Math.floor(n * 0.6)));
  changed.fill(7, 100, 160);
  const inserted = Buffer.alloc(333, 9);
  const rest = Buffer.from(ref.subarray(Math.floor(n * 0.6) + 1000));
  return Buffer.concat([a, changed, inserted, rest]);
}

const cases = [
  { name: 'short tail, 2048-byte blocks', size: 300_001, blockSize: 2048 },
  { name: '512-byte blocks', size: 50_000, blockSize: 512 },
  { name: 'exact multiple of 4096', size: 4096 * 40, blockSize: 4096 },
  { name: 'smaller than one block', size: 700, blockSize: 2048 },
];

for (const c of cases) {
  test(`the real zsync client rebuilds a file from an edited copy with deltasync's control file (${c.name})`, async (ctx) => {
    if (!(await requireTool(ctx, 'zsync'))) return;
    const file = `ref-${c.size}-${c.blockSize}.bin`;
    const ref = seededBytes(c.size, c.size);
    if (ref[0] === 0x1f) ref[0] = 0;
    const refPath = t.path(`www/${file}`);
    await writeFile(refPath, ref);
    const full = await buildIndex(refPath, { blockSize: c.blockSize, strongHash: 'md4', fileHash: 'sha1', paddedTail: true });
    await writeFile(t.path(`www/${file}.zsync`), encodeIndex(zsyncIndex(full, { url: file, filename: file, mtime: FIXED_MTIME }), 'zsync'));
    const seed = t.path(`work/old-${file}`);
    await writeFile(seed, edited(ref));
    const out = t.path(`work/new-${file}`);

    const r = await run('zsync', ['-i', seed, '-o', out, `${server.url}${file}.zsync`], { cwd: t.path('work'), timeoutMs: 60_000 });
    assert.equal(r.code, 0, `zsync exited with ${r.code}: ${r.stderr}`);
    assert.ok(Buffer.from(ref).equals(await readFile(out)), 'the rebuilt file is the reference');
    const used = /used (\d+) local, fetched (\d+)/.exec(r.stdout + r.stderr);
    assert.ok(used, `zsync reports what it used: ${r.stdout} ${r.stderr}`);
    ctx.diagnostic(`zsync ${used[0]} (${c.size} bytes)`);
    if (c.size > 4 * c.blockSize) {
      assert.ok(Number(used[1]) > c.size / 2, `most of the file came from the seed: ${used[0]}`);
      assert.ok(Number(used[2]) < c.size / 2, `less than half was fetched: ${used[0]}`);
    }
  });
}

test("the real zsync client rebuilds a file through deltasync's own server (multi-range answers it can read)", async (ctx) => {
  if (!(await requireTool(ctx, 'zsync'))) return;
  const file = 'served-by-deltasync.bin';
  const ref = seededBytes(77, 400_000);
  const refPath = t.path(`www/${file}`);
  await writeFile(refPath, ref);
  const full = await buildIndex(refPath, { blockSize: 2048, strongHash: 'md4', fileHash: 'sha1', paddedTail: true });
  await writeFile(t.path(`www/${file}.zsync`), encodeIndex(zsyncIndex(full, { url: file, filename: file, mtime: FIXED_MTIME }), 'zsync'));
  // Edits in three places: zsync asks for several ranges in one request.
  const old = Buffer.from(ref);
  for (const at of [50_000, 200_000, 350_000]) old.fill(1, at, at + 3000);
  const seed = t.path('work/old-served.bin');
  await writeFile(seed, old);
  const out = t.path('work/new-served.bin');
  const own = await startStaticServer({ root: t.path('www') });
  try {
    // Before the fix zsync 0.6.2 never finished: it expects a line break before the first part's boundary.
    const r = await run('zsync', ['-i', seed, '-o', out, `${own.url}${file}.zsync`], { cwd: t.path('work'), timeoutMs: 30_000 });
    assert.equal(r.code, 0, `zsync exited with ${r.code}: ${r.stderr.slice(-300)}`);
    assert.ok(Buffer.from(ref).equals(await readFile(out)), 'the rebuilt file is the reference');
  } finally {
    await own.close();
  }
});
