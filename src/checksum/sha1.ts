import { nodeCryptoHash } from './node-crypto-hash.js';

/** SHA-1 (20 bytes): zsync's whole-file hash. */
export const sha1 = nodeCryptoHash('sha1', 'sha1', 20);
