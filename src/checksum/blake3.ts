import { createBLAKE3 } from 'hash-wasm';
import { wasmHash } from './wasm-hash.js';

/** BLAKE3 with a 32-byte output: a fast modern cryptographic hash (WebAssembly). */
export const blake3 = wasmHash('blake3', 32, () => createBLAKE3(256));
