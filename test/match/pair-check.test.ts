import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { zsyncIndex } from '../../src/format/zsync.js';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

// zsyncmake keeps 2 bytes of the rolling sum (16 bits) for files like this one: about 2% of all
// offsets hit some block's weak sum. Without checking the next block's sum first, the bound on
// strong hashes per block of offsets is spent on false hits and true blocks are missed after
// every edit; zsync checks the next block first.
test('an index of 16-bit weak sums matched two at a time finds the blocks after every edit', async () => {
  const ref = seededBytes(71, 3_000_000);
  const local = Buffer.from(ref);
  for (let i = 0; i < 5; i++) local[100_000 + i * 500_000] ^= 0xff;
  const refPath = await t.write('ref', ref);
  const localPath = await t.write('local', local);
  const full = await buildIndex(refPath, { blockSize: 2048, strongHash: 'md4', fileHash: 'sha1', paddedTail: true, threads: 1 });
  const index = zsyncIndex(full, { filename: 'ref' });
  assert.equal(index.matchRun, 2);
  assert.equal(index.weakMask, 0xffff0000 | 0, 'two bytes of the rolling sum kept');
  for (const threads of [1, 2]) {
    const { stats } = await scanFile(localPath, index, { threads, minChunk: 1024 * 1024 });
    // Five flipped bytes spoil five blocks; each may cost its neighbour too (a lone block is not taken).
    assert.ok(stats.matchedBlocks >= index.blockCount - 10, `${stats.matchedBlocks} of ${index.blockCount} found (threads ${threads})`);
    assert.ok(stats.digests < 2 * index.blockCount, `${stats.digests} strong hashes for ${index.blockCount} blocks`);
  }
});

// With 8,192 blocks most 16-bit weak sums occur in the index: the prefilter and the pair filter
// are what keep strong hashes for windows that can be a block. Both hash sums whose low half is
// masked away; they must spread them over every bit (they did not: one bit per word was used,
// 12% of windows passed, and the bound on hashes missed 30 blocks after every edit).
test('with many blocks and 16-bit weak sums, edits cost only the blocks they touch', async () => {
  const ref = seededBytes(72, 8 * 1024 * 1024);
  const local = Buffer.from(ref);
  const edits = 10;
  for (let i = 0; i < edits; i++) local.fill(i + 1, 300_000 + i * 800_000, 300_000 + i * 800_000 + 1500);
  const refPath = await t.write('ref8', ref);
  const localPath = await t.write('local8', local);
  const full = await buildIndex(refPath, { blockSize: 1024, strongHash: 'md4', fileHash: 'sha1', paddedTail: true, threads: 1 });
  const index = zsyncIndex(full, { filename: 'ref8' });
  assert.equal(index.weakMask, 0xffff0000 | 0);
  const { stats } = await scanFile(localPath, index, { threads: 1 });
  assert.ok(stats.matchedBlocks >= index.blockCount - 4 * edits, `${stats.matchedBlocks} of ${index.blockCount} found`);
  assert.ok(stats.digests < index.blockCount + 50 * edits, `${stats.digests} strong hashes for ${index.blockCount} blocks`);
});

// After an edit in place, false weak hits in the edited bytes used to spend the bound on strong
// hashes just before the first intact block, which then went unhashed (5 of 85 blocks fetched
// needlessly on 256 MiB with 50 edits, against zsyncmake's control file). A window a whole
// number of blocks after the last run, a few blocks on, is spared the bound.
test('the bound on fruitless hashes spares a window in step with the last run', async () => {
  const { buildLookup } = await import('../../src/index/lookup.js');
  const { scanBuffer, scanTables, newScanState, HASH_LIMIT } = await import('../../src/match/scan-buffer.js');
  const { MatchList, newCounters } = await import('../../src/match/match-list.js');
  const { loadStrongHash } = await import('../../src/checksum/registry.js');
  const L = 1024;
  const ref = seededBytes(75, 8 * L);
  const refPath = await t.write('ref-step', ref);
  const index = await buildIndex(refPath, { blockSize: L, threads: 1 });
  const tables = scanTables(buildLookup(index));
  const md5 = await loadStrongHash('md5');
  const pos = 5 * L;
  const scan = (runEnd: number) => {
    const st = newScanState();
    // HASH_LIMIT fruitless hashes just before `pos`, of other classes, as an edit leaves them.
    for (let j = 0; j < HASH_LIMIT; j++) st.hashed.push(pos - 10 + j, 1000 + j);
    st.runEnd = runEnd;
    const out = new MatchList();
    scanBuffer(tables, md5, ref, 0, pos, pos + 1, ref.length, out, newCounters(), st);
    return Array.from(out.pos.subarray(0, out.length));
  };
  assert.deepEqual(scan(3 * L), [pos], 'two blocks after the last run: hashed, found');
  assert.deepEqual(scan(-1), [], 'no run before it: the bound holds');
  assert.deepEqual(scan(3 * L + 7), [], 'out of step with the last run: the bound holds');
});

// After an insert, the block that follows it starts a new run: found, as every intact block.
test('with 16-bit weak sums, the block right after every insert is found', async () => {
  const L = 2048;
  const ref = seededBytes(73, 8 * 1024 * 1024);
  const inserts = 60;
  const parts: Buffer[] = [];
  const touched = new Set<number>();
  let from = 0;
  for (let i = 0; i < inserts; i++) {
    const at = 20_000 + i * 130_000 + ((i * 7919) % 1500) + 1; // never on a block boundary
    touched.add(Math.floor(at / L));
    parts.push(Buffer.from(ref.subarray(from, at)), Buffer.from(seededBytes(1000 + i, 500 + ((i * 131) % 3000))));
    from = at;
  }
  parts.push(Buffer.from(ref.subarray(from)));
  const refPath = await t.write('ref-ins', ref);
  const localPath = await t.write('local-ins', Buffer.concat(parts));
  const full = await buildIndex(refPath, { blockSize: L, strongHash: 'md4', fileHash: 'sha1', paddedTail: true, threads: 1 });
  const index = zsyncIndex(full, { filename: 'ref-ins' });
  assert.equal(index.weakMask, 0xffff0000 | 0);
  const { stats, blockOffsets } = await scanFile(localPath, index, { threads: 1 });
  const missing = [...blockOffsets.keys()].filter((k) => blockOffsets[k] < 0);
  assert.deepEqual(missing, [...touched].sort((a, b) => a - b), `${stats.matchedBlocks} of ${index.blockCount} found`);
});
