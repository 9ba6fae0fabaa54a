import { createRequire } from 'node:module';
import type * as HashWasm from 'hash-wasm';
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

/**
 * hash-wasm's build of one algorithm (`dist/<name>.umd.min.js`, about 10 KB), required on first
 * use: the package's main file holds every algorithm (280 KB) and took 37 ms to import, this 3 ms.
 */
export function hashWasm<K extends keyof typeof HashWasm>(name: string): Pick<typeof HashWasm, K> {
  return createRequire(import.meta.url)(`hash-wasm/dist/${name}.umd.min.js`) as Pick<typeof HashWasm, K>;
}
