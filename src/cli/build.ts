import { stat } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { strongHashNames } from '../checksum/registry.js';
import { writeIndexFile } from '../format/index-file.js';
import { DEFAULT_BLOCK_SIZE } from '../index/block-index.js';
import { buildIndex } from '../index/build.js';
import { bytes, count, mbPerSecond, millis, rate } from './format.js';
import { blockSizeArg, checkOutputName, sameFile, wholeNumber, withThreads } from './options.js';
import type { Output } from './output.js';

interface BuildFlags {
  output?: string;
  blockSize: number;
  format?: 'gosync' | 'deltasync';
  hash: string;
  strongLength?: number;
  fileHash?: string;
  threads?: number;
}

/** `deltasync build <file>`: write the index of a reference. */
export function buildCommand(out: Output): Command {
  const cmd = new Command('build')
    .alias('b')
    .summary('write the index (checksums) of a reference file')
    .description(
      'Write the index of <file>: a weak and a strong checksum per block. By default the index is in go-sync 0.2.x format (MD5 per block), readable by go-sync. Choosing another --hash, a --strong-length or a --file-hash writes the deltasync 1.0 format instead.',
    )
    .argument('<file>', 'the reference file')
    .option('-o, --output <index>', 'where to write the index (default: <file>.gosync)')
    .option('-b, --block-size <n>', 'block size in bytes, 512 to 16M (k and M suffixes allowed)', blockSizeArg, DEFAULT_BLOCK_SIZE)
    .addOption(new Option('--format <format>', 'index format').choices(['gosync', 'deltasync']))
    .addOption(new Option('--hash <name>', 'strong hash per block').choices([...strongHashNames]).default('md5'))
    .option('--strong-length <n>', 'bytes of each block digest to keep (smaller index)', wholeNumber)
    .addOption(new Option('--file-hash <name>', 'also store a whole-file digest').choices([...strongHashNames]))
    .action(async (file: string, flags: BuildFlags) => {
      const beyondGosync = flags.hash !== 'md5' || flags.strongLength !== undefined || flags.fileHash !== undefined;
      const format = flags.format ?? (beyondGosync ? 'deltasync' : 'gosync');
      if (format === 'gosync' && beyondGosync) {
        throw new InvalidArgumentError('the gosync format takes only --hash md5, with no --strong-length or --file-hash.');
      }
      const fileHash = flags.fileHash ?? (format === 'deltasync' ? 'sha256' : undefined);
      const output = flags.output ?? `${file}.gosync`;
      checkOutputName(output);
      if (await sameFile(file, output)) throw new InvalidArgumentError(`the index ${output} would overwrite the file it describes.`);
      const started = performance.now();
      const index = await buildIndex(file, {
        blockSize: flags.blockSize,
        strongHash: flags.hash,
        strongLength: flags.strongLength,
        fileHash,
        threads: flags.threads,
        onProgress: out.reporter(`indexing ${file}`),
      });
      await writeIndexFile(index, output, format);
      const ms = performance.now() - started;
      const indexBytes = (await stat(output)).size;
      out.result(
        {
          file,
          index: output,
          format,
          fileSize: index.fileSize,
          blockSize: index.blockSize,
          blocks: index.blockCount,
          strongHash: index.strongHash,
          strongLength: index.strongLength,
          fileHash: index.fileHash?.algorithm ?? null,
          indexBytes,
          milliseconds: millis(ms),
          mbPerSecond: mbPerSecond(index.fileSize, ms),
        },
        `Wrote ${output} (${format}, ${count(index.blockCount)} blocks of ${bytes(index.blockSize)}, ` +
          `${bytes(indexBytes)}) for ${file} (${bytes(index.fileSize)}) in ${(ms / 1000).toFixed(2)} s, ` +
          rate(index.fileSize, ms),
      );
    });
  return withThreads(cmd);
}
