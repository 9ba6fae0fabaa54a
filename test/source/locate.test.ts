import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { BlockIndex } from '../../src/index/block-index.js';
import { isUrl, referenceLocations } from '../../src/source/locate.js';

const index = (urls?: string[]): BlockIndex => ({
  fileSize: 0,
  blockSize: 8192,
  blockCount: 0,
  strongHash: 'md5',
  strongLength: 16,
  weak: new Int32Array(0),
  strong: new Uint8Array(0),
  ...(urls ? { urls } : {}),
});

test('the URLs an index names are resolved against its own location, in order', () => {
  assert.deepEqual(referenceLocations(index(['v2.img', 'https://mirror.example/v2.img']), 'https://host/rel/v2.img.zsync'), [
    'https://host/rel/v2.img',
    'https://mirror.example/v2.img',
  ]);
  assert.deepEqual(referenceLocations(index(['../data/v2.img']), '/srv/idx/v2.gosync'), [resolve('/srv/data/v2.img')]);
});

test('without URLs, the reference is the index location without its .gosync/.zsync/.dsync ending; a query is kept', () => {
  assert.deepEqual(referenceLocations(index(), 'https://host/v2.img.gosync'), ['https://host/v2.img']);
  assert.deepEqual(referenceLocations(index(), 'https://host/v2.img.zsync?token=abc'), ['https://host/v2.img?token=abc']);
  assert.deepEqual(referenceLocations(index(), 'dir/v2.img.ZSYNC'), ['dir/v2.img']);
  assert.deepEqual(referenceLocations(index(), 'https://host/v2.idx'), []);
  assert.deepEqual(referenceLocations(index(), 'v2.idx'), []);
});

test('isUrl tells http(s) URLs from paths', () => {
  assert.equal(isUrl('https://x/y'), true);
  assert.equal(isUrl('HTTP://x/y'), true);
  assert.equal(isUrl('ftp://x/y'), false);
  assert.equal(isUrl('./http:/x'), false);
});
