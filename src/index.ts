/**
 * deltasync: delta transfer of files in the line of rsync, zsync and go-sync.
 *
 * The data flow: {@link buildIndex} describes a reference as per-block checksums;
 * {@link scanFile} (or {@link scanSeeds}, for several local files) finds which of those blocks
 * the local data already holds; {@link makePlan} turns that into copy and fetch spans;
 * {@link patchFile} writes the reference from local copies and fetched blocks, verifying every
 * byte. Index files are read and written with {@link readIndexFile} / {@link writeIndexFile}
 * (go-sync 0.2.x and deltasync 1.x).
 *
 * This is the stable surface. Tuning details (lookup tables, match lists, worker jobs, codecs)
 * are in `deltasync/internals`, which may change in any release.
 *
 * @example
 * ```ts
 * import { buildIndex, writeIndexFile, readIndexFile, patchFile, fileSource } from 'deltasync';
 *
 * await writeIndexFile(await buildIndex('v2.img'), 'v2.img.gosync');
 * const index = await readIndexFile('v2.img.gosync');
 * const source = fileSource('v2.img');
 * try {
 *   const stats = await patchFile({ local: 'v1.img', index, source, output: 'v1.img' });
 *   console.log(`reused ${stats.reusedBytes} bytes, fetched ${stats.fetchedBytes}`);
 * } finally {
 *   await source.close();
 * }
 * ```
 * @packageDocumentation
 */
export { RollingSum, weakSum } from './checksum/rolling.js';
export { loadStrongHash, strongHashNames } from './checksum/registry.js';
export type { Hasher, StrongHash } from './checksum/strong-hash.js';
export {
  ArgumentError,
  DeltasyncError,
  type ErrorCode,
  errorCodes,
  type FsErrorCode,
  IndexFormatError,
  VerificationError,
} from './errors/errors.js';
export {
  type BlockIndex,
  blockCountOf,
  blockLength,
  DEFAULT_BLOCK_SIZE,
  type FileHash,
  MAX_BLOCK_SIZE,
  MIN_BLOCK_SIZE,
} from './index/block-index.js';
export { type BuildOptions, buildIndex } from './index/build.js';
export { decodeIndex, encodeIndex, type IndexFormat, readIndexFile, writeIndexFile } from './format/index-file.js';
export { indexFormatNames } from './format/registry.js';
export { GOSYNC_VERSION } from './format/gosync-v0.js';
export { DELTASYNC_VERSION } from './format/deltasync-v1.js';
export type { FormatVersion } from './format/header.js';
export { type ScanOptions, type ScanResult, type ScanStats, scanFile } from './match/scan.js';
export { type BlockLocations, scanSeeds, type SeedsScanResult } from './match/seeds.js';
export { type CopySpan, type FetchSpan, makePlan, type Plan, type PlanOptions } from './plan/plan.js';
export type { BlockSource, ByteRange, FetchOptions, SourceExpectations } from './source/block-source.js';
export { fileSource } from './source/file-source.js';
export { type HttpSource, httpSource, type HttpSourceOptions, type HttpSourceStats, parseHeaderLine } from './source/http-source.js';
export { isUrl, loadIndex, type LocatedIndex, referenceLocations, sourceAt } from './source/locate.js';
export { type StaticServer, type StaticServerOptions, startStaticServer } from './serve/static-server.js';
export { type PatchOptions, type PatchStats, patchFile } from './patch/patch.js';
export { WorkerPool } from './parallel/pool.js';
export type { ProgressCallback } from './util/progress.js';
