/** A typed array of `length` elements in a SharedArrayBuffer, so worker threads see the same memory. */
export function sharedArray<T extends Int32Array | Uint8Array>(
  Type: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  // A zero-length SharedArrayBuffer is legal, but one element keeps every view non-empty and simple.
  return new Type(new SharedArrayBuffer(Math.max(1, length) * Type.BYTES_PER_ELEMENT));
}

/** A copy of `source` in shared memory. */
export function sharedCopy<T extends Int32Array | Uint8Array>(source: T): T {
  const copy = sharedArray(source.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, source.length);
  copy.set(source);
  return copy;
}
