import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { HttpSource } from '../../src/source/http-source.js';
import { useFaultServer } from '../helpers/fault-fixture.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const { data, ranges, withSource } = useFaultServer();

/** Takes the next range and keeps only a weak reference to the memory it came in. */
async function takeWeakly(it: AsyncIterator<Uint8Array>, expect: Uint8Array): Promise<WeakRef<ArrayBufferLike>> {
  const r = await it.next();
  assert.equal(r.done, false);
  assert.deepEqual(r.value, expect);
  return new WeakRef(r.value.buffer);
}

test('the bytes of ranges already taken are not kept while a long fetch goes on', async () => {
  await withSource({ maxRangesPerRequest: 1, readAhead: 16_384 }, async (src: HttpSource) => {
    const it = src.fetch(ranges)[Symbol.asyncIterator]();
    try {
      const first = await takeWeakly(it, data.subarray(ranges[0].offset, ranges[0].offset + ranges[0].length));
      await takeWeakly(it, data.subarray(ranges[1].offset, ranges[1].offset + ranges[1].length));
      await takeWeakly(it, data.subarray(ranges[2].offset, ranges[2].offset + ranges[2].length));
      for (let i = 0; i < 5 && first.deref() !== undefined; i++) {
        await sleep(10);
        gc();
      }
      assert.equal(first.deref(), undefined, 'the first range\'s buffer is still held by the source');
    } finally {
      await it.return?.();
    }
  });
});
