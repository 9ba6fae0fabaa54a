import { ArgumentError, checkCount } from '../errors/errors.js';
import { type BlockIndex, blockLength, checkIndex } from '../index/block-index.js';
import type { BlockLocations } from '../match/seeds.js';
import type { ByteRange } from '../source/block-source.js';


/** Part of the output taken from a local file (a seed). */
export interface CopySpan extends ByteRange {
  /** Tells a copy from a fetch. */
  readonly kind: 'copy';
  /** Which seed holds the bytes: an index into the seed list (0 when there is one local file). */
  readonly seed: number;
  /** Where the same bytes start in that seed. */
  readonly localOffset: number;
}

/** Part of the output that must be fetched from the reference. */
export interface FetchSpan extends ByteRange {
  /** Tells a fetch from a copy. */
  readonly kind: 'fetch';
}

/** What to do to produce the reference: spans in reference order that cover it exactly. */
export interface Plan {
  /** Size of the reference. */
  readonly fileSize: number;
  /** Block size of the index the plan was made for. */
  readonly blockSize: number;
  /** Copies and fetches, in reference order, covering it exactly. */
  readonly spans: readonly (CopySpan | FetchSpan)[];
  /** Bytes copied from the local file. */
  readonly reusedBytes: number;
  /** Bytes to fetch. */
  readonly fetchBytes: number;
  /** Runs of missing bytes (a long run is fetched as several spans, at most `maxFetch` each). */
  readonly fetchRegions: number;
}

/** Options of {@link makePlan}. */
export interface PlanOptions {
  /**
   * Longest fetch span, in bytes, rounded down to whole blocks but at least one block: bounds the
   * memory a fetch needs. Default 4 MiB.
   */
  maxFetch?: number;
}

/**
 * Turns per-block local offsets (from a scan) into a plan: runs of blocks that sit one after
 * another in one local file become one copy span, runs of missing blocks one fetch span.
 * `found` is a scan's result ({@link scanFile}'s or {@link scanSeeds}'), or its `blockOffsets`.
 *
 * @example
 * ```ts
 * const { blockOffsets } = await scanFile('old.img', index);
 * const plan = makePlan(index, blockOffsets);
 * console.log(`${plan.fetchBytes} bytes to fetch in ${plan.fetchRegions} ranges`);
 * ```
 */
export function makePlan(index: BlockIndex, found: Float64Array | BlockLocations, options: PlanOptions = {}): Plan {
  checkIndex(index);
  const blockOffsets = found instanceof Float64Array ? found : found?.blockOffsets;
  const blockSeeds = found instanceof Float64Array ? undefined : found?.blockSeeds;
  if (!(blockOffsets instanceof Float64Array) || blockOffsets.length !== index.blockCount) {
    throw new ArgumentError(`blockOffsets must be a Float64Array of ${index.blockCount} offsets (one per block), as scanFile returns`);
  }
  if (blockSeeds !== undefined && (!(blockSeeds instanceof Uint16Array) || blockSeeds.length !== index.blockCount)) {
    throw new ArgumentError(`blockSeeds must be a Uint16Array of ${index.blockCount} seed numbers (one per block), as scanSeeds returns`);
  }
  const seedOf = (k: number) => (blockSeeds ? blockSeeds[k] : 0);
  if (options.maxFetch !== undefined) checkCount('maxFetch', options.maxFetch);
  const L = index.blockSize;
  const maxBlocks = Math.max(1, Math.floor((options.maxFetch ?? 4 * 1024 * 1024) / L));
  const spans: (CopySpan | FetchSpan)[] = [];
  let reusedBytes = 0;
  let fetchBytes = 0;
  let fetchRegions = 0;
  let k = 0;
  while (k < index.blockCount) {
    const start = k;
    const local = blockOffsets[k];
    if (local >= 0) {
      while (k + 1 < index.blockCount && blockOffsets[k + 1] === local + (k + 1 - start) * L && seedOf(k + 1) === seedOf(start)) k++;
    } else {
      while (k + 1 < index.blockCount && blockOffsets[k + 1] < 0 && k + 1 - start < maxBlocks) k++;
    }
    const offset = start * L;
    const length = k * L + blockLength(index, k) - offset;
    if (local >= 0) {
      spans.push({ kind: 'copy', offset, length, seed: seedOf(start), localOffset: local });
      reusedBytes += length;
    } else {
      const previous = spans.at(-1);
      if (previous?.kind !== 'fetch') fetchRegions++;
      spans.push({ kind: 'fetch', offset, length });
      fetchBytes += length;
    }
    k++;
  }
  return { fileSize: index.fileSize, blockSize: L, spans, reusedBytes, fetchBytes, fetchRegions };
}
