/**
 * `node dist/bench/scale.js` (part of `npm run bench`): how deltasync grows with the index. A
 * synthetic go-sync index of 2^21 blocks (a 16 GiB reference at 8 KiB blocks: random sums, no
 * 16 GiB file needed) is written, then a fresh process measures reading it, building the lookup
 * tables, its RSS, and scanning 64 MiB of random data with it, beside a 16,384-block index.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { memoryUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { encodeIndex, readIndexFile, scanFile } from '../src/index.js';
import { buildLookup } from '../src/index/lookup.js';
import { makeRandomData, MiB, mbps, median, Rng, tempFolder, textTable, writeFile } from './common.js';

const L = 8192;
const SCAN_BYTES = 64 * MiB;

/** A go-sync index of `blocks` blocks with random sums (what a 16 GiB reference's index costs to load). */
function syntheticIndex(blocks: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const weak = new Int32Array(blocks);
  const strong = new Uint8Array(blocks * 16);
  const u32 = () => Math.floor(rng.next() * 2 ** 32);
  for (let k = 0; k < blocks; k++) weak[k] = u32() | 0;
  const view = new DataView(strong.buffer);
  for (let i = 0; i < strong.length; i += 4) view.setUint32(i, u32());
  return encodeIndex({ fileSize: blocks * L, blockSize: L, blockCount: blocks, strongHash: 'md5', strongLength: 16, weak, strong }, 'gosync');
}

/** In a fresh process: read the index, build the tables, scan; prints one JSON line. */
async function child(indexPath: string, localPath: string): Promise<void> {
  const rss0 = memoryUsage().rss;
  let t = performance.now();
  const index = await readIndexFile(indexPath);
  const readMs = performance.now() - t;
  t = performance.now();
  const lookup = buildLookup(index);
  const tablesMs = performance.now() - t;
  const rss = memoryUsage().rss - rss0;
  const scans: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await scanFile(localPath, index, { threads: 1, lookup });
    scans.push(r.stats.milliseconds);
  }
  process.stdout.write(`${JSON.stringify({ readMs, tablesMs, rssMiB: rss / MiB, scanMs: median(scans) })}\n`);
}

async function run(): Promise<void> {
  const tmp = tempFolder('deltasync-scale-');
  try {
    const local = tmp.path('local');
    writeFile(local, makeRandomData(SCAN_BYTES));
    const rows: string[][] = [['index', 'index size', 'read', 'tables', 'RSS of both', 'scan 64 MiB, 1 thread', 'vs 16,384 blocks']];
    let base = 0;
    for (const blocks of [16_384, 2 ** 21]) {
      const path = tmp.path(`i${blocks}.gosync`);
      const bytes = syntheticIndex(blocks, blocks);
      writeFileSync(path, bytes);
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', path, local], { encoding: 'utf8', timeout: 300_000 });
      const r = JSON.parse(out) as { readMs: number; tablesMs: number; rssMiB: number; scanMs: number };
      const speed = mbps(SCAN_BYTES, r.scanMs);
      if (blocks === 16_384) base = speed;
      rows.push([
        `${blocks.toLocaleString('en-US')} blocks (${((blocks * L) / 2 ** 30).toFixed(1)} GiB at 8 KiB)`,
        `${(bytes.length / MiB).toFixed(1)} MiB`,
        `${r.readMs.toFixed(0)} ms`,
        `${r.tablesMs.toFixed(0)} ms`,
        `${r.rssMiB.toFixed(0)} MiB`,
        `${speed.toFixed(0)} MB/s`,
        blocks === 16_384 ? '' : `${((100 * speed) / base).toFixed(0)}% (target ≥70%); load+tables ${(r.readMs + r.tablesMs).toFixed(0)} ms (target <1000)`,
      ]);
    }
    console.log('deltasync bench: scaling with the index (fresh process per row, median of 3 scans)\n');
    console.log(textTable(rows, new Set([1, 2, 3, 4, 5])));
  } finally {
    tmp.remove();
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await run();
