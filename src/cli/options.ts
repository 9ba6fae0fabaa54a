import { realpath } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
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

/** Refuses `-` as an output: the result goes to a file, renamed into place when complete. */
export function checkOutputName(output: string): void {
  if (output === '-') throw new InvalidArgumentError("the output is written to a file, not to standard output: name a file ('./-' for one called -).");
}

/** Whether two paths name the same file (after following links; a path that does not exist is compared as given). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [ra, rb] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)]);
  return ra === rb;
}

function threadsArg(value: string): number {
  const n = wholeNumber(value);
  if (n < 1 || n > 256) throw new InvalidArgumentError('must be from 1 to 256.');
  return n;
}

/** Adds `--threads` to a command. */
export function withThreads(cmd: Command): Command {
  // -p as in go-sync, where it sets the number of matchers.
  return cmd.option('-p, --threads <n>', `worker threads (default: all ${availableParallelism()} cores)`, threadsArg);
}
