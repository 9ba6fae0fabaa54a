import { loadStrongHash } from '../checksum/registry.js';
import { defineJob } from '../parallel/job.js';
import { withRegularFile } from '../util/file-io.js';
import { type BlockSumsLayout, sumFileBlocks } from './build-sums.js';

/** Input of a {@link sumsJob}: read blocks [from, to) of a file and compute their sums into shared arrays. */
export interface SumsJobInput {
  path: string;
  fileSize: number;
  from: number;
  to: number;
  layout: BlockSumsLayout;
  progress: BigInt64Array;
  /** The SIMD kernel (checksum/simd-sums.ts), compiled by the calling thread. */
  simd: WebAssembly.Module;
}

/** A range of blocks of a parallel index build, on a worker thread: see build.ts. */
export const sumsJob = defineJob('sums', import.meta.url, async (j: SumsJobInput): Promise<null> => {
  const hash = await loadStrongHash(j.layout.hash);
  await withRegularFile(j.path, (fh) => sumFileBlocks(fh, j.path, j.fileSize, j.from, j.to, j.layout, hash, undefined, j.progress, j.simd));
  return null;
});
