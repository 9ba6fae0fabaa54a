/**
 * The text header of a zsync control file: `Key: value` lines ended by LF, then an empty line.
 * Layout and rules as zsync 0.6.2 (libzsync/zsync.c, zsync_begin) and zsync 0.8 (Go,
 * control_file_parse.go) read them; see docs/zsync.md.
 */

/** The strong (per-block) hashes a zsync control file can name, by their names in the file. */
export const ZSYNC_STRONG_HASHES: Readonly<Record<string, { name: string; size: number }>> = {
  MD4: { name: 'md4', size: 16 },
  MD5: { name: 'md5', size: 16 },
  'SHA-224': { name: 'sha224', size: 28 },
};

/** The whole-file hashes a zsync control file can carry (`SHA-1:` line or `File-Hash: ALG:hex`). */
export const ZSYNC_FILE_HASHES: Readonly<Record<string, { name: string; size: number }>> = {
  'SHA-1': { name: 'sha1', size: 20 },
  'SHA-256': { name: 'sha256', size: 32 },
};

/**
 * Longest header line, counting its LF: zsync 0.6 reads lines with `fgets` into a 1024-byte
 * buffer, so a longer line would be split in two (and its second part misread).
 */
export const ZSYNC_MAX_LINE = 1023;
/** The header must end within this many bytes (what a reader looks at before reading on). */
export const ZSYNC_MAX_HEADER = 64 * 1024;
/** The newest zsync version whose control files this reader understands (for `Min-Version`). */
export const ZSYNC_READS_VERSION = '0.8.0';

/** Fields whose data is in a gzip-compressed copy of the file: zsync 0.6's compressed mode. */
const COMPRESSED_FIELDS = new Set(['Z-URL', 'Z-Map2', 'Recompress', 'Z-Filename']);
/** Every field this reader implements, so that a `Safe` line naming one of them is fine. */
const KNOWN_FIELDS = new Set([
  'zsync', 'Filename', 'MTime', 'Blocksize', 'Length', 'Hash-Lengths', 'URL', 'SHA-1',
  'File-Hash', 'Strong-Hash-Algorithm', 'Safe', 'Min-Version',
]);

/** What a zsync control file's header says, and where its block table starts. */
export interface ZsyncHeader extends ZsyncHeaderFields {
  /** Offset of the block table: just after the empty line. */
  headerEnd: number;
}

type Bad = (msg: string) => Error;

/**
 * Parses the header at the start of `bytes` (which may be only the start of the file: `complete`
 * says whether it is all of it). Returns undefined when the header goes on past `bytes` and
 * could still end within {@link ZSYNC_MAX_HEADER}.
 */
export function parseZsyncHeader(bytes: Uint8Array, complete: boolean, bad: Bad): ZsyncHeader | undefined {
  const fields: [key: string, value: string, line: number][] = [];
  const limit = Math.min(bytes.length, ZSYNC_MAX_HEADER);
  let start = 0;
  let line = 1;
  let headerEnd = -1;
  while (headerEnd < 0) {
    const lf = bytes.subarray(start, Math.min(limit, start + ZSYNC_MAX_LINE)).indexOf(0x0a);
    if (lf < 0) {
      if (limit - start >= ZSYNC_MAX_LINE) {
        throw bad(`line ${line} is longer than ${ZSYNC_MAX_LINE} bytes (zsync reads lines into a 1024-byte buffer)`);
      }
      if (bytes.length >= ZSYNC_MAX_HEADER) throw bad(`the header does not end within its first ${ZSYNC_MAX_HEADER} bytes`);
      if (complete) throw bad('truncated control file: it ends inside the header (no empty line before the block table)');
      return undefined;
    }
    if (lf === 0) {
      headerEnd = start + 1;
      break;
    }
    fields.push(splitLine(bytes.subarray(start, start + lf), line, bad));
    start += lf + 1;
    line++;
  }
  return interpret(fields, headerEnd, bad);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function splitLine(raw: Uint8Array, line: number, bad: Bad): [string, string, number] {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw bad(`line ${line} is not UTF-8 text`);
  }
  // zsync 0.6 drops CR and spaces at the end of a line.
  text = text.replace(/[\r ]+$/, '');
  const colon = text.indexOf(':');
  if (colon <= 0 || text[colon + 1] !== ' ') {
    throw bad(`line ${line} is not a 'Key: value' header line: ${JSON.stringify(text.slice(0, 60))}`);
  }
  return [text.slice(0, colon), text.slice(colon + 2), line];
}

/** Whether `n` is a power of two (1, 2, 4, …), exactly: Math.log2 alone rounds, taking 2^53 - 1 for one. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** A whole number written in decimal digits only, at most 2^53 - 1. */
function decimal(key: string, value: string, bad: Bad): number {
  if (!/^[0-9]{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw bad(`${key} ${JSON.stringify(value)} is not a whole number`);
  }
  return Number(value);
}

function hexDigest(key: string, hex: string, size: number, bad: Bad): Uint8Array {
  if (hex.length !== size * 2 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw bad(`${key} must be ${size * 2} hex digits, not ${JSON.stringify(hex.slice(0, 80))}`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** -1, 0 or 1 as dotted version `a` is below, equal to or above `b` (numerically, part by part). */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** An RFC 822 date as zsync writes MTime: `Tue, 14 Nov 2023 22:13:20 +0000` (the weekday optional). */
const RFC822 = /^(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;

function interpret(fields: [string, string, number][], headerEnd: number, bad: Bad): ZsyncHeader {
  if (fields.length === 0 || fields[0][0] !== 'zsync') throw bad(`not a zsync control file: it does not start with a 'zsync:' line`);
  const single = new Map<string, string>();
  const urls: string[] = [];
  for (const [key, value] of fields) {
    if (COMPRESSED_FIELDS.has(key)) {
      throw bad(`${key}: compressed content (zsync -z / .gz targets) is not supported by deltasync`);
    }
    if (!KNOWN_FIELDS.has(key)) throw bad(`unknown field ${key} (deltasync does not implement it)`);
    if (key === 'URL') {
      if (!value) throw bad('empty URL');
      urls.push(value);
      continue;
    }
    const before = single.get(key);
    if (before !== undefined && before !== value) {
      throw bad(`contradictory ${key} fields: ${JSON.stringify(before)} and ${JSON.stringify(value)}`);
    }
    single.set(key, value);
  }

  const version = single.get('zsync')!;
  if (version === '0.0.4') throw bad('zsync 0.0.4 control files are not supported');
  const minVersion = single.get('Min-Version');
  if (minVersion !== undefined && compareVersions(minVersion, ZSYNC_READS_VERSION) > 0) {
    throw bad(`Min-Version ${minVersion}: the file needs a newer zsync than the ${ZSYNC_READS_VERSION} format deltasync reads`);
  }
  for (const name of (single.get('Safe') ?? '').split(/[ ,]+/)) {
    const field = name.replace(/:$/, '');
    if (field && !KNOWN_FIELDS.has(field)) {
      throw bad(`Safe lists ${field}, which deltasync does not implement`);
    }
  }

  const blockText = single.get('Blocksize');
  const lengthText = single.get('Length');
  if (blockText === undefined || lengthText === undefined) {
    throw bad(`missing ${blockText === undefined ? 'Blocksize' : 'Length'} field (both are required)`);
  }
  const blockSize = decimal('Blocksize', blockText, bad);
  if (!isPowerOfTwo(blockSize)) {
    throw bad(`Blocksize ${blockSize} is not a power of two`);
  }
  const length = decimal('Length', lengthText, bad);

  const algorithmName = single.get('Strong-Hash-Algorithm') ?? 'MD4';
  const strong = Object.hasOwn(ZSYNC_STRONG_HASHES, algorithmName) ? ZSYNC_STRONG_HASHES[algorithmName] : undefined;
  if (!strong) throw bad(`Strong-Hash-Algorithm ${algorithmName} is not one of ${Object.keys(ZSYNC_STRONG_HASHES).join(', ')}`);

  let seqMatches = 1;
  let rsumBytes = 4;
  let checksumBytes = strong.size;
  const lengths = single.get('Hash-Lengths');
  if (lengths !== undefined) {
    const m = /^([0-9]{1,3}),([0-9]{1,3}),([0-9]{1,3})$/.exec(lengths);
    if (!m) throw bad(`Hash-Lengths ${JSON.stringify(lengths)} is not three whole numbers (seq_matches,rsum_bytes,checksum_bytes)`);
    [seqMatches, rsumBytes, checksumBytes] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (seqMatches < 1 || seqMatches > 2) throw bad(`Hash-Lengths ${lengths}: seq_matches ${seqMatches} is out of range (1 or 2)`);
    if (rsumBytes < 1 || rsumBytes > 4) throw bad(`Hash-Lengths ${lengths}: rsum_bytes ${rsumBytes} is out of range (1 to 4)`);
    if (checksumBytes < 3 || checksumBytes > strong.size) {
      throw bad(`Hash-Lengths ${lengths}: checksum_bytes ${checksumBytes} is out of range for ${algorithmName} (3 to ${strong.size})`);
    }
  }

  const mtime = single.get('MTime');
  if (mtime !== undefined && !RFC822.test(mtime)) throw bad(`MTime ${JSON.stringify(mtime)} is not an RFC 822 date`);

  return {
    version,
    filename: single.get('Filename'),
    mtime,
    blockSize,
    length,
    seqMatches,
    rsumBytes,
    checksumBytes,
    strongHash: strong.name,
    urls,
    fileHash: fileHashOf(single, bad),
    headerEnd,
  };
}

/** The whole-file digest: File-Hash SHA-256 preferred, then SHA-1 (from File-Hash or the SHA-1 line), checked to agree. */
function fileHashOf(single: Map<string, string>, bad: Bad): ZsyncHeader['fileHash'] {
  const sha1Line = single.get('SHA-1');
  const sha1 = sha1Line === undefined ? undefined : hexDigest('SHA-1', sha1Line, 20, bad);
  const fh = single.get('File-Hash');
  if (fh === undefined) return sha1 && { algorithm: 'sha1', digest: sha1 };
  const colon = fh.indexOf(':');
  const algName = colon < 0 ? fh : fh.slice(0, colon);
  const alg = Object.hasOwn(ZSYNC_FILE_HASHES, algName) ? ZSYNC_FILE_HASHES[algName] : undefined;
  if (colon < 0 || !alg) throw bad(`File-Hash ${JSON.stringify(fh.slice(0, 80))} is not SHA-1:<hex> or SHA-256:<hex>`);
  const digest = hexDigest(`File-Hash ${fh.slice(0, colon)}`, fh.slice(colon + 1), alg.size, bad);
  if (alg.name === 'sha1' && sha1 && Buffer.compare(sha1, digest) !== 0) {
    throw bad('contradictory whole-file hashes: SHA-1 and File-Hash SHA-1 differ');
  }
  return { algorithm: alg.name, digest };
}

/** The header's values: what {@link formatZsyncHeader} writes. */
export interface ZsyncHeaderFields {
  /** The `zsync:` value: the version of the program that wrote the file, e.g. `0.6.2`. */
  version: string;
  filename?: string;
  /** The `MTime` value as written (RFC 822 date). */
  mtime?: string;
  blockSize: number;
  length: number;
  /** Hash-Lengths: consecutive blocks that must match (1 or 2). */
  seqMatches: number;
  /** Hash-Lengths: bytes of the rolling sum kept per block (1 to 4). */
  rsumBytes: number;
  /** Hash-Lengths: bytes of the strong hash kept per block. */
  checksumBytes: number;
  /** Registry name of the strong hash (`md4` unless Strong-Hash-Algorithm says otherwise). */
  strongHash: string;
  urls: readonly string[];
  /** The whole-file digest to verify with: SHA-256 from File-Hash when given, else SHA-1. */
  fileHash?: { algorithm: string; digest: Uint8Array };
}

/** Whether `h` needs the zsync 0.8 layout (another strong hash than MD4, or a SHA-256 of the file). */
export function needsZsync08(h: Pick<ZsyncHeaderFields, 'version' | 'strongHash' | 'fileHash'>): boolean {
  return h.strongHash !== 'md4' || (h.fileHash !== undefined && h.fileHash.algorithm !== 'sha1') || compareVersions(h.version, '0.8') >= 0;
}

/**
 * The header text, LF-ended lines and the empty line: in zsyncmake 0.6.2's order and words, or
 * in zsyncmake 0.8's when {@link needsZsync08} says so.
 */
export function formatZsyncHeader(h: ZsyncHeaderFields): string {
  const lines = [`zsync: ${h.version}`];
  if (h.filename !== undefined) lines.push(`Filename: ${h.filename}`);
  if (h.mtime !== undefined) lines.push(`MTime: ${h.mtime}`);
  lines.push(`Blocksize: ${h.blockSize}`, `Length: ${h.length}`);
  const lengths = `Hash-Lengths: ${h.seqMatches},${h.rsumBytes},${h.checksumBytes}`;
  const fileHashName = h.fileHash && Object.keys(ZSYNC_FILE_HASHES).find((k) => ZSYNC_FILE_HASHES[k].name === h.fileHash!.algorithm);
  const hex = h.fileHash && Buffer.from(h.fileHash.digest).toString('hex');
  if (needsZsync08(h)) {
    const safe = [...(h.fileHash ? ['File-Hash'] : []), ...(h.strongHash === 'md4' ? ['Strong-Hash-Algorithm'] : [])];
    if (safe.length) lines.push(`Safe: ${safe.join(',')}`);
    const algorithm = Object.keys(ZSYNC_STRONG_HASHES).find((k) => ZSYNC_STRONG_HASHES[k].name === h.strongHash);
    lines.push(lengths, `Strong-Hash-Algorithm: ${algorithm}`);
    if (h.fileHash) lines.push(`File-Hash: ${fileHashName}:${hex}`);
    for (const u of h.urls) lines.push(`URL: ${u}`);
  } else {
    lines.push(lengths);
    for (const u of h.urls) lines.push(`URL: ${u}`);
    if (h.fileHash) lines.push(`SHA-1: ${hex}`);
  }
  return lines.map((l) => `${l}\n`).join('') + '\n';
}

/** Why a header value cannot be written (a line break in it, or a line too long for zsync 0.6), or undefined. */
export function headerValueProblem(key: string, value: string): string | undefined {
  if (/[\r\n]/.test(value)) return `the zsync ${key} cannot hold a line break`;
  if (value !== value.replace(/ +$/, '')) return `the zsync ${key} cannot end with a space (zsync drops it)`;
  if (Buffer.byteLength(`${key}: ${value}\n`) > ZSYNC_MAX_LINE) return `the zsync ${key} line would be longer than ${ZSYNC_MAX_LINE} bytes`;
  return undefined;
}
