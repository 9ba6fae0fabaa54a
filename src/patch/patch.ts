import { type FileHandle, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { loadStrongHash } from '../checksum/registry.js';
import type { StrongHash } from '../checksum/strong-hash.js';
import { ArgumentError, checkPath, DeltasyncError, fsError, VerificationError } from '../errors/errors.js';
import { type BlockIndex, checkIndex } from '../index/block-index.js';
import { type ScanOptions, type ScanStats, scanFile } from '../match/scan.js';
import { makePlan, type Plan, type PlanOptions } from '../plan/plan.js';
import type { BlockSource } from '../source/block-source.js';
import { forEachPiece, openRegularFile, readExactly } from '../util/file-io.js';
import { AtomicFile } from '../util/atomic-file.js';
import { copyCheck } from './copy-check.js';
import { verifyBlocks } from './verify.js';

/** Options of {@link patchFile}. */
export interface PatchOptions {
  /** The local (old or similar) file whose blocks are reused. May be the same path as `output`. */
  local: string;
  /** The index of the reference. */
  index: BlockIndex;
  /** Where missing blocks come from. The patcher does not close it. */
  source: BlockSource;
  /** Where to write the reference. Written beside, then renamed into place when verified. */
  output: string;
  /** A plan already made for `local`; without one the local file is scanned first. */
  plan?: Plan;
  /** Options of the scan, when there is no plan. */
  scan?: ScanOptions;
  /** Options of the plan, when there is no plan. */
  planOptions?: PlanOptions;
  /** Called as output is written, with bytes done and bytes in all. */
  onProgress?: (done: number, total: number) => void;
}

/** What a patch did. */
export interface PatchStats {
  /** Size of the reference written. */
  fileSize: number;
  /** Bytes copied from the local file. */
  reusedBytes: number;
  /** Bytes taken from the source. */
  fetchedBytes: number;
  /** Number of ranges asked of the source. */
  fetchRanges: number;
  /** Runs of missing bytes those ranges cover (a long run is asked for in several ranges). */
  fetchRegions: number;
  /** The scan's statistics, when the patch scanned. */
  scan?: ScanStats;
  /** Wall-clock time, scan included. */
  milliseconds: number;
}

/** Bytes of copies read (and checked) at a time: 4 MiB in whole blocks, at least one block. */
function copyPiece(blockSize: number): number {
  return Math.max(1, Math.floor((4 * 1024 * 1024) / blockSize)) * blockSize;
}

/**
 * The error for a result whose whole-file digest differs. Fetched blocks were checked one by one,
 * copied ones only by that digest: checking the written output block by block tells a local
 * file that changed since its scan (named, with the block) from an index at odds with itself.
 */
async function explainFileHashMismatch(
  written: FileHandle,
  index: BlockIndex,
  plan: Plan,
  hash: StrongHash,
  local: string,
  output: string,
): Promise<Error> {
  const piece = copyPiece(index.blockSize);
  try {
    for (const span of plan.spans) {
      if (span.kind !== 'copy') continue; // fetched blocks were checked one by one
      await forEachPiece(written, output, span.offset, span.offset + span.length, piece, 'was cut short while it was written', (data, offset) =>
        verifyBlocks(data, offset / index.blockSize, index, hash, local, 'changed since it was scanned', span.localOffset + offset - span.offset),
      );
    }
  } catch (err) {
    return err as Error;
  }
  return new VerificationError(
    `${output}: the ${index.fileHash!.algorithm} of the result does not match the index, though every block matches its ` +
      `${index.strongLength}-byte digest (the index is corrupt, or a changed block collided with a short digest); nothing was written`,
  );
}

/**
 * Produces the reference at `output` from the blocks of `local` and the missing ranges of
 * `source`. Every fetched block is checked against its strong digest before it is written; every
 * copied block too, unless the index carries a whole-file digest, which is then checked over the
 * whole output. The output goes to a temporary file beside the target, synced, and renamed into
 * place only when everything matched: on any failure the target (even when it is `local`) is
 * left as it was and the temporary file removed.
 *
 * @example
 * ```ts
 * const index = await readIndexFile('app-2.0.bin.gosync');
 * const source = fileSource('/mnt/release/app-2.0.bin');
 * try {
 *   const stats = await patchFile({ local: 'app-1.0.bin', index, source, output: 'app-2.0.bin' });
 * } finally {
 *   await source.close();
 * }
 * ```
 */
export async function patchFile(options: PatchOptions): Promise<PatchStats> {
  const { local, index, source, output } = options;
  checkPath('local', local);
  checkPath('output', output);
  checkIndex(index);
  if (typeof source?.fetch !== 'function' || typeof source.prepare !== 'function') {
    throw new ArgumentError('patch needs a block source (with prepare, fetch and close)');
  }
  const started = performance.now();
  // Before any work: a source that cannot be read fails now, not after a long scan.
  await source.prepare({ size: index.fileSize });
  let scanStats: ScanStats | undefined;
  let plan = options.plan;
  if (!plan) {
    const scanned = await scanFile(local, index, options.scan);
    scanStats = scanned.stats;
    plan = makePlan(index, scanned.blockOffsets, options.planOptions);
  }
  if (plan.fileSize !== index.fileSize || plan.blockSize !== index.blockSize) {
    throw new ArgumentError('the plan was made for another index');
  }
  const hash = await loadStrongHash(index.strongHash);
  const fileHasher = index.fileHash ? await (await loadStrongHash(index.fileHash.algorithm)).create() : undefined;
  const fetches = plan.spans.filter((s) => s.kind === 'fetch');
  // A new output takes the local file's permission bits (an existing one keeps its own).
  const localMode = await stat(local).then((st) => st.mode & 0o7777, () => undefined);
  const out = await AtomicFile.create(output, localMode);
  let localFh: FileHandle | undefined;
  let fetched: AsyncIterator<Uint8Array> | undefined;
  // With a whole-file digest to check at the end, copies need no check of their own.
  const copies = fileHasher ? undefined : copyCheck(index, hash, local, plan.reusedBytes, options.scan?.threads ?? availableParallelism());
  let done = 0;
  try {
    if (plan.reusedBytes > 0) localFh = await openRegularFile(local);
    fetched = source.fetch(fetches)[Symbol.asyncIterator]();
    const write = async (data: Uint8Array, offset: number) => {
      fileHasher?.update(data);
      let w = 0;
      try {
        while (w < data.length) w += (await out.handle.write(data, w, data.length - w, offset + w)).bytesWritten;
      } catch (err) {
        throw fsError(err, output, 'write');
      }
      done += data.length;
      options.onProgress?.(done, index.fileSize);
    };
    const piece = copyPiece(index.blockSize);
    const buf = plan.reusedBytes > 0 && !copies?.takesBuffers ? new Uint8Array(Math.min(piece, plan.reusedBytes)) : undefined;
    for (const span of plan.spans) {
      if (span.kind === 'fetch') {
        const r = await fetched.next();
        const data = r.done ? undefined : r.value;
        if (!data || data.length !== span.length) {
          throw new DeltasyncError(
            `${source.name}: returned ${data?.length ?? 0} bytes for offset ${span.offset}, expected ${span.length}`,
            'ESHORT',
          );
        }
        verifyBlocks(data, span.offset / index.blockSize, index, hash, source.name);
        await write(data, span.offset);
        continue;
      }
      for (let o = 0; o < span.length; o += piece) {
        const n = Math.min(piece, span.length - o);
        const data = copies?.takesBuffers ? new Uint8Array(n) : buf!.subarray(0, n);
        await readExactly(localFh!, data, n, span.localOffset + o, local, 'shrank since it was scanned', (m) => new VerificationError(m));
        // Written before the check ends: the output is a temporary file until everything passed.
        await write(data, span.offset + o);
        await copies?.check(data, (span.offset + o) / index.blockSize, span.localOffset + o);
      }
    }
    await fetched.return?.();
    await copies?.drain();
    if (fileHasher) {
      const digest = fileHasher.digest();
      if (Buffer.compare(digest, index.fileHash!.digest) !== 0) throw await explainFileHashMismatch(out.handle, index, plan, hash, local, output);
    }
  } catch (err) {
    await fetched?.return?.().catch(() => {}); // lets the source release what it holds
    await out.abort();
    throw err;
  } finally {
    await copies?.close(); // first: workers left running would keep the process alive
    await localFh?.close();
  }
  await out.commit();
  return {
    fileSize: index.fileSize,
    reusedBytes: plan.reusedBytes,
    fetchedBytes: plan.fetchBytes,
    fetchRanges: fetches.length,
    fetchRegions: plan.fetchRegions,
    scan: scanStats,
    milliseconds: performance.now() - started,
  };
}
