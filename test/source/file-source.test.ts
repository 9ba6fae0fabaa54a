import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { DeltasyncError } from '../../src/errors/errors.js';
import type { ByteRange } from '../../src/source/block-source.js';
import { fileSource } from '../../src/source/file-source.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const data = seededBytes(1, 100_000);
let t: TempDir;
let path: string;
before(async () => {
  t = await tempDir();
  path = await t.write('ref', data);
});
after(() => t.done());

async function collect(ranges: readonly ByteRange[], p = path): Promise<Uint8Array[]> {
  const src = fileSource(p);
  try {
    const out: Uint8Array[] = [];
    for await (const b of src.fetch(ranges)) out.push(b.slice());
    return out;
  } finally {
    await src.close();
  }
}

test('fileSource yields the exact bytes of each range, in the order asked', async () => {
  const ranges = [
    { offset: 50_000, length: 10 },
    { offset: 0, length: 1 },
    { offset: 99_999, length: 1 },
    { offset: 0, length: 100_000 },
    { offset: 1234, length: 0 },
    { offset: 100_000, length: 0 },
    { offset: 7, length: 8192 },
  ];
  const got = await collect(ranges);
  assert.equal(got.length, ranges.length);
  for (const [i, r] of ranges.entries()) {
    assert.deepEqual(got[i], data.subarray(r.offset, r.offset + r.length), `range ${r.offset}+${r.length}`);
  }
});

test('property: any ranges inside the file come back exactly', async () => {
  const range = fc.integer({ min: 0, max: data.length }).chain((offset) =>
    fc.integer({ min: 0, max: data.length - offset }).map((length) => ({ offset, length })),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(range, { maxLength: 10 }), async (ranges) => {
      const got = await collect(ranges);
      assert.equal(got.length, ranges.length);
      ranges.forEach((r, i) => assert.deepEqual(got[i], data.subarray(r.offset, r.offset + r.length)));
    }),
    { numRuns: 50 },
  );
});

test('a range past the end of the file throws a DeltasyncError naming the path and offsets', async () => {
  for (const r of [
    { offset: 99_990, length: 20 },
    { offset: 100_000, length: 1 },
    { offset: 200_000, length: 10 },
  ]) {
    await assert.rejects(collect([{ offset: 0, length: 5 }, r]), (err: unknown) => {
      assert.ok(err instanceof DeltasyncError, String(err));
      assert.equal(err.code, 'ESHORT');
      assert.ok(err.message.includes(path), err.message);
      assert.match(err.message, new RegExp(`bytes up to ${r.offset + r.length}\\b`));
      return true;
    });
  }
});

test('the ranges before a bad one are yielded before it throws', async () => {
  const src = fileSource(path);
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const b of src.fetch([{ offset: 10, length: 3 }, { offset: 99_999, length: 2 }])) got.push(b.length);
  }, DeltasyncError);
  assert.deepEqual(got, [3]);
  await src.close();
});

test('a missing file is reported naming the path when fetched from', async () => {
  const missing = t.path('missing');
  const src = fileSource(missing);
  assert.equal(src.name, missing);
  await assert.rejects(collect([{ offset: 0, length: 1 }], missing), (err: unknown) => {
    assert.ok(err instanceof DeltasyncError);
    assert.equal(err.code, 'ENOENT');
    assert.ok(err.message.includes(missing), err.message);
    return true;
  });
  await src.close();
});

test('close is safe before any fetch and twice; the source can be used again after close', async () => {
  const src = fileSource(path);
  await src.close();
  const read = async () => {
    const out: Uint8Array[] = [];
    for await (const b of src.fetch([{ offset: 3, length: 4 }])) out.push(b);
    return out[0];
  };
  assert.deepEqual(await read(), data.subarray(3, 7));
  await src.close();
  await src.close();
  assert.deepEqual(await read(), data.subarray(3, 7));
  await src.close();
});
