import { nodeCryptoHash } from './node-crypto-hash.js';

/** SHA-224 (28 bytes): one of zsync 0.8's block hashes (`Strong-Hash-Algorithm: SHA-224`). */
export const sha224 = nodeCryptoHash('sha224', 'sha224', 28);
