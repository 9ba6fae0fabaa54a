import { nodeCryptoHash } from './node-crypto-hash.js';

/** SHA-256 (32 bytes). Uses the CPU's SHA extensions where present, through OpenSSL. */
export const sha256 = nodeCryptoHash('sha256', 'sha256', 32);
