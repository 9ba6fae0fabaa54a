import { hashWasm, wasmHash } from './wasm-hash.js';

/** MD4 (16 bytes): zsync's block hash. OpenSSL 3 no longer provides it, so it runs as WebAssembly, loaded on first use. */
export const md4 = wasmHash('md4', 16, async () => hashWasm<'createMD4'>('md4').createMD4());
