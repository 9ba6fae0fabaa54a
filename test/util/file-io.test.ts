import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeltasyncError, VerificationError } from '../../src/errors/errors.js';
import { forEachPiece, readExactly, withRegularFile } from '../../src/util/file-io.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
let path: string;
const data = seededBytes(9, 10_000);
before(async () => {
  t = await tempDir();
  path = await t.write('f', data);
});
after(() => t.done());

test('readExactly reads the bytes asked for', async () => {
  const buf = new Uint8Array(100);
  await withRegularFile(path, (fh) => readExactly(fh, buf, 100, 9_900, path, 'unused'));
  assert.deepEqual(buf, data.subarray(9_900));
});

test('readExactly past the end names the file, the problem and the offsets', async () => {
  await withRegularFile(path, async (fh) => {
    await assert.rejects(readExactly(fh, new Uint8Array(200), 200, 9_900, path, 'shrank while it was read'), (err: Error) => {
      assert.ok(err instanceof DeltasyncError && err.code === 'ESHORT');
      assert.equal(err.message, `${path}: shrank while it was read (it ends at offset 10000, bytes up to 10100 are needed)`);
      return true;
    });
    await assert.rejects(readExactly(fh, new Uint8Array(1), 1, 10_000, path, 'changed', (m) => new VerificationError(m)), VerificationError);
    // A read that starts past the end still gives the real end of the file.
    await assert.rejects(readExactly(fh, new Uint8Array(100), 100, 50_000, path, 'is short'), {
      message: `${path}: is short (it ends at offset 10000, bytes up to 50100 are needed)`,
    });
  });
});

test('forEachPiece streams a range in pieces, in order, and fails on a short file', async () => {
  const seen: number[] = [];
  const got: Uint8Array[] = [];
  await withRegularFile(path, async (fh) => {
    await forEachPiece(fh, path, 1_000, 9_500, 3_000, 'x', (d, off) => {
      seen.push(off);
      got.push(d.slice());
    });
    await assert.rejects(forEachPiece(fh, path, 0, 12_000, 4_096, 'shrank', () => {}), /shrank \(it ends at offset 10000, bytes up to 12000 are needed\)/);
  });
  assert.deepEqual(seen, [1_000, 4_000, 7_000]);
  assert.deepEqual(Buffer.concat(got), Buffer.from(data.subarray(1_000, 9_500)));
});

test('forEachPiece reads into two buffers of `into` (the next piece while this one is worked on), and a failing onPiece stops it with its own error', async () => {
  const asked: number[] = [];
  const seen: number[] = [];
  await withRegularFile(path, async (fh) => {
    const into = (n: number) => {
      asked.push(n);
      return new Uint8Array(n);
    };
    await assert.rejects(
      forEachPiece(fh, path, 0, 10_000, 2_000, 'x', (d, off) => {
        // This piece's bytes stay as read while the next one is being read beside them.
        assert.deepEqual(d, data.subarray(off, off + 2_000));
        seen.push(off);
        if (off === 4_000) throw new Error('stop here');
      }, into),
      /stop here/,
    );
  });
  assert.deepEqual(asked, [4_000]);
  assert.deepEqual(seen, [0, 2_000, 4_000]);
});

test('withRegularFile closes the file when the work fails', async () => {
  let handle: { fd: number } | undefined;
  await assert.rejects(
    withRegularFile(path, async (fh) => {
      handle = fh;
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(handle?.fd, -1);
});
