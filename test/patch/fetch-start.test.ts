/**
 * VerifiedFetcher.start: the requests go out before the first span is asked for (the patcher
 * has copies to make and the output to hash meanwhile), and a fetcher closed before it took
 * that span stops it instead of waiting for it.
 */
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { test } from 'node:test';
import { loadStrongHash } from '../../src/checksum/registry.js';
import { sumBlocks } from '../../src/index/build-sums.js';
import type { BlockIndex } from '../../src/index/block-index.js';
import { VerifiedFetcher } from '../../src/patch/fetch-verified.js';
import type { FetchSpan } from '../../src/plan/plan.js';
import type { BlockSource, ByteRange, FetchOptions } from '../../src/source/block-source.js';
import { seededBytes } from '../helpers/random.js';

const L = 1024;
const ref = seededBytes(21, 8 * L);

async function indexOf(data: Uint8Array): Promise<BlockIndex> {
  const md5 = await loadStrongHash('md5');
  const blockCount = data.length / L;
  const weak = new Int32Array(blockCount);
  const strong = new Uint8Array(blockCount * 16);
  sumBlocks(data, 0, { blockSize: L, hash: 'md5', strongLength: 16, paddedTail: false, weak, strong }, md5);
  return { fileSize: data.length, blockSize: L, blockCount, strongHash: 'md5', strongLength: 16, weak, strong };
}

const spans: FetchSpan[] = [
  { kind: 'fetch', offset: 2 * L, length: 2 * L },
  { kind: 'fetch', offset: 6 * L, length: L },
];

test('start() sends the requests before the first span is asked for, and next() hands out what they brought', async () => {
  const asked: number[] = [];
  const source: BlockSource = {
    name: 'recording-source',
    prepare: async () => {},
    async *fetch(ranges: readonly ByteRange[]) {
      for (const r of ranges) {
        asked.push(r.offset);
        yield ref.slice(r.offset, r.offset + r.length);
      }
    },
    close: async () => {},
  };
  const index = await indexOf(ref);
  const fetcher = new VerifiedFetcher([source], spans, index, await loadStrongHash('md5'), 1);
  fetcher.start();
  await tick();
  assert.deepEqual(asked, [2 * L], 'the first span was asked for before next()');
  assert.deepEqual(await fetcher.next(), ref.subarray(2 * L, 4 * L));
  assert.deepEqual(await fetcher.next(), ref.subarray(6 * L, 7 * L));
  await fetcher.close();
  assert.equal(fetcher.fetchedBytes, 3 * L);
});

test('a fetcher closed after start() and before next() stops the request instead of waiting for it', async () => {
  let aborted = false;
  const source: BlockSource = {
    name: 'stalled-source',
    prepare: async () => {},
    async *fetch(_ranges: readonly ByteRange[], options: FetchOptions = {}) {
      // A server that never answers: only the signal ends the wait.
      await new Promise<void>((_, reject) => {
        options.signal?.addEventListener('abort', () => {
          aborted = true;
          reject(options.signal!.reason);
        });
      });
      yield new Uint8Array(0);
    },
    close: async () => {},
  };
  const fetcher = new VerifiedFetcher([source], spans, await indexOf(ref), await loadStrongHash('md5'), 1);
  fetcher.start();
  await tick();
  const closed = fetcher.close().then(() => 'closed');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 5000, 'still waiting')));
  try {
    assert.equal(await Promise.race([closed, timeout]), 'closed');
  } finally {
    clearTimeout(timer);
  }
  assert.equal(aborted, true);
});
