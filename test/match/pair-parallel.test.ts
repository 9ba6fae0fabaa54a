/**
 * An index of pairs (zsync's: 16-bit weak sums, blocks matched two at a time) scanned in pieces
 * and in parallel chunks: what the scan decides at an offset does not depend on where a piece
 * ends, so chunks fall in step with the single-threaded scan within a block or two.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zsyncIndex } from '../../src/format/zsync.js';
import { buildIndex } from '../../src/index/build.js';
import { buildLookup } from '../../src/index/lookup.js';
import { scanFile } from '../../src/match/scan.js';
import { concat, seededBytes } from '../helpers/random.js';
import { plainScan } from '../helpers/scan-result.js';
import { useTempDirAndPool } from '../helpers/fixture.js';

const fx = useTempDirAndPool();

test('an index of pairs: pieces and parallel chunks do not change what is hashed, and chunks are not scanned twice', async () => {
  const L = 256;
  const ref = seededBytes(81, 2 * 1024 * 1024);
  // Mostly other bytes, with a few stretches of the reference.
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 8; i++) parts.push(seededBytes(100 + i, 300_000), ref.subarray(i * 200_000, i * 200_000 + 20 * L));
  const local = concat(...parts);
  const refPath = await fx.t.write('ref', ref);
  const localPath = await fx.t.write('local', local);
  const full = await buildIndex(refPath, { blockSize: L, strongHash: 'md4', fileHash: 'sha1', paddedTail: true, threads: 1 });
  const index = zsyncIndex(full, { filename: 'ref' });
  assert.equal(index.weakMask, 0xffff0000 | 0);
  const lookup = buildLookup(index);
  const single = await scanFile(localPath, index, { threads: 1, lookup });
  const pieces = await scanFile(localPath, index, { threads: 1, piece: 4099, lookup });
  const multi = await scanFile(localPath, index, { threads: 2, pool: fx.pool, minChunk: 64 * 1024, piece: 4099, lookup });
  assert.ok(single.stats.matchedBlocks >= 8 * 18, `${single.stats.matchedBlocks} blocks found`);
  assert.equal(multi.stats.threads, 2);
  assert.deepEqual(plainScan(pieces), plainScan(single));
  assert.deepEqual(plainScan(multi), plainScan(single));
  for (const k of ['comparisons', 'weakHits', 'digests'] as const) assert.equal(pieces.stats[k], single.stats[k], `${k} with small pieces`);
  // Each chunk after the first is re-scanned from its start until the two scans agree: a block or two.
  const chunks = 8;
  assert.ok(multi.stats.comparisons <= single.stats.comparisons + chunks * 2 * L, `${multi.stats.comparisons} comparisons against ${single.stats.comparisons}`);
});
