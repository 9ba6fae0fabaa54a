/** An incremental hasher, for hashing a whole file as it streams past. */
export interface Hasher {
  /** Adds `data` to what is hashed. */
  update(data: Uint8Array): void;
  /** The digest of everything passed to {@link Hasher.update}; the hasher is spent afterwards. */
  digest(): Uint8Array;
}

/**
 * A strong (cryptographic) hash, ready to use synchronously. Every algorithm in the registry has
 * this shape; obtain one with {@link loadStrongHash}.
 */
export interface StrongHash {
  /** The registry name, e.g. `md5`. */
  readonly name: string;
  /** Digest length in bytes. */
  readonly size: number;
  /** One-shot digest of `data`. The result may be reused by the next call: copy it to keep it. */
  digest(data: Uint8Array): Uint8Array;
  /** A fresh incremental hasher. */
  create(): Promise<Hasher>;
}

/** What a registry entry provides: the digest size up front, the implementation on demand. */
export interface StrongHashEntry {
  readonly name: string;
  readonly size: number;
  load(): Promise<StrongHash>;
}
