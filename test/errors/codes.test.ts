import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { DeltasyncError, errorCodes, errorFromWire, errorToWire, fsError, IndexFormatError, VerificationError } from '../../src/errors/errors.js';
import { readIndexFile } from '../../src/format/index-file.js';
import { buildIndex } from '../../src/index/build.js';
import { AtomicFile } from '../../src/util/atomic-file.js';
import { openRegularFile } from '../../src/util/file-io.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

const code = (c: string) => (err: unknown) => err instanceof DeltasyncError && err.code === c;

test('a FIFO is ENOTREG wherever it is met: read as data, read as an index, built, or written to', async () => {
  const fifo = t.path('fifo');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(openRegularFile(fifo), code('ENOTREG'));
  await assert.rejects(readIndexFile(fifo), code('ENOTREG'));
  await assert.rejects(buildIndex(fifo), code('ENOTREG'));
  await assert.rejects(AtomicFile.create(fifo), code('ENOTREG'));
});

test('a directory is EISDIR wherever it is met', async () => {
  await assert.rejects(openRegularFile(t.dir), code('EISDIR'));
  await assert.rejects(AtomicFile.create(t.dir), code('EISDIR'));
});

test('file-system codes keep their name; unknown ones are EIO; every code used is in the documented list', () => {
  const e = (c: string) => Object.assign(new Error(`raw ${c}`), { code: c });
  assert.equal((fsError(e('ENOENT'), 'x', 'read') as DeltasyncError).code, 'ENOENT');
  assert.equal((fsError(e('ENAMETOOLONG'), 'x', 'write') as DeltasyncError).code, 'ENAMETOOLONG');
  const odd = fsError(e('EWEIRD'), 'x', 'read') as DeltasyncError;
  assert.equal(odd.code, 'EIO');
  assert.match(odd.message, /^cannot read x: raw EWEIRD$/);
  for (const c of ['EARG', 'EFORMAT', 'EMISMATCH', 'ESHORT', 'ECHANGED', 'ENOTREG', 'EIO', 'EHTTP', 'ENETWORK', 'EUNSUPPORTED', 'EABORT', 'EWORKER']) {
    assert.ok(errorCodes.includes(c as never), c);
  }
});

test('an error survives the trip to another thread with its class, code and chain of causes', () => {
  const inner = new RangeError('deepest');
  const mid = new DeltasyncError('middle', 'ENETWORK', { cause: inner });
  const outer = new VerificationError('outer: block 3 differs', { cause: mid });
  const back = errorFromWire(structuredClone(errorToWire(outer)));
  assert.ok(back instanceof VerificationError);
  assert.equal(back.message, outer.message);
  const c1 = back.cause as DeltasyncError;
  assert.ok(c1 instanceof DeltasyncError);
  assert.equal(c1.code, 'ENETWORK');
  assert.equal((c1.cause as Error).name, 'RangeError');
  assert.equal((c1.cause as Error).message, 'deepest');
  assert.ok(errorFromWire(errorToWire(new IndexFormatError('x'))) instanceof IndexFormatError);
});
