import { createHash, hash } from 'node:crypto';
import type { StrongHash, StrongHashEntry } from './strong-hash.js';

/** A registry entry backed by `node:crypto` (OpenSSL) under `opensslName`. */
export function nodeCryptoHash(name: string, opensslName: string, size: number): StrongHashEntry {
  const impl: StrongHash = {
    name,
    size,
    digest: (data) => hash(opensslName, data, 'buffer') as unknown as Uint8Array,
    async create() {
      const h = createHash(opensslName);
      return { update: (d) => void h.update(d), digest: () => h.digest() };
    },
  };
  return { name, size, load: async () => impl };
}
