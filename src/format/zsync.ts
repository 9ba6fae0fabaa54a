import { IndexFormatError } from '../errors/errors.js';
import { blockCountOf, type BlockIndex, MAX_BLOCK_SIZE, matchRunOf, MIN_BLOCK_SIZE, MIN_UNGUARDED_STRONG, weakMaskOf } from '../index/block-index.js';
import type { IndexCodec } from './codec.js';
import { formatZsyncHeader, headerValueProblem, isPowerOfTwo, parseZsyncHeader, ZSYNC_FILE_HASHES, ZSYNC_STRONG_HASHES, type ZsyncHeader } from './zsync-header.js';
import { ZSYNCMAKE_VERSION } from './zsync-make.js';
import { META_FILENAME, META_MTIME, META_VERSION } from './zsync-meta.js';
import { readZsyncTable, rsumBytesOfWeakMask, weakMaskOfRsumBytes, writeZsyncTable } from './zsync-table.js';

export { formatZsyncMTime, zsyncDefaultBlockSize, zsyncHashLengths, zsyncIndex, type ZsyncHashLengths, type ZsyncOptions } from './zsync-make.js';
export { META_FILENAME, META_MTIME, META_VERSION } from './zsync-meta.js';

const MAGIC = 'zsync: ';

/**
 * The largest block size the zsync 0.6.2 client can use. Its Blocksize may be any power of two
 * (libzsync/zsync.c), but it scans a local file 16 blocks at a time through a buffer whose size
 * is an int (librcksum/rsum.c, rcksum_submit_source_file): from 2^27 that size overflows.
 */
const ZSYNC_MAX_BLOCK_SIZE = 2 ** 26;

/** Checks the block table's length and the block size against what deltasync can use. */
function checkTable(h: ZsyncHeader, total: number, bad: (m: string) => Error): number {
  if (h.blockSize < MIN_BLOCK_SIZE || h.blockSize > MAX_BLOCK_SIZE) {
    throw bad(`Blocksize ${h.blockSize} is out of the range deltasync works with (${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE} bytes)`);
  }
  const blockCount = blockCountOf(h.length, h.blockSize);
  const rec = h.rsumBytes + h.checksumBytes;
  const expected = blockCount * rec;
  const body = total - h.headerEnd;
  if (body !== expected) {
    const what = body < expected ? 'truncated block table' : 'block table longer than Length says';
    throw bad(
      `${what}: ${body} bytes after the header, expected ${expected} ` +
        `(${blockCount} ${blockCount === 1 ? 'block' : 'blocks'} of ${rec} bytes for Length ${h.length} at Blocksize ${h.blockSize})`,
    );
  }
  if (!h.fileHash && h.checksumBytes < MIN_UNGUARDED_STRONG) {
    throw bad(`block checksums of ${h.checksumBytes} bytes are too short to verify anything without a whole-file hash (SHA-1 line)`);
  }
  return blockCount;
}

/**
 * zsync control files (`.zsync`), as zsyncmake 0.6.2 and zsync 0.8 write them: a text header,
 * then per block the last bytes of the rolling sum and the first bytes of MD4 (or MD5, SHA-224),
 * the last block summed zero-padded. Decoded exactly into a {@link BlockIndex}: truncated weak
 * sums ({@link BlockIndex.weakMask}), seq_matches ({@link BlockIndex.matchRun}), `paddedTail`,
 * the whole-file hash, URLs, and Filename/MTime/version in `meta` so that encoding writes the file
 * again byte for byte. See docs/zsync.md.
 */
export const zsyncCodec: IndexCodec = {
  name: 'zsync',
  title: 'zsync',
  extensions: ['zsync'],
  automatic: false,
  sniff(head) {
    return head.length >= MAGIC.length && String.fromCharCode(...head.subarray(0, MAGIC.length)) === MAGIC;
  },
  decode(bytes, name, total = bytes.length) {
    const bad = (msg: string) => new IndexFormatError(`${name}: ${msg}`);
    const h = parseZsyncHeader(bytes, bytes.length >= total, bad);
    if (!h) return undefined;
    const blockCount = checkTable(h, total, bad);
    if (bytes.length < total) return undefined;
    const { weak, strong } = readZsyncTable(bytes, h.headerEnd, blockCount, h.rsumBytes, h.checksumBytes);
    const meta: Record<string, string> = { [META_VERSION]: h.version };
    if (h.filename !== undefined) meta[META_FILENAME] = h.filename;
    if (h.mtime !== undefined) meta[META_MTIME] = h.mtime;
    const index: BlockIndex = {
      fileSize: h.length,
      blockSize: h.blockSize,
      blockCount,
      strongHash: h.strongHash,
      strongLength: h.checksumBytes,
      weak,
      strong,
      weakMask: weakMaskOfRsumBytes(h.rsumBytes),
      matchRun: h.seqMatches,
      paddedTail: true,
      urls: h.urls,
      meta,
    };
    return h.fileHash ? { ...index, fileHash: h.fileHash } : index;
  },
  unfit(index) {
    if (!isPowerOfTwo(index.blockSize) || index.blockSize > ZSYNC_MAX_BLOCK_SIZE) {
      return `block size ${index.blockSize} is not one zsync can use (it takes powers of two up to 64 MiB)`;
    }
    const strong = Object.values(ZSYNC_STRONG_HASHES).find((s) => s.name === index.strongHash);
    if (!strong) return `zsync block hashes are MD4, MD5 or SHA-224, not ${index.strongHash}`;
    if (index.strongLength < 3 || index.strongLength > strong.size) {
      return `zsync keeps 3 to ${strong.size} bytes of each ${index.strongHash} block digest, not ${index.strongLength}`;
    }
    if (!index.fileHash && index.strongLength < MIN_UNGUARDED_STRONG) {
      return `block digests of ${index.strongLength} bytes need a whole-file hash (SHA-1) beside them`;
    }
    if (rsumBytesOfWeakMask(weakMaskOf(index)) === undefined) return 'zsync keeps the last 1 to 4 bytes of each rolling sum (this weak mask is none of those)';
    const run = matchRunOf(index);
    if (run !== 1 && run !== 2) return `zsync's seq_matches is 1 or 2, not ${run}`;
    if (!index.paddedTail && index.fileSize % index.blockSize !== 0) {
      return 'zsync sums a short last block zero-padded (build the index with paddedTail)';
    }
    if (index.fileHash && !Object.values(ZSYNC_FILE_HASHES).some((f) => f.name === index.fileHash!.algorithm)) {
      return `zsync's whole-file hash is SHA-1 or SHA-256, not ${index.fileHash.algorithm}`;
    }
    const values: [string, string | undefined][] = [
      ['zsync', index.meta?.[META_VERSION]],
      ['Filename', index.meta?.[META_FILENAME]],
      ['MTime', index.meta?.[META_MTIME]],
      ...(index.urls ?? []).map((u): [string, string] => ['URL', u]),
    ];
    for (const [key, value] of values) {
      const problem = value === undefined ? undefined : value === '' ? `the zsync ${key} cannot be empty` : headerValueProblem(key, value);
      if (problem) return problem;
    }
    return undefined;
  },
  encode(index) {
    const rsumBytes = rsumBytesOfWeakMask(weakMaskOf(index))!;
    const text = formatZsyncHeader({
      version: index.meta?.[META_VERSION] ?? ZSYNCMAKE_VERSION,
      filename: index.meta?.[META_FILENAME],
      mtime: index.meta?.[META_MTIME],
      blockSize: index.blockSize,
      length: index.fileSize,
      seqMatches: matchRunOf(index),
      rsumBytes,
      checksumBytes: index.strongLength,
      strongHash: index.strongHash,
      urls: index.urls ?? [],
      fileHash: index.fileHash,
    });
    const header = new TextEncoder().encode(text);
    const out = new Uint8Array(header.length + index.blockCount * (rsumBytes + index.strongLength));
    out.set(header);
    writeZsyncTable(index.weak, index.strong, index.strongLength, rsumBytes, index.strongLength, out, header.length);
    return out;
  },
};
