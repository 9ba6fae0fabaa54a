/** A byte range of the reference. */
export interface ByteRange {
  /** Offset in the reference. */
  readonly offset: number;
  /** Bytes in the range. */
  readonly length: number;
}

/** What the patcher knows of the reference before it asks a source for bytes. */
export interface SourceExpectations {
  /** The reference's size as its index gives it: a source whose file has another size must refuse. */
  readonly size: number;
  /**
   * A validator of the reference version the index describes (an HTTP ETag or Last-Modified),
   * when one is known: a source that sees another must refuse rather than mix versions.
   */
  readonly validator?: string;
  /** Aborts the check. */
  readonly signal?: AbortSignal;
}

/** Options of one {@link BlockSource.fetch} call. */
export interface FetchOptions {
  /** Stops the transfer: the iterator throws the signal's reason and releases what it holds. */
  readonly signal?: AbortSignal;
}

/**
 * Where missing bytes of the reference come from: a local file here; HTTP ranges or split part
 * files elsewhere. A source is untrusted: the patcher verifies every byte it yields, and may ask
 * for a range again (from the same source or from a mirror) when it fails verification.
 */
export interface BlockSource {
  /** The file or URL, for messages. */
  readonly name: string;
  /**
   * Confirms the source can be read and holds what the index describes (opens the file or asks
   * the server, checks the size and any validator), so that a patch fails at once rather than
   * after its scan; throws a one-line error naming the source.
   */
  prepare(expect: SourceExpectations): Promise<void>;
  /**
   * Yields the bytes of each range, in the order given, each exactly `length` long (a source
   * that cannot must throw, naming the range). A source may fetch ahead, within bounded memory.
   * May be called more than once, also while another call's iterator is still open.
   */
  fetch(ranges: readonly ByteRange[], options?: FetchOptions): AsyncIterable<Uint8Array>;
  /** Releases connections or file handles. */
  close(): Promise<void>;
}
