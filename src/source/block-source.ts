import type { ByteRange } from '../plan/plan.js';

/**
 * Where missing bytes of the reference come from: a local file here; HTTP ranges or split part
 * files elsewhere. A source is untrusted: the patcher verifies every byte it yields.
 */
export interface BlockSource {
  /** The file or URL, for messages. */
  readonly name: string;
  /**
   * Confirms the source can be read (opens the file, or asks the server), so that a patch fails
   * at once rather than after its scan; throws a one-line error naming the source.
   */
  prepare(): Promise<void>;
  /**
   * Yields the bytes of each range, in the order given, each exactly `length` long (a source
   * that cannot must throw, naming the range). A source may fetch ahead, within bounded memory.
   */
  fetch(ranges: readonly ByteRange[]): AsyncIterable<Uint8Array>;
  /** Releases connections or file handles. */
  close(): Promise<void>;
}
