import type { BlockIndex } from '../index/block-index.js';

/**
 * One index file format: how to recognise it, read it and write it. Every format is one codec
 * in {@link ./registry.ts}, so a new format is a new file and touches no other.
 */
export interface IndexCodec {
  /** The name `--format` and {@link encodeIndex} take, e.g. `gosync`. */
  readonly name: string;
  /** The format's name in messages, e.g. `go-sync`. */
  readonly title: string;
  /** File name endings that suggest this format, without the dot, e.g. `['gosync']`. */
  readonly extensions: readonly string[];
  /** Whether {@link encodeIndex} may choose this format by itself (the first that fits, in registry order). */
  readonly automatic: boolean;
  /**
   * Looks at the first bytes of a file (at least {@link SNIFF_BYTES}, or the whole file if
   * shorter): `true` when they are in this format; a string when they are of this format's family
   * but cannot be read (it says why, e.g. an unknown major version); `false` otherwise.
   */
  sniff(head: Uint8Array): boolean | string;
  /**
   * Parses an index. `name` (the file or URL) starts every error message. When `total` is
   * larger than `bytes.length`, `bytes` is only the start of the file: the header is checked
   * against the file's length and nothing is returned, so that a reader can refuse a bad file
   * before reading all of it.
   *
   * @throws {@link IndexFormatError} naming `name` and what is wrong.
   */
  decode(bytes: Uint8Array, name: string, total?: number): BlockIndex | undefined;
  /** Why `index` cannot be written in this format, or undefined when it can. */
  unfit(index: BlockIndex): string | undefined;
  /** Serialises an index for which {@link IndexCodec.unfit} said nothing. */
  encode(index: BlockIndex): Uint8Array;
}

/** Bytes a reader passes to {@link IndexCodec.sniff} (fewer only when the file is shorter). */
export const SNIFF_BYTES = 16;
