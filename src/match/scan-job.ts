import { loadStrongHash } from '../checksum/registry.js';
import type { LookupTables } from '../index/lookup.js';
import { defineJob } from '../parallel/job.js';
import { withRegularFile } from '../util/file-io.js';
import { type MatchArrays, MatchList, newCounters, type ScanCounters } from './match-list.js';
import { newScanState, scanTables } from './scan-buffer.js';
import { type AbortFlag, checkAbort, scanFileRange } from './scan-range.js';
import type { ScanKernel } from './roll-kernel.js';
import type { FoundSink } from './found-sink.js';

/** Input of a {@link scanJob}: scan window starts [from, to) of a file. */
export interface ScanJobInput {
  path: string;
  fileSize: number;
  from: number;
  to: number;
  piece: number;
  tables: LookupTables;
  /** The scan kernel to use (roll-kernel.ts), compiled by the calling thread; none for the JavaScript loop. */
  kernel: ScanKernel | undefined;
  progress: BigInt64Array;
  /** Set by the calling thread to stop the job at its next piece. */
  abort: AbortFlag;
  /** Where to write the blocks found, if anywhere (found-sink.ts). */
  sink: FoundSink | undefined;
}

/**
 * Result of a {@link scanJob}: the matches, the next offset to examine, the windows hashed
 * without a match (offsets and weak sums: the state the stitching compares) and the work done.
 */
export type ScanJobOutput = MatchArrays & { next: number; hashed: MatchArrays; counters: ScanCounters };

/** A chunk of a parallel scan, on a worker thread: see parallel-scan.ts. */
export const scanJob = defineJob('scan', import.meta.url, async (j: ScanJobInput): Promise<ScanJobOutput> => {
  checkAbort(j.abort);
  const hash = await loadStrongHash(j.tables.strongHash);
  return withRegularFile(j.path, async (fh) => {
    const out = new MatchList();
    const counters = newCounters();
    const st = newScanState();
    const next = await scanFileRange(fh, j.path, j.fileSize, scanTables(j.tables, j.kernel), hash, j.from, j.to, out, counters, j.piece, j.progress, st, j.abort, false, j.sink);
    return { ...out.toArrays(), next, hashed: st.hashed.toArrays(), counters };
  });
});
