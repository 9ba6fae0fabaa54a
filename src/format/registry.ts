import { ArgumentError } from '../errors/errors.js';
import type { IndexCodec } from './codec.js';
import { deltasyncCodec } from './deltasync-v1.js';
import { gosyncCodec } from './gosync-v0.js';
import { zsyncCodec } from './zsync.js';

/** Every index format, in the order {@link encodeIndex} tries them when none is named. */
const codecs: readonly IndexCodec[] = [gosyncCodec, deltasyncCodec, zsyncCodec];

/** The names of the index formats this library reads and writes. */
export const indexFormatNames: readonly string[] = codecs.map((c) => c.name);

/** The formats as messages name them: `go-sync or deltasync`. */
export function formatTitles(): string {
  const t = codecs.map((c) => c.title);
  return t.length < 2 ? t.join('') : `${t.slice(0, -1).join(', ')} or ${t.at(-1)}`;
}

/** The codec called `name`; an {@link ArgumentError} naming the known ones otherwise. */
export function codecNamed(name: string): IndexCodec {
  const c = codecs.find((x) => x.name === name);
  if (!c) throw new ArgumentError(`index format must be one of ${indexFormatNames.join(', ')}, not ${JSON.stringify(name)}`);
  return c;
}

/**
 * The codec whose format `head` (a file's first bytes) is in. Undefined when none knows it; a
 * string when one recognises its family but cannot read it (why).
 */
export function codecOf(head: Uint8Array): IndexCodec | string | undefined {
  for (const c of codecs) {
    const s = c.sniff(head);
    if (s === true) return c;
    if (typeof s === 'string') return s;
  }
  return undefined;
}

/** The first codec that can write `index` without being asked for by name, and why the others cannot. */
export function automaticCodec(index: Parameters<IndexCodec['unfit']>[0]): IndexCodec | string {
  const why: string[] = [];
  for (const c of codecs) {
    if (!c.automatic) continue;
    const problem = c.unfit(index);
    if (!problem) return c;
    why.push(problem);
  }
  return why.join('; ');
}
