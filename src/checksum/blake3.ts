import { hashWasm, wasmHash } from './wasm-hash.js';

/** BLAKE3 with a 32-byte output: a fast modern cryptographic hash (WebAssembly, loaded on first use). */
export const blake3 = wasmHash('blake3', 32, async () => hashWasm<'createBLAKE3'>('blake3').createBLAKE3(256));
