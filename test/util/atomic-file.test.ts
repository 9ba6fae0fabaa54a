import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { after, before, test } from 'node:test';
import { DeltasyncError } from '../../src/errors/errors.js';
import { AtomicFile, EARLY_SYNC_BYTES, removeTempFilesNow } from '../../src/util/atomic-file.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

const temps = async () => (await readdir(t.dir)).filter((n) => n.endsWith('.deltasync-tmp'));

test('nothing appears at the target until commit, which renames into place', async () => {
  const target = t.path('a');
  await writeFile(target, 'old');
  const f = await AtomicFile.create(target);
  await f.handle.writeFile('new');
  assert.equal(await readFile(target, 'utf8'), 'old');
  assert.equal((await temps()).length, 1);
  await f.commit();
  assert.equal(await readFile(target, 'utf8'), 'new');
  assert.deepEqual(await temps(), []);
});

test('abort removes the temporary file and leaves the target alone', async () => {
  const target = t.path('b');
  await writeFile(target, 'keep');
  const f = await AtomicFile.create(target);
  await f.handle.writeFile('discard');
  await f.abort();
  assert.equal(await readFile(target, 'utf8'), 'keep');
  assert.deepEqual(await temps(), []);
});

test('removeTempFilesNow (run on a signal) removes every uncommitted temporary file', async () => {
  const f1 = await AtomicFile.create(t.path('c'));
  const f2 = await AtomicFile.create(t.path('d'));
  assert.equal((await temps()).length, 2);
  removeTempFilesNow();
  assert.deepEqual(await temps(), []);
  await f1.abort();
  await f2.abort();
});

test('a symbolic link is followed: the file it points to is replaced, the link kept', async () => {
  await writeFile(t.path('real'), 'old');
  await symlink(t.path('real'), t.path('link'));
  const f = await AtomicFile.create(t.path('link'));
  await f.handle.writeFile('new');
  await f.commit();
  assert.ok((await lstat(t.path('link'))).isSymbolicLink());
  assert.equal(await readFile(t.path('real'), 'utf8'), 'new');
});

test('a new file takes the given mode; a replaced one keeps its own', async () => {
  const f = await AtomicFile.create(t.path('fresh'), 0o600);
  await f.commit();
  assert.equal((await lstat(t.path('fresh'))).mode & 0o777, 0o600);
  const g = await AtomicFile.create(t.path('fresh'), 0o644);
  await g.commit();
  assert.equal((await lstat(t.path('fresh'))).mode & 0o777, 0o600);
});

test('a dangling symbolic link is followed: its target is created and the link kept', async () => {
  await symlink(t.path('not-yet'), t.path('dangling'));
  const f = await AtomicFile.create(t.path('dangling'));
  await f.handle.writeFile('made');
  await f.commit();
  assert.ok((await lstat(t.path('dangling'))).isSymbolicLink());
  assert.equal(await readFile(t.path('not-yet'), 'utf8'), 'made');
});

test('a FIFO, device or socket at the target is refused, never replaced', async () => {
  const fifo = t.path('a-fifo');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(AtomicFile.create(fifo), (err: Error) => err instanceof DeltasyncError && err.code === 'ENOTREG' && err.message === `cannot write ${fifo}: not a regular file (a device, FIFO or socket)`);
  assert.ok((await lstat(fifo)).isFIFO());
  await mkdir(t.path('a-folder'));
  await assert.rejects(AtomicFile.create(t.path('a-folder')), /a-folder: is a directory, not a file/);
  assert.deepEqual(await temps(), []);
});

test('a temporary file that will replace a file is private while it is written', async () => {
  await writeFile(t.path('private'), 'secret', { mode: 0o640 });
  await chmod(t.path('private'), 0o640);
  const f = await AtomicFile.create(t.path('private'));
  assert.equal((await lstat(f.tempPath)).mode & 0o777, 0o600);
  await f.commit();
  assert.equal((await lstat(t.path('private'))).mode & 0o777, 0o640);
});

test('a new file without a mode gets the mode any new file gets here (the umask)', async () => {
  await writeFile(t.path('usual'), '');
  const f = await AtomicFile.create(t.path('new-usual'));
  await f.commit();
  assert.equal((await lstat(t.path('new-usual'))).mode & 0o777, (await lstat(t.path('usual'))).mode & 0o777);
});

test('a relative link in a folder reached through a link is resolved where the link really is', async () => {
  // via/alias → via/real/dir, and via/real/dir/out → ../target, which the kernel reads as via/real/target.
  await mkdir(t.path('via/real/dir'), { recursive: true });
  await symlink(t.path('via/real/dir'), t.path('via/alias'));
  await symlink('../target', t.path('via/real/dir/out'));
  const f = await AtomicFile.create(t.path('via/alias/out'));
  await f.handle.writeFile('through');
  await f.commit();
  assert.equal(await readFile(t.path('via/real/target'), 'utf8'), 'through');
  assert.equal(await readFile(t.path('via/alias/out'), 'utf8'), 'through');
  await assert.rejects(readFile(t.path('via/target')), { code: 'ENOENT' });
});

test('a target whose name is as long as a name can be still works (the temporary name is shortened)', async () => {
  for (const name of ['x'.repeat(255), 'é'.repeat(127)]) {
    const f = await AtomicFile.create(t.path(name));
    assert.ok(Buffer.byteLength(basename(f.tempPath)) <= 255);
    await f.handle.writeFile('long');
    await f.commit();
    assert.equal(await readFile(t.path(name), 'utf8'), 'long');
  }
});

test('a kept temporary file does not replace a longer one kept before (abort and signal alike); a shorter one it does replace', async () => {
  const keepAs = t.path('kept.part');
  await writeFile(keepAs, 'a longer partial result');
  const f = await AtomicFile.create(t.path('kept'), undefined, keepAs);
  await f.handle.writeFile('short');
  await f.abort();
  assert.equal(await readFile(keepAs, 'utf8'), 'a longer partial result');
  const g = await AtomicFile.create(t.path('kept'), undefined, keepAs);
  await g.handle.writeFile('short too');
  removeTempFilesNow();
  assert.equal(await readFile(keepAs, 'utf8'), 'a longer partial result');
  await g.abort();
  const h = await AtomicFile.create(t.path('kept'), undefined, keepAs);
  await h.handle.writeFile('an even longer partial result');
  removeTempFilesNow();
  assert.equal(await readFile(keepAs, 'utf8'), 'an even longer partial result');
  await h.abort();
  assert.deepEqual(await temps(), []);
});

test('setuid, setgid and sticky bits are never passed on: not from the file replaced, nor from the mode given', async () => {
  await writeFile(t.path('suid'), 'old');
  await chmod(t.path('suid'), 0o7755);
  assert.equal((await lstat(t.path('suid'))).mode & 0o7777, 0o7755, 'the test file system keeps the bits');
  const f = await AtomicFile.create(t.path('suid'));
  await f.handle.writeFile('new');
  await f.commit();
  assert.equal((await lstat(t.path('suid'))).mode & 0o7777, 0o755);
  const g = await AtomicFile.create(t.path('new-suid'), 0o6750);
  assert.equal((await lstat(g.tempPath)).mode & 0o7000, 0, 'not while it is written either');
  await g.commit();
  assert.equal((await lstat(t.path('new-suid'))).mode & 0o7777, 0o750);
});

test('early syncs while writing: every byte arrives, and the commit completes', async () => {
  const target = t.path('early');
  const f = await AtomicFile.create(target);
  const piece = new Uint8Array(EARLY_SYNC_BYTES / 4).fill(7);
  for (let i = 0; i < 9; i++) {
    await f.handle.write(piece, 0, piece.length, i * piece.length);
    f.noteWritten(piece.length);
  }
  await f.commit();
  const got = await readFile(target);
  assert.equal(got.length, 9 * piece.length);
  assert.ok(got.every((b) => b === 7));
});

test('an early sync that fails makes the commit fail, and the target is left alone', async () => {
  const target = t.path('early-fails');
  await writeFile(target, 'old');
  const f = await AtomicFile.create(target);
  await f.handle.close(); // the background sync then fails: the file cannot be vouched for
  f.noteWritten(EARLY_SYNC_BYTES);
  await assert.rejects(f.commit());
  assert.equal(await readFile(target, 'utf8'), 'old');
  assert.deepEqual(await temps(), []);
});

test('durable (the default) syncs the data and the folder; not durable syncs nothing, and still renames into place', async () => {
  const { countSyncs } = await import('../helpers/sync-count.js');
  const write = (durable: boolean) => async () => {
    const f = await AtomicFile.create(t.path(`durable-${durable}`), undefined, undefined, durable);
    const piece = new Uint8Array(EARLY_SYNC_BYTES).fill(3);
    await f.handle.write(piece, 0, piece.length, 0);
    f.noteWritten(piece.length);
    await f.commit();
    assert.equal((await readFile(t.path(`durable-${durable}`))).length, piece.length);
  };
  assert.ok((await countSyncs(write(true))).syncs >= 3, 'an early data sync, the file, the folder');
  assert.equal((await countSyncs(write(false))).syncs, 0);
  assert.deepEqual(await temps(), []);
});
