import { checkIndex, type BlockIndex } from '../index/block-index.js';
import { ArgumentError } from '../errors/errors.js';
import { buildLookup } from '../index/lookup.js';
import { addCounters, newCounters } from './match-list.js';
import { matchedTotals, type ScanOptions, type ScanResult, type ScanStats, scanFile } from './scan.js';

/** Where the local files (seeds) hold each reference block. */
export interface BlockLocations {
  /** For each reference block, an offset in its seed that holds it, or -1. */
  readonly blockOffsets: Float64Array;
  /** For each reference block found, which seed holds it (an index into the seed list); absent, or 0 where none does, for one seed. */
  readonly blockSeeds?: Uint16Array;
}

/** The result of {@link scanSeeds}. */
export interface SeedsScanResult extends BlockLocations {
  readonly blockSeeds: Uint16Array;
  /** The seeds' paths, in the order given. */
  readonly seeds: readonly string[];
  /** The scan statistics summed over every seed (`localSize` is their total size). */
  readonly stats: ScanStats;
}

/** The most seeds one scan takes (what {@link BlockLocations.blockSeeds} can name). */
export const MAX_SEEDS = 0xffff;

/**
 * Scans several local files ("seeds", as zsync's `-i` takes them) against one index. A block is
 * taken from the first seed that holds it, unless a later seed holds it right after the block
 * before it (so that copies stay long runs). One seed is exactly {@link scanFile}.
 *
 * @example
 * ```ts
 * const found = await scanSeeds(['app-1.9.iso', 'app-2.0-rc1.iso'], index);
 * const plan = makePlan(index, found);
 * ```
 */
export async function scanSeeds(seeds: readonly string[], index: BlockIndex, options: ScanOptions = {}): Promise<SeedsScanResult> {
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.length > MAX_SEEDS) {
    throw new ArgumentError(`seeds must be a list of 1 to ${MAX_SEEDS} paths`);
  }
  checkIndex(index);
  const started = performance.now();
  const lookup = options.lookup ?? buildLookup(index);
  // Each seed's scan decides for itself whether workers pay (large files), as scanFile does alone:
  // a pool started here would make small seeds split across workers that cost more than they give.
  const results: ScanResult[] = [];
  for (const seed of seeds) results.push(await scanFile(seed, index, { ...options, lookup }));
  const { blockOffsets, blockSeeds } = mergeLocations(index, results.map((r) => r.blockOffsets));
  return { seeds: [...seeds], blockOffsets, blockSeeds, stats: sumStats(index, blockOffsets, results, performance.now() - started) };
}

/** Per block, the first seed's location, or a later seed's where it continues the block before. */
function mergeLocations(index: BlockIndex, found: Float64Array[]): { blockOffsets: Float64Array; blockSeeds: Uint16Array } {
  const n = index.blockCount;
  const L = index.blockSize;
  const blockOffsets = new Float64Array(n).fill(-1);
  const blockSeeds = new Uint16Array(n);
  for (let k = 0; k < n; k++) {
    const prevSeed = blockSeeds[k - 1];
    const prev = k > 0 ? blockOffsets[k - 1] : -1;
    if (prev >= 0 && found[prevSeed][k] === prev + L) {
      blockOffsets[k] = prev + L;
      blockSeeds[k] = prevSeed;
      continue;
    }
    const s = found.findIndex((f) => f[k] >= 0);
    if (s < 0) continue;
    blockOffsets[k] = found[s][k];
    blockSeeds[k] = s;
  }
  return { blockOffsets, blockSeeds };
}

function sumStats(index: BlockIndex, blockOffsets: Float64Array, results: ScanResult[], ms: number): ScanStats {
  const counters = newCounters();
  for (const r of results) addCounters(counters, r.stats);
  return {
    ...counters,
    localSize: results.reduce((n, r) => n + r.stats.localSize, 0),
    ...matchedTotals(index, blockOffsets),
    threads: Math.max(...results.map((r) => r.stats.threads)),
    milliseconds: ms,
  };
}
