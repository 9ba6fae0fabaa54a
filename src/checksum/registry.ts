import { ArgumentError } from '../errors/errors.js';
import { blake3 } from './blake3.js';
import { md4 } from './md4.js';
import { md5 } from './md5.js';
import { sha1 } from './sha1.js';
import { sha224 } from './sha224.js';
import { sha256 } from './sha256.js';
import type { StrongHash, StrongHashEntry } from './strong-hash.js';

const entries: readonly StrongHashEntry[] = [md5, sha256, blake3, sha1, md4, sha224];
const byName = new Map(entries.map((e) => [e.name, e]));

/** The names of every strong hash this library knows, e.g. `['md5', 'sha256', 'blake3', …]`. */
export const strongHashNames: readonly string[] = entries.map((e) => e.name);

/** The registry entry for `name`; throws an {@link ArgumentError} naming the known ones. */
export function strongHashEntry(name: string): StrongHashEntry {
  const e = byName.get(name.toLowerCase());
  if (!e) throw new ArgumentError(`unknown hash '${name}' (known: ${strongHashNames.join(', ')})`);
  return e;
}

/**
 * Loads a strong hash by name.
 *
 * @example
 * ```ts
 * const h = await loadStrongHash('sha256');
 * h.digest(new TextEncoder().encode('abc')); // ba7816bf…
 * ```
 */
export async function loadStrongHash(name: string): Promise<StrongHash> {
  return strongHashEntry(name).load();
}
