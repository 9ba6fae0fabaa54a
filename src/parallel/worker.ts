import { parentPort } from 'node:worker_threads';
import { loadStrongHash } from '../checksum/registry.js';
import { DeltasyncError } from '../errors/errors.js';
import { sumFileBlocks } from '../index/build-sums.js';
import { withRegularFile } from '../util/file-io.js';
import type { LookupTables } from '../index/lookup.js';
import { MatchList, newCounters } from '../match/match-list.js';
import { scanTables } from '../match/scan-buffer.js';
import { scanFileRange } from '../match/scan-range.js';
import { verifyBlocks } from '../patch/verify.js';
import type { Job, WorkerReply } from './pool.js';

/** Scan window starts [from, to) of a file; see match/scan.ts. */
export interface ScanJob extends Job {
  kind: 'scan';
  path: string;
  fileSize: number;
  from: number;
  to: number;
  piece: number;
  tables: LookupTables;
  progress: BigInt64Array;
}

/** Read blocks [from, to) of a file and compute their sums into shared arrays; see index/build.ts. */
export interface SumsJob extends Job {
  kind: 'sums';
  path: string;
  fileSize: number;
  from: number;
  to: number;
  blockSize: number;
  hash: string;
  strongLength: number;
  weak: Int32Array;
  strong: Uint8Array;
  progress: BigInt64Array;
}

/** Check blocks of `data` against shared index sums; see patch/copy-check.ts. */
export interface VerifyJob extends Job {
  kind: 'verify';
  data: Uint8Array;
  firstBlock: number;
  /** Where `data` starts in the file `name`, for messages. */
  fileOffset: number;
  blockSize: number;
  hash: string;
  strongLength: number;
  weak: Int32Array;
  strong: Uint8Array;
  name: string;
  problem: string;
}

async function verifyJob(j: VerifyJob) {
  const hash = await loadStrongHash(j.hash);
  verifyBlocks(j.data, j.firstBlock, j, hash, j.name, j.problem, j.fileOffset);
  return null;
}

async function scanJob(j: ScanJob) {
  const hash = await loadStrongHash(j.tables.strongHash);
  return withRegularFile(j.path, async (fh) => {
    const out = new MatchList();
    const counters = newCounters();
    const next = await scanFileRange(fh, j.path, j.fileSize, scanTables(j.tables), hash, j.from, j.to, out, counters, j.piece, j.progress);
    return { ...out.toArrays(), next, counters };
  });
}

async function sumsJob(j: SumsJob) {
  const hash = await loadStrongHash(j.hash);
  await withRegularFile(j.path, (fh) =>
    sumFileBlocks(fh, j.path, j.fileSize, j.from, j.to, j.blockSize, hash, j.strongLength, j.weak, j.strong, undefined, j.progress),
  );
  return null;
}

const jobs: Record<string, (j: never) => Promise<unknown>> = { scan: scanJob, sums: sumsJob, verify: verifyJob };

parentPort!.on('message', (job: Job) => {
  const run = jobs[job.kind];
  const reply = (r: WorkerReply) => parentPort!.postMessage(r);
  (run ? run(job as never) : Promise.reject(new Error(`unknown job ${job.kind}`))).then(
    (value) => reply({ ok: true, value }),
    (err: unknown) => {
      const e = err as Error;
      reply({ ok: false, error: e.message, code: err instanceof DeltasyncError ? err.code : undefined });
    },
  );
});
