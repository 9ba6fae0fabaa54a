import { access, readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from './commander.js';
import { bytes, mbPerSecond, millis, percent, plural, rate } from './format.js';
import { checkOutputName, sameFile, wholeNumber, withThreads, workersAsAsked } from './options.js';
import type { Output } from './output.js';

interface PatchFlags {
  output?: string;
  seed: string[];
  threads?: number;
  connections: number;
  header: string[];
  ca?: string;
  resume: boolean;
  fsync: boolean;
}

/** What `-H` collects: every `Name: value` given, in order. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The HTTP counters of every source that has them, added up (mirrors included); null when none does. */
function httpTotals(sources: readonly object[]): Record<string, number> | null {
  let sum: Record<string, number> | null = null;
  for (const src of sources) {
    if (!('stats' in src)) continue;
    sum ??= {};
    for (const [k, v] of Object.entries(src.stats as Record<string, number>)) sum[k] = (sum[k] ?? 0) + v;
  }
  return sum;
}

/** `deltasync patch <local-file> <index> [reference] [output]`: write the reference. */
export function patchCommand(out: Output): Command {
  const cmd = new Command('patch')
    .alias('p')
    .summary('rebuild a reference from a local file plus the blocks it lacks')
    .description(
      'Write the reference described by <index> (a .gosync, deltasync or .zsync file, a path or an http(s) URL), reusing the blocks <local-file> (and any -i seeds) already hold and fetching the rest from <reference>. Without <reference>, the URLs in the index are used (relative ones against the index\'s own location; several are mirrors, tried in turn), or else the index\'s location without its .gosync/.zsync ending. Every block is verified; the result is written beside the target and renamed into place only when complete. Without an output, <local-file> is replaced (safely: on any failure it is left as it was). An interrupted patch keeps what it wrote in <output>.part, which the next run reuses.',
    )
    .argument('<local-file>', 'the local (old or similar) file')
    .argument('<index>', 'the index of the reference: a path or URL (.gosync, .zsync)')
    .argument('[reference]', 'where missing blocks come from: a path or an http(s) URL')
    .argument('[output]', 'where to write the result (go-sync style; same as -o)')
    .option('-o, --output <file>', 'where to write the result (default: replace <local-file>)')
    .option('-i, --seed <file>', 'another local file to reuse blocks from (repeatable, as zsync -i)', collect, [])
    .option('--connections <n>', 'HTTP connections at once', wholeNumber, 8)
    .option('-H, --header <line>', "an HTTP header for every request, 'Name: value' (repeatable)", collect, [])
    .option('--ca <file>', 'trust this CA certificate (PEM) for HTTPS')
    .addOption(new Option('--no-resume', 'do not keep or reuse <output>.part'))
    .addOption(new Option('--no-fsync', 'do not sync the result to the disk before renaming it into place (faster; as rsync and zsync do)'))
    .action(async (local: string, indexArg: string, reference: string | undefined, positional: string | undefined, flags: PatchFlags) => {
      if (positional && flags.output && positional !== flags.output) {
        throw new InvalidArgumentError(`two outputs given: '${positional}' and -o '${flags.output}'.`);
      }
      // Modules load while the arguments are checked: the HTTP client too when a URL is given.
      const modules = Promise.all([
        import('../source/locate.js'),
        import('../patch/patch.js'),
        [indexArg, reference].some((a) => a !== undefined && /^https?:/i.test(a)) ? import('../source/http-source.js') : undefined,
      ]);
      modules.catch(() => {}); // awaited below, after the checks
      const output = flags.output ?? positional ?? local;
      await checkOutputName(output);
      if (await sameFile(indexArg, output)) throw new InvalidArgumentError(`the output ${output} would overwrite the index ${indexArg} in use.`);
      if (flags.connections < 1 || flags.connections > 256) throw new InvalidArgumentError('--connections must be from 1 to 256.');
      const [{ loadIndex, referenceLocations, sourceAt }, { patchFile }] = await modules;
      const http = {
        connections: flags.connections,
        headers: flags.header,
        ca: flags.ca === undefined ? undefined : await readFile(flags.ca, 'utf8').catch(() => {
          throw new InvalidArgumentError(`cannot read the CA file ${flags.ca}.`);
        }),
        onWarning: (m: string) => out.warn(m),
      };
      const { index, location } = await loadIndex(indexArg, http);
      const references = reference ? [reference] : referenceLocations(index, location);
      if (references.length === 0) {
        throw new InvalidArgumentError(`${indexArg} names no reference URL and does not end in .gosync or .zsync: give the reference.`);
      }
      const partial = flags.resume ? `${output}.part` : undefined;
      const seeds = [local, ...flags.seed];
      if (partial && (await access(partial).then(() => true, () => false))) seeds.push(partial);
      const sources = await Promise.all(references.map((r) => sourceAt(r, http)));
      try {
        const s = await patchFile({
          local: seeds,
          index,
          source: sources,
          output,
          partial,
          fsync: flags.fsync,
          scan: { threads: flags.threads, ...workersAsAsked(flags.threads), onProgress: out.reporter(`scanning ${local}`) },
          onProgress: out.reporter(`writing ${output}`),
        });
        const httpStats = httpTotals(sources);
        const from = s.source;
        out.result(
          {
            local,
            seeds,
            index: indexArg,
            reference: s.source,
            output,
            ...s,
            scan: s.scan && { ...s.scan, milliseconds: millis(s.scan.milliseconds) },
            http: httpStats,
            milliseconds: millis(s.milliseconds),
            phases: Object.fromEntries(Object.entries(s.phases).map(([k, v]) => [k, millis(v)])),
            mbPerSecond: mbPerSecond(s.fileSize, s.milliseconds),
          },
          `Reused ${bytes(s.reusedBytes)} (${percent(s.reusedBytes, s.fileSize)}) from ${seeds.length > 1 ? `${plural(seeds.length, 'local file')}` : local}, ` +
            `fetched ${bytes(s.fetchedBytes)} (${percent(s.fetchedBytes, s.fileSize)}) in ${plural(s.fetchRegions, 'range')} from ${from}\n` +
            `Wrote ${output} (${bytes(s.fileSize)}, verified) in ${(s.milliseconds / 1000).toFixed(2)} s, ${rate(s.fileSize, s.milliseconds)}`,
        );
      } finally {
        await Promise.all(sources.map((src) => src.close()));
      }
    });
  return withThreads(cmd);
}
