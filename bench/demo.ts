/**
 * `npm start`: the whole flow on a 64 MiB reference and an older, edited copy of it, in a temp
 * folder removed at the end. Builds the index (written as ref.gosync, read back), scans the old
 * copy against it as go-sync's diff does, serves the folder over HTTP on 127.0.0.1 (the server
 * behind `deltasync serve`), patches the old copy into a new file from the blocks it holds plus
 * the reference's missing ranges fetched with HTTP range requests, and checks the result against
 * the reference by SHA-256. Exit code 1 when anything fails or the output differs.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import {
  buildIndex,
  httpSource,
  makePlan,
  patchFile,
  readIndexFile,
  scanFile,
  startStaticServer,
  writeIndexFile,
} from '../src/index.js';
import {
  type Edit,
  fmtBytes,
  fmtCount,
  fmtPct,
  labelled,
  makeMixedData,
  mbps,
  MiB,
  planEdits,
  Rng,
  sha256File,
  tempFolder,
  writeEdited,
  writeFile,
} from './common.js';

const REF_SIZE = 64 * MiB + 12345; // not a multiple of the block size: the last block is short
const SEED = 20240517;

const rate = (bytes: number, ms: number) => `${mbps(bytes, ms).toFixed(1)} MB/s`;
const secs = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes the reference and the old copy; the one 64 MiB buffer is garbage once this returns. */
function writeFiles(refPath: string, oldPath: string, edits: readonly Edit[]) {
  const { data: ref, composition } = makeMixedData(REF_SIZE, SEED);
  writeFile(refPath, ref);
  const oldSize = writeEdited(oldPath, ref, edits);
  return { composition, oldSize };
}

async function main(): Promise<boolean> {
  const started = performance.now();
  const tmp = tempFolder('deltasync-demo-');
  try {
    const refPath = tmp.path('ref.bin');
    const oldPath = tmp.path('old.bin');
    const indexPath = tmp.path('ref.gosync');
    const outPath = tmp.path('out.bin');
    console.log(`deltasync demo in ${tmp.dir} (${availableParallelism()} threads)\n`);

    // 1. Data: the reference, and an older copy that differs by inserts, deletions, overwrites.
    let t = performance.now();
    const edits: Edit[] = planEdits(REF_SIZE, 30, new Rng(SEED + 1), 16, 3 * MiB);
    const { composition: c, oldSize } = writeFiles(refPath, oldPath, edits);
    const genMs = performance.now() - t;
    const n = (k: Edit['kind']) => edits.filter((e) => e.kind === k);
    const sum = (es: Edit[]) => fmtBytes(es.reduce((s, e) => s + e.length, 0));
    console.log('Files');
    console.log(
      labelled([
        ['Reference', `ref.bin, ${fmtCount(REF_SIZE)} B (${fmtBytes(REF_SIZE)}): random ${fmtPct(c.random, REF_SIZE)}, text ${fmtPct(c.text, REF_SIZE)}, log records ${fmtPct(c.records, REF_SIZE)}, zero runs ${fmtPct(c.zeros, REF_SIZE)}`],
        ['Old copy', `old.bin, ${fmtCount(oldSize)} B (${fmtBytes(oldSize)}): ${n('insert').length} inserts (${sum(n('insert'))}), ${n('delete').length} deletions (${sum(n('delete'))}), ${n('overwrite').length} overwrites (${sum(n('overwrite'))})`],
        ['Generated in', secs(genMs)],
      ]),
    );

    // 2. Index: build, write as go-sync, read back.
    t = performance.now();
    const built = await buildIndex(refPath);
    const buildMs = performance.now() - t;
    await writeIndexFile(built, indexPath);
    const index = await readIndexFile(indexPath);
    const indexSize = (await stat(indexPath)).size;
    if (!sameArray(index.weak, built.weak) || !sameArray(index.strong, built.strong) || index.fileSize !== built.fileSize) {
      throw new Error('the index read back from ref.gosync differs from the one built');
    }
    console.log('\nBuild index');
    console.log(
      labelled([
        ['Index', `ref.gosync, ${fmtBytes(indexSize)}: ${fmtCount(index.blockCount)} blocks of ${fmtCount(index.blockSize)} B, ${index.strongHash}; read back identical`],
        ['Time', `${secs(buildMs)}, ${rate(REF_SIZE, buildMs)}`],
      ]),
    );

    // 3. Diff: scan the old copy against the index (what go-sync's diff prints).
    const scan = await scanFile(oldPath, index);
    const s = scan.stats;
    const plan = makePlan(index, scan.blockOffsets);
    const fetchRanges = plan.fetchRegions;
    console.log('\nDiff old.bin against ref.gosync');
    console.log(
      labelled([
        ['Block size', fmtCount(index.blockSize)],
        ['Blocks', `${fmtCount(index.blockCount)} (${fmtBytes(index.fileSize)})`],
        ['Matched blocks', `${fmtCount(s.matchedBlocks)} (${fmtPct(s.matchedBlocks, index.blockCount)})`],
        ['Matched bytes', `${fmtCount(s.matchedBytes)} (${fmtBytes(s.matchedBytes)})`],
        ['Bytes to fetch', `${fmtCount(s.fetchBytes)} (${fmtBytes(s.fetchBytes)}) in ${fetchRanges} ranges`],
        ['Comparisons', fmtCount(s.comparisons)],
        ['Weak hits', `${fmtCount(s.weakHits)} (${s.comparisons ? ((100 * s.weakHits) / s.comparisons).toFixed(4) : '0'}% of comparisons)`],
        ['Strong hits', fmtCount(s.strongHits)],
        ['Threads', String(s.threads)],
        ['Time', `${secs(s.milliseconds)}, ${rate(s.localSize, s.milliseconds)} over ${fmtBytes(s.localSize)}`],
      ]),
    );

    // 4. Patch: copy what old.bin holds, fetch the rest from the reference over HTTP (a plain
    // static server, as a CDN or object store would be), verify every block.
    const server = await startStaticServer({ root: dirname(refPath) });
    const source = httpSource(`${server.url}${basename(refPath)}`);
    let patch;
    let http;
    try {
      patch = await patchFile({ local: oldPath, index, source, output: outPath, plan });
      http = source.stats;
    } finally {
      await source.close();
      await server.close();
    }
    console.log(`\nPatch old.bin + missing ranges of ${server.url}ref.bin → out.bin`);
    console.log(
      labelled([
        ['Reused', `${fmtCount(patch.reusedBytes)} B (${fmtBytes(patch.reusedBytes)}) copied from old.bin`],
        ['Fetched', `${fmtCount(patch.fetchedBytes)} B (${fmtBytes(patch.fetchedBytes)}) in ${patch.fetchRegions} ranges`],
        ['HTTP', `${http.requests} requests for ${http.ranges} ranges, ${fmtBytes(http.wireBytes)} on the wire`],
        ['Time', `${secs(patch.milliseconds)}, ${rate(patch.fileSize, patch.milliseconds)} (copy, fetch, verify each block, write, sync)`],
      ]),
    );

    // 5. Verify: SHA-256 of the output and of the reference, streamed.
    t = performance.now();
    const [refSha, outSha] = await Promise.all([sha256File(refPath), sha256File(outPath)]);
    const shaMs = performance.now() - t;
    const ok = refSha === outSha && (await stat(outPath)).size === REF_SIZE;
    console.log('\nVerify');
    console.log(
      labelled([
        ['sha256 ref.bin', refSha],
        ['sha256 out.bin', outSha],
        ['Time', `${secs(shaMs)}, ${rate(2 * REF_SIZE, shaMs)} (both files)`],
      ]),
    );

    console.log('\nSummary');
    console.log(
      labelled([
        ['Reused', `${fmtBytes(patch.reusedBytes)} (${fmtPct(patch.reusedBytes, REF_SIZE)})`],
        ['Fetched', `${fmtBytes(patch.fetchedBytes)} (${fmtPct(patch.fetchedBytes, REF_SIZE)})`],
        ['Build', rate(REF_SIZE, buildMs)],
        ['Scan', rate(s.localSize, s.milliseconds)],
        ['Patch', rate(REF_SIZE, patch.milliseconds)],
        ['Total', secs(performance.now() - started)],
      ]),
    );
    console.log(ok ? '\nOK: output matches the reference' : '\nFAILED: output differs from the reference');
    return ok;
  } finally {
    if (!process.env.DELTASYNC_DEMO_KEEP) tmp.remove();
  }
}

main().then(
  (ok) => {
    process.exitCode = ok ? 0 : 1;
  },
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
