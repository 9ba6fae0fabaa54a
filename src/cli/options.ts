import { realpath, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from './commander.js';
import { BLOCK_SIZE_RANGE, blockSizeProblem } from '../index/block-index.js';

/** Parses a whole number option, or fails as a usage error. */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('not a whole number.');
  return Number(value);
}

const UNITS: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Parses a block size: a whole number, optionally with k, M, G (binary units). */
export function blockSizeArg(value: string): number {
  const m = /^(\d+)(?:([kKmMgGtT])i?[bB]?)?$/.exec(value);
  if (!m) throw new InvalidArgumentError('not a size (e.g. 8192, 64k, 1M).');
  const n = Number(m[1]) * (m[2] ? UNITS[m[2].toLowerCase()] : 1);
  if (blockSizeProblem(n)) throw new InvalidArgumentError(`${value} is out of range (${BLOCK_SIZE_RANGE}).`);
  return n;
}

/** The longest file name most file systems take, in bytes (what NAME_MAX is on Linux). */
const NAME_MAX = 255;

/**
 * Checks an output path before any work, so that a long build or scan does not end in a raw
 * file-system error: not `-` or empty (the result goes to a file, renamed into place when
 * complete), a name the file system can hold, in a folder that exists.
 */
export async function checkOutputName(output: string): Promise<void> {
  if (output === '') throw new InvalidArgumentError('the output name is empty.');
  if (output === '-') throw new InvalidArgumentError("the output is written to a file, not to standard output: name a file ('./-' for one called -).");
  const name = basename(output);
  if (Buffer.byteLength(name) > NAME_MAX) {
    throw new InvalidArgumentError(`the output name is ${Buffer.byteLength(name)} bytes long; file systems take at most ${NAME_MAX}.`);
  }
  const folder = dirname(output);
  const st = await stat(folder).catch(() => undefined);
  if (!st) throw new InvalidArgumentError(`the output folder ${folder} does not exist.`);
  if (!st.isDirectory()) throw new InvalidArgumentError(`the output's folder ${folder} is not a folder.`);
}

/** Whether two paths name the same file (after following links; a path that does not exist is compared as given). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [ra, rb] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)]);
  return ra === rb;
}

function threadsArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 256) throw new InvalidArgumentError('must be a whole number from 1 to 256.');
  return Number(value);
}

/** Adds `--threads` to a command. */
export function withThreads(cmd: Command): Command {
  // -p as in go-sync, where it sets the number of matchers.
  return cmd.option(
    '-p, --threads <n>',
    `threads to scan with (default: all ${availableParallelism()} cores where the scan is long enough for workers to pay, measured as it starts)`,
    threadsArg,
  );
}

/** `--threads` given: the scan uses that many threads whenever the file splits (the default decides as the scan starts). */
export function workersAsAsked(threads: number | undefined): { workersFromMs?: number } {
  return threads === undefined ? {} : { workersFromMs: 0 };
}
