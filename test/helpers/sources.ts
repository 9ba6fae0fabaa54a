import type { BlockSource, ByteRange } from '../../src/source/block-source.js';

/** What a {@link scriptedSource} does to the n-th range it is asked for (counted over all fetch calls). */
export type RangeFault = 'corrupt' | 'fail' | undefined;

/**
 * A real block source over bytes held in memory (the reference, as a server would hold it), whose
 * behaviour per range is scripted: to test what the patcher does with a source that misbehaves.
 */
export function scriptedSource(
  name: string,
  data: Uint8Array,
  fault: (n: number, range: ByteRange) => RangeFault = () => undefined,
  prepareError?: Error,
): BlockSource & { asked: ByteRange[]; prepared: number } {
  const asked: ByteRange[] = [];
  const src = {
    name,
    asked,
    prepared: 0,
    async prepare() {
      src.prepared++;
      if (prepareError) throw prepareError;
    },
    async *fetch(ranges: readonly ByteRange[], options: { signal?: AbortSignal } = {}) {
      for (const r of ranges) {
        options.signal?.throwIfAborted();
        const f = fault(asked.length, r);
        asked.push(r);
        if (f === 'fail') throw new Error(`${name}: connection reset`);
        const bytes = data.slice(r.offset, r.offset + r.length);
        if (f === 'corrupt') bytes[0] ^= 0xff;
        yield bytes;
      }
    },
    close: async () => {},
  };
  return src;
}
