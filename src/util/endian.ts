/** Whether this machine stores multi-byte integers little-endian (typed-array views follow it). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
