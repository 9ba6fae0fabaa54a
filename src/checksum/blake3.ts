import { wasmHash } from './wasm-hash.js';

/** BLAKE3 with a 32-byte output: a fast modern cryptographic hash (WebAssembly, loaded on first use). */
export const blake3 = wasmHash('blake3', 32, async () => (await import('hash-wasm')).createBLAKE3(256));
