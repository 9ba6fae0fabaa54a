import { Command, InvalidArgumentError } from 'commander';
import { readIndexFile } from '../format/index-file.js';
import { patchFile } from '../patch/patch.js';
import { fileSource } from '../source/file-source.js';
import { bytes, mbPerSecond, millis, percent, plural, rate } from './format.js';
import { checkOutputName, sameFile, withThreads } from './options.js';
import type { Output } from './output.js';

/** `deltasync patch <local-file> <index> <reference> [output]`: write the reference. */
export function patchCommand(out: Output): Command {
  const cmd = new Command('patch')
    .alias('p')
    .summary('rebuild a reference from a local file plus the blocks it lacks')
    .description(
      'Write the reference described by <index>, reusing the blocks <local-file> already holds and reading the rest from <reference>. Every block is verified; the result is written beside the target and renamed into place only when complete. Without an output, <local-file> is replaced (safely: on any failure it is left as it was).',
    )
    .argument('<local-file>', 'the local (old or similar) file')
    .argument('<index>', 'the index of the reference (.gosync)')
    .argument('<reference>', 'where missing blocks come from (a file)')
    .argument('[output]', 'where to write the result (go-sync style; same as -o)')
    .option('-o, --output <file>', 'where to write the result (default: replace <local-file>)')
    .action(async (local: string, indexPath: string, reference: string, positional: string | undefined, flags: { output?: string; threads?: number }) => {
      if (positional && flags.output && positional !== flags.output) {
        throw new InvalidArgumentError(`two outputs given: '${positional}' and -o '${flags.output}'.`);
      }
      const output = flags.output ?? positional ?? local;
      checkOutputName(output);
      if (await sameFile(indexPath, output)) throw new InvalidArgumentError(`the output ${output} would overwrite the index ${indexPath} in use.`);
      const index = await readIndexFile(indexPath);
      const source = fileSource(reference);
      try {
        const s = await patchFile({
          local,
          index,
          source,
          output,
          scan: { threads: flags.threads, onProgress: out.reporter(`scanning ${local}`) },
          onProgress: out.reporter(`writing ${output}`),
        });
        out.result(
          {
            local,
            index: indexPath,
            reference,
            output,
            ...s,
            scan: s.scan && { ...s.scan, milliseconds: millis(s.scan.milliseconds) },
            milliseconds: millis(s.milliseconds),
            mbPerSecond: mbPerSecond(s.fileSize, s.milliseconds),
          },
          `Reused ${bytes(s.reusedBytes)} (${percent(s.reusedBytes, s.fileSize)}) from ${local}, ` +
            `fetched ${bytes(s.fetchedBytes)} (${percent(s.fetchedBytes, s.fileSize)}) in ${plural(s.fetchRegions, 'range')} from ${reference}\n` +
            `Wrote ${output} (${bytes(s.fileSize)}, verified) in ${(s.milliseconds / 1000).toFixed(2)} s, ${rate(s.fileSize, s.milliseconds)}`,
        );
      } finally {
        await source.close();
      }
    });
  return withThreads(cmd);
}
