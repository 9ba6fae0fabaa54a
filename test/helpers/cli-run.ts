import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { bytes, percent, plural } from '../../src/cli/format.js';
import { startStaticServer } from '../../src/serve/static-server.js';
import { BIN } from '../cli/run-cli.js';
import { nginxMissing, startNginx } from './nginx.js';

/** How a `deltasync` child process ended. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `deltasync` child process and how it ends. */
export interface CliChild {
  readonly child: ChildProcess;
  readonly done: Promise<CliRun>;
}

export interface CliOptions {
  /** Working folder of the child (default: the test's). */
  cwd?: string;
  /** Killed with SIGKILL after this many milliseconds (default 60 s): a hung command fails its test. */
  timeoutMs?: number;
}

/** Starts `node dist/bundle/cli/bin.js args…` as users run it, with a time limit, stdin closed. */
export function startCli(args: readonly string[], o: CliOptions = {}): CliChild {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: o.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: o.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `deltasync args…` to its end (see {@link startCli}). */
export function runCli(args: readonly string[], o: CliOptions = {}): Promise<CliRun> {
  return startCli(args, o).done;
}

/** Asserts that `stdout` is exactly one line holding one JSON object, and returns it. */
export function oneJson(stdout: string): any {
  assert.ok(stdout.endsWith('\n'), `stdout ends with a newline: ${JSON.stringify(stdout)}`);
  assert.equal(stdout.indexOf('\n'), stdout.length - 1, `stdout is one line: ${JSON.stringify(stdout)}`);
  const v: unknown = JSON.parse(stdout);
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), 'one JSON object');
  return v;
}

/** Asserts that a run succeeded (exit 0, nothing on stderr), with its output in the message otherwise. */
export function assertOk(r: CliRun): void {
  assert.equal(r.code, 0, `exit code ${r.code} (${r.signal ?? 'no signal'})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stderr, '', 'nothing on stderr');
}

/** Asserts that the file at `path` holds exactly `want` (a short message, not a dump, when not). */
export async function assertFileBytes(path: string, want: Uint8Array): Promise<void> {
  const got = await readFile(path);
  assert.equal(got.length, want.length, `${path}: ${got.length} bytes, expected ${want.length}`);
  const at = got.findIndex((b, i) => b !== want[i]);
  assert.equal(at, -1, `${path}: first difference at byte ${at}`);
}

/** The regular expression source of `s`, matched literally. */
export function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The two lines `deltasync patch` prints on success, as a regular expression (times and rates
 * vary; everything else is exact). Sizes are given as the CLI formats them (`285.0 KiB (97.3%)`).
 */
export function patchTextRe(o: { reused: string; from: string; fetched: string; ranges: string; source: string; output: string; size: string }): RegExp {
  return new RegExp(
    `^Reused ${literal(o.reused)} from ${literal(o.from)}, fetched ${literal(o.fetched)} in ${literal(o.ranges)} from ${literal(o.source)}\\n` +
      `Wrote ${literal(o.output)} \\(${literal(o.size)}, verified\\) in \\d+\\.\\d\\d s, \\d+\\.\\d MB/s\\n$`,
  );
}

/** {@link patchTextRe} from the numbers (formatted as the CLI formats sizes and shares). */
export function patchText(n: { fileSize: number; reusedBytes: number; fetchedBytes: number; fetchRegions: number }, from: string, source: string, output: string): RegExp {
  return patchTextRe({
    reused: `${bytes(n.reusedBytes)} (${percent(n.reusedBytes, n.fileSize)})`,
    from,
    fetched: `${bytes(n.fetchedBytes)} (${percent(n.fetchedBytes, n.fileSize)})`,
    ranges: plural(n.fetchRegions, 'range'),
    source,
    output,
    size: bytes(n.fileSize),
  });
}

/** A static HTTP server of a folder, on 127.0.0.1. */
export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** deltasync's own static server (in this process) on `root`. */
export async function serveStatic(root: string): Promise<Served> {
  return startStaticServer({ root });
}

/**
 * nginx on `root`, or `undefined` with the test skipped (with a message) when nginx is missing
 * outside CI; in CI (`CI` set) a missing nginx throws, failing the test.
 */
export async function serveNginx(t: { skip(message?: string): void }, root: string): Promise<Served | undefined> {
  const missing = nginxMissing();
  if (missing) {
    if (process.env.CI) throw new Error(`${missing}, and CI must run this test`);
    t.skip(`${missing}; test skipped`);
    return undefined;
  }
  return startNginx(root, 120_000);
}

/** `ref` with `n` bytes overwritten at each of `offsets` (a copy): an older copy sharing most blocks. */
export function withEdits(ref: Uint8Array, offsets: readonly number[], n = 16, fill = 0x5a): Uint8Array {
  const out = Uint8Array.from(ref);
  for (const at of offsets) out.fill(fill, at, Math.min(out.length, at + n));
  return out;
}
