/**
 * Helpers shared by the demo and the benchmarks: a seeded PRNG, fast generation of realistic-ish
 * data and of edited copies, temp folders, streaming SHA-256 and formatting.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MiB = 1024 * 1024;

/** A small seeded PRNG (mulberry32): reproducible edit positions and text. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed | 0;
  }
  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }
  /** Integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }
  /** Log-uniform integer in [lo, hi). */
  logInt(lo: number, hi: number): number {
    return Math.min(hi - 1, Math.floor(Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo)))));
  }
}

// ---------------------------------------------------------------------------------------------
// Data generation

const SYLLABLES = ['ka', 'lo', 'ri', 'sta', 'men', 'do', 'te', 'vi', 'on', 'ar', 'que', 'pro', 'sync', 'dat', 'el', 'um', 'is', 'the', 'and', 'for'];

/** A vocabulary of pseudo-words, encoded, with some punctuation and line breaks mixed in. */
function vocabulary(rng: Rng): Uint8Array[] {
  const words: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < 1500; i++) {
    let w = '';
    const n = 1 + rng.int(0, 3);
    for (let j = 0; j < n; j++) w += SYLLABLES[rng.int(0, SYLLABLES.length)];
    const r = rng.next();
    const tail = r < 0.06 ? '. ' : r < 0.1 ? ', ' : r < 0.12 ? '.\n' : ' ';
    words.push(enc.encode(w + tail));
  }
  return words;
}

/** Fills `out` with English-looking text (words from a vocabulary, chosen by `rng`). */
function fillText(out: Uint8Array, rng: Rng, vocab: Uint8Array[]): void {
  let i = 0;
  while (i < out.length) {
    // Zipf-ish: small indexes are much more frequent, as in real text.
    const r = rng.next();
    const w = vocab[Math.floor(r * r * r * vocab.length)];
    for (let j = 0; j < w.length && i < out.length; j++) out[i++] = w[j];
  }
}

/** Fills `out` with log-like records: `2024-05-17T12:00:07Z id=0001234 host=srv-042 ms=0317 status=200\n`. */
function fillRecords(out: Uint8Array, rng: Rng, counter: { n: number }): void {
  const enc = new TextEncoder();
  const hosts = ['srv-001', 'srv-042', 'db-7', 'edge-12', 'cache-3'];
  const status = ['200', '200', '200', '304', '404', '500'];
  let i = 0;
  while (i < out.length) {
    const n = counter.n++;
    const s = Math.floor(n / 7);
    const line =
      `2024-05-${String(1 + ((s / 86400) % 28 | 0)).padStart(2, '0')}T${String((s / 3600) % 24 | 0).padStart(2, '0')}:` +
      `${String((s / 60) % 60 | 0).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}Z id=${String(n).padStart(9, '0')} ` +
      `host=${hosts[rng.int(0, hosts.length)]} ms=${String(rng.int(0, 5000)).padStart(4, '0')} status=${status[rng.int(0, status.length)]}\n`;
    const { written } = enc.encodeInto(line, out.subarray(i));
    i += written;
    if (written < line.length) break;
  }
}

export interface Composition {
  random: number;
  text: number;
  records: number;
  zeros: number;
}

/**
 * Makes `size` bytes of realistic-ish content: regions of 64 KiB to 2 MiB of random bytes
 * (compressed or encrypted data), text, log records, and a few short zero runs (sparse areas,
 * which give identical blocks). Returns the bytes and how much of each kind they hold.
 */
export function makeMixedData(size: number, seed: number): { data: Uint8Array; composition: Composition } {
  const rng = new Rng(seed);
  const vocab = vocabulary(rng);
  const data = new Uint8Array(size);
  const composition: Composition = { random: 0, text: 0, records: 0, zeros: 0 };
  const counter = { n: 1 };
  let p = 0;
  while (p < size) {
    const r = rng.next();
    const kind: keyof Composition = r < 0.5 ? 'random' : r < 0.82 ? 'text' : r < 0.97 ? 'records' : 'zeros';
    const len = Math.min(size - p, kind === 'zeros' ? rng.int(4096, 96 * 1024) : rng.logInt(64 * 1024, 2 * MiB));
    const region = data.subarray(p, p + len);
    if (kind === 'random') randomFillSync(region);
    else if (kind === 'text') fillText(region, rng, vocab);
    else if (kind === 'records') fillRecords(region, rng, counter);
    // zeros: already zero
    composition[kind] += len;
    p += len;
  }
  return { data, composition };
}

/** `size` random bytes (crypto quality; nothing in them matches anything by chance). */
export function makeRandomData(size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let p = 0; p < size; p += 64 * MiB) randomFillSync(data.subarray(p, Math.min(size, p + 64 * MiB)));
  return data;
}

/** One edit of the reference that the old copy shows: in reference offsets. */
export interface Edit {
  kind: 'insert' | 'delete' | 'overwrite';
  /** Offset in the reference. */
  at: number;
  /** Bytes inserted (insert), missing (delete) or replaced (overwrite). */
  length: number;
}

/**
 * Plans `count` non-overlapping edits of a reference of `size` bytes, evenly mixed between
 * inserts, deletions and overwrites, at positions not aligned to blocks, sized log-uniformly
 * between `minLen` and `maxLen` (a few are single bytes).
 */
export function planEdits(size: number, count: number, rng: Rng, minLen: number, maxLen: number): Edit[] {
  const kinds: Edit['kind'][] = ['insert', 'delete', 'overwrite'];
  const edits: Edit[] = [];
  const slot = Math.floor(size / count);
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % 3];
    const wanted = i % 7 === 3 ? 1 : rng.logInt(minLen, maxLen);
    const length = kind === 'insert' ? wanted : Math.max(1, Math.min(wanted, slot - 2));
    const at = i * slot + rng.int(0, Math.max(1, slot - (kind === 'insert' ? 0 : length) - 1));
    edits.push({ kind, at, length });
  }
  return edits;
}

/**
 * Writes the old copy: the reference with `edits` applied, streamed to `path` (the reference
 * stays the only large buffer). New bytes are random. Returns the size written.
 */
export function writeEdited(path: string, ref: Uint8Array, edits: readonly Edit[]): number {
  const fd = openSync(path, 'w');
  let written = 0;
  const put = (b: Uint8Array) => {
    let o = 0;
    while (o < b.length) o += writeSync(fd, b, o, b.length - o);
    written += b.length;
  };
  try {
    let p = 0;
    for (const e of [...edits].sort((x, y) => x.at - y.at)) {
      put(ref.subarray(p, e.at));
      if (e.kind !== 'delete') put(randomFillSync(new Uint8Array(e.length)));
      p = e.kind === 'insert' ? e.at : e.at + e.length;
    }
    put(ref.subarray(p));
  } finally {
    closeSync(fd);
  }
  return written;
}

/**
 * Writes a "few matches" local file: `size` random bytes, with `shared` blocks of `ref` copied in
 * at unaligned offsets. Returns the number of blocks copied in.
 */
export function writeFewMatches(path: string, ref: Uint8Array, size: number, blockSize: number, shared: number, rng: Rng): number {
  const data = makeRandomData(size);
  const refBlocks = Math.floor(ref.length / blockSize);
  const stride = Math.floor(size / shared);
  let n = 0;
  for (let i = 0; i < shared; i++) {
    const at = i * stride + rng.int(1, Math.max(2, stride - blockSize));
    if (at + blockSize > size) break;
    const k = rng.int(0, refBlocks);
    data.set(ref.subarray(k * blockSize, (k + 1) * blockSize), at);
    n++;
  }
  writeFile(path, data);
  return n;
}

/** Writes `data` to `path` synchronously. */
export function writeFile(path: string, data: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    let o = 0;
    while (o < data.length) o += writeSync(fd, data, o, Math.min(data.length - o, 64 * MiB));
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Files

/** A fresh folder under the system temp dir; `remove()` deletes it and everything in it. */
export function tempFolder(prefix: string): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Streaming SHA-256 of a file, hex. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 4 * MiB })
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring and formatting

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Decimal MB per second (go-sync and zsync report 1e6 bytes as a MB). */
export function mbps(bytes: number, ms: number): number {
  return bytes / 1e3 / Math.max(ms, 1e-6);
}

// The same formatting as the command line's.
export { bytes as fmtBytes, count as fmtCount, percent as fmtPct } from '../src/cli/format.js';

/** Aligned `Label:  value` lines, indented. */
export function labelled(rows: [string, string][], indent = '  '): string {
  const w = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${indent}${`${k}:`.padEnd(w)}${v}`).join('\n');
}

/** A text table: first row is the header; columns listed in `right` are right-aligned. */
export function textTable(rows: string[][], right: ReadonlySet<number>): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Contention

function systemBusyMs(): number | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal ... (in USER_HZ ticks, 100 per second on Linux)
    const f = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0);
    return busy * 10;
  } catch {
    return undefined;
  }
}

/**
 * Watches how many cores other processes kept busy while something ran: all CPU time the system
 * spent (from /proc/stat, steal included) minus this process's own (every thread), over the wall
 * time. Intervals add up (`begin`/`end` may be called several times). Linux only; elsewhere
 * `others` is NaN. Contention outside this VM (other tenants of the host) does not show here.
 */
export class CpuWatch {
  #sys0: number | undefined;
  #own0 = process.cpuUsage();
  #t0 = 0;
  #sys = 0;
  #own = 0;
  #wall = 0;
  #ok = true;

  constructor(start = true) {
    if (start) this.begin();
  }

  begin(): void {
    this.#sys0 = systemBusyMs();
    this.#own0 = process.cpuUsage();
    this.#t0 = performance.now();
  }

  end(): void {
    const sys = systemBusyMs();
    const own = process.cpuUsage(this.#own0);
    this.#wall += performance.now() - this.#t0;
    if (sys === undefined || this.#sys0 === undefined) this.#ok = false;
    else this.#sys += sys - this.#sys0;
    this.#own += (own.user + own.system) / 1000;
  }

  /** Cores busy elsewhere on average over the intervals watched. */
  get others(): number {
    if (!this.#ok || this.#wall < 50) return NaN;
    return Math.max(0, (this.#sys - this.#own) / this.#wall);
  }

  /** Ends the interval and gives {@link CpuWatch.others}. */
  stop(): number {
    this.end();
    return this.others;
  }
}
