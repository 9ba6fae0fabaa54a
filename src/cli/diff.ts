import { Command } from './commander.js';
import { bytes, count, mbPerSecond, millis, percent, plural, rate, table } from './format.js';
import { withThreads, workersAsAsked } from './options.js';
import type { Output } from './output.js';

/** `deltasync diff <local-file> <index>`: what a patch would reuse and fetch. */
export function diffCommand(out: Output): Command {
  const cmd = new Command('diff')
    .alias('d')
    .summary('show how much of a reference a local file already holds')
    .description('Scan <local-file> (and any -i seeds) against <index> (a .gosync, deltasync or .zsync file, a path or an http(s) URL) and report what a patch would reuse and fetch (go-sync diff).')
    .argument('<local-file>', 'the local (old or similar) file')
    .argument('<index>', 'the index of the reference: a path or URL (.gosync, .zsync)')
    .option('-i, --seed <file>', 'another local file to reuse blocks from (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .action(async (local: string, indexPath: string, flags: { threads?: number; seed: string[] }) => {
      const [{ loadIndex }, { scanSeeds }, { makePlan }] = await Promise.all([
        import('../source/locate.js'),
        import('../match/seeds.js'),
        import('../plan/plan.js'),
        /^https?:/i.test(indexPath) ? import('../source/http-source.js') : undefined,
      ]);
      const { index } = await loadIndex(indexPath);
      const scan = await scanSeeds([local, ...flags.seed], index, { threads: flags.threads, ...workersAsAsked(flags.threads), onProgress: out.reporter(`scanning ${local}`) });
      const plan = makePlan(index, scan);
      const s = scan.stats;
      const ranges = plan.fetchRegions;
      out.result(
        {
          local,
          index: indexPath,
          blockSize: index.blockSize,
          blocks: index.blockCount,
          fileSize: index.fileSize,
          seeds: scan.seeds,
          localSize: s.localSize,
          matchedBlocks: s.matchedBlocks,
          matchedBytes: s.matchedBytes,
          fetchBytes: s.fetchBytes,
          fetchRanges: plan.spans.filter((x) => x.kind === 'fetch').length,
          fetchRegions: ranges,
          comparisons: s.comparisons,
          weakHits: s.weakHits,
          weakHitRate: s.comparisons ? s.weakHits / s.comparisons : 0,
          strongHits: s.strongHits,
          digests: s.digests,
          weakErrorRate: s.weakHits ? (s.weakHits - s.strongHits) / s.weakHits : 0,
          threads: s.threads,
          milliseconds: millis(s.milliseconds),
          mbPerSecond: mbPerSecond(s.localSize, s.milliseconds),
        },
        table([
          ['Block size', count(index.blockSize)],
          ['Blocks', `${count(index.blockCount)} (${bytes(index.fileSize)})`],
          ['Matched blocks', `${count(s.matchedBlocks)} (${percent(s.matchedBlocks, index.blockCount)})`],
          ['Matched bytes', `${count(s.matchedBytes)} (${bytes(s.matchedBytes)})`],
          ['Bytes to fetch', `${count(s.fetchBytes)} (${bytes(s.fetchBytes)}) in ${plural(ranges, 'range')}`],
          ['Comparisons', count(s.comparisons)],
          ['Weak hits', count(s.weakHits)],
          ['Weak hit rate', `${s.comparisons ? ((100 * s.weakHits) / s.comparisons).toFixed(4) : '0'}%`],
          ['Strong hits', count(s.strongHits)],
          ['Strong hashes', count(s.digests)],
          // go-sync's "weak hash error rate": weak hits whose strong hash then differed.
          ['Weak error rate', `${s.weakHits ? ((100 * (s.weakHits - s.strongHits)) / s.weakHits).toFixed(2) : '0.00'}%`],
          ['Threads', String(s.threads)],
          ['Time', `${(s.milliseconds / 1000).toFixed(3)} s, ${rate(s.localSize, s.milliseconds)} over ${bytes(s.localSize)}`],
        ]),
      );
    });
  return withThreads(cmd);
}
