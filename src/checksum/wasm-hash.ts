import type { IHasher } from 'hash-wasm';
import type { StrongHash, StrongHashEntry } from './strong-hash.js';

/** A registry entry backed by a hash-wasm hasher factory (for what OpenSSL 3 lacks or is slow at). */
export function wasmHash(name: string, size: number, factory: () => Promise<IHasher>): StrongHashEntry {
  let loaded: Promise<StrongHash> | undefined;
  const load = async (): Promise<StrongHash> => {
    const oneShot = await factory();
    return {
      name,
      size,
      digest(data) {
        oneShot.init();
        oneShot.update(data);
        return oneShot.digest('binary');
      },
      async create() {
        const h = (await factory()).init();
        return { update: (d) => void h.update(d), digest: () => h.digest('binary') };
      },
    };
  };
  return { name, size, load: () => (loaded ??= load()) };
}
