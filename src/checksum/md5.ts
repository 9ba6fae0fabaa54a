import { nodeCryptoHash } from './node-crypto-hash.js';

/** MD5 (16 bytes): go-sync's block hash, and the default. Fast, but not collision resistant. */
export const md5 = nodeCryptoHash('md5', 'md5', 16);
