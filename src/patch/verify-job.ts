import { loadStrongHash } from '../checksum/registry.js';
import { defineJob } from '../parallel/job.js';
import { type VerifyLayout, verifyBlocks } from './verify.js';

/** Input of a {@link verifyJob}: blocks of `data` to check against shared index sums. */
export interface VerifyJobInput {
  data: Uint8Array;
  firstBlock: number;
  /** Where `data` starts in the file `name`, for messages. */
  fileOffset: number;
  layout: VerifyLayout;
  /** Registry name of the strong hash. */
  hash: string;
  name: string;
  problem: string;
}

/** A piece of copied data checked on a worker thread: see copy-check.ts. */
export const verifyJob = defineJob('verify', import.meta.url, async (j: VerifyJobInput): Promise<null> => {
  verifyBlocks(j.data, j.firstBlock, j.layout, await loadStrongHash(j.hash), j.name, j.problem, j.fileOffset);
  return null;
});
