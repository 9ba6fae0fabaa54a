import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, InvalidArgumentError, Option } from './commander.js';
import { strongHashNames } from '../checksum/registry.js';
import type { BlockIndex } from '../index/block-index.js';
import { bytes, count, mbPerSecond, millis, rate } from './format.js';
import { blockSizeArg, checkOutputName, sameFile, wholeNumber, withThreads } from './options.js';
import type { Output } from './output.js';

type Format = 'gosync' | 'deltasync' | 'zsync';

interface BuildFlags {
  output?: string;
  blockSize?: number;
  format?: Format;
  hash?: string;
  strongLength?: number;
  fileHash?: string;
  url: string[];
  threads?: number;
}

/** go-sync's default block size, and deltasync's (zsync picks its own from the file size). */
const DEFAULT_BLOCK_SIZE = 8192;

/** `deltasync build <file>`: write the index of a reference. */
export function buildCommand(out: Output): Command {
  const cmd = new Command('build')
    .alias('b')
    .summary('write the index (checksums) of a reference file')
    .description(
      'Write the index of <file>: a weak and a strong checksum per block. By default the index is in go-sync 0.2.x format (MD5 per block), readable by go-sync. Choosing another --hash, a --strong-length, a --file-hash or a --url writes the deltasync 1.x format instead. --format zsync (or an output ending in .zsync) writes a zsync control file, as zsyncmake 0.6.2 writes it, which the zsync client reads.',
    )
    .argument('<file>', 'the reference file')
    .option('-o, --output <index>', 'where to write the index (default: <file>.gosync, or <file>.zsync)')
    .option('-b, --block-size <n>', 'block size in bytes, 64 to 16M (k and M suffixes allowed; default 8192, zsync: 2048 or 4096 by size)', blockSizeArg)
    .addOption(new Option('--format <format>', 'index format').choices(['gosync', 'deltasync', 'zsync']))
    .addOption(new Option('--hash <name>', 'strong hash per block (default md5)').choices([...strongHashNames]))
    .option('--strong-length <n>', 'bytes of each block digest to keep (smaller index)', wholeNumber)
    .addOption(new Option('--file-hash <name>', 'also store a whole-file digest').choices([...strongHashNames]))
    .option('-u, --url <url>', 'where clients fetch the reference, relative to the index (zsync: repeatable)', (v: string, p: string[]) => [...p, v], [])
    .action(async (file: string, flags: BuildFlags) => {
      const tuned = flags.hash !== undefined || flags.strongLength !== undefined || flags.fileHash !== undefined;
      const format: Format =
        flags.format ?? (flags.output?.toLowerCase().endsWith('.zsync') ? 'zsync' : tuned || flags.url.length > 0 ? 'deltasync' : 'gosync');
      if (format === 'zsync' && tuned) throw new InvalidArgumentError('zsync control files have MD4 block sums and a SHA-1 of the file: --hash, --strong-length and --file-hash do not apply.');
      if (format === 'gosync' && (tuned && (flags.hash ?? 'md5') !== 'md5' || flags.strongLength !== undefined || flags.fileHash !== undefined)) {
        throw new InvalidArgumentError('the gosync format takes only --hash md5, with no --strong-length or --file-hash.');
      }
      if (format === 'gosync' && flags.url.length > 0) throw new InvalidArgumentError('the gosync format holds no URL: use --format deltasync (or zsync).');
      if (format === 'deltasync' && flags.url.length > 1) throw new InvalidArgumentError('the deltasync format holds one URL (zsync holds several).');
      if (format === 'zsync' && flags.blockSize !== undefined && (flags.blockSize & (flags.blockSize - 1)) !== 0) {
        throw new InvalidArgumentError(`zsync block sizes are powers of two (${flags.blockSize} is not).`);
      }
      const output = flags.output ?? `${file}.${format === 'zsync' ? 'zsync' : 'gosync'}`;
      await checkOutputName(output);
      if (await sameFile(file, output)) throw new InvalidArgumentError(`the index ${output} would overwrite the file it describes.`);
      const [{ buildIndex }, { writeIndexFile }] = await Promise.all([import('../index/build.js'), import('../format/index-file.js')]);
      const started = performance.now();
      const onProgress = out.reporter(`indexing ${file}`);
      let index: BlockIndex;
      if (format === 'zsync') {
        const { zsyncDefaultBlockSize, zsyncIndex } = await import('../format/zsync.js');
        const st = await stat(file).catch(() => undefined);
        const blockSize = flags.blockSize ?? zsyncDefaultBlockSize(st?.size ?? 0);
        const full = await buildIndex(file, { blockSize, strongHash: 'md4', fileHash: 'sha1', paddedTail: true, threads: flags.threads, onProgress });
        const name = basename(file);
        index = zsyncIndex(full, { url: flags.url.length > 0 ? flags.url : name, filename: name, mtime: st?.mtime });
      } else {
        const fileHash = flags.fileHash ?? (format === 'deltasync' ? 'sha256' : undefined);
        const built = await buildIndex(file, {
          blockSize: flags.blockSize ?? DEFAULT_BLOCK_SIZE,
          strongHash: flags.hash ?? 'md5',
          strongLength: flags.strongLength,
          fileHash,
          threads: flags.threads,
          onProgress,
        });
        index = flags.url.length > 0 ? { ...built, urls: flags.url } : built;
      }
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
          urls: index.urls ?? [],
          indexBytes,
          milliseconds: millis(ms),
          mbPerSecond: mbPerSecond(index.fileSize, ms),
        },
        `Wrote ${output} (${format}, ${count(index.blockCount)} ${index.blockCount === 1 ? 'block' : 'blocks'} of ${bytes(index.blockSize)}, ` +
          `${bytes(indexBytes)}) for ${file} (${bytes(index.fileSize)}) in ${(ms / 1000).toFixed(2)} s, ` +
          rate(index.fileSize, ms),
      );
    });
  return withThreads(cmd);
}
