import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { checkBlockSize } from '../index/block-index.js';

/** Parses a whole number option, or fails as a usage error. */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('not a whole number.');
  return Number(value);
}

/** Parses a block size: a whole number, optionally with k/K or m/M (binary units). */
export function blockSizeArg(value: string): number {
  const m = /^(\d+)([kKmM]i?[bB]?)?$/.exec(value);
  if (!m) throw new InvalidArgumentError('not a size (e.g. 8192, 64k, 1M).');
  const unit = m[2]?.[0]?.toLowerCase();
  const n = Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : 1);
  try {
    checkBlockSize(n);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
  return n;
}

function threadsArg(value: string): number {
  const n = wholeNumber(value);
  if (n < 1 || n > 256) throw new InvalidArgumentError('must be from 1 to 256.');
  return n;
}

/** Adds `--threads` to a command. */
export function withThreads(cmd: Command): Command {
  return cmd.option('--threads <n>', `worker threads (default: all ${availableParallelism()} cores)`, threadsArg);
}
