import type { FileHandle } from 'node:fs/promises';
import { checkPath, DeltasyncError } from '../errors/errors.js';
import { openRegularFile, readExactly } from '../util/file-io.js';
import type { BlockSource, ByteRange, FetchOptions, SourceExpectations } from './block-source.js';

/**
 * A {@link BlockSource} that reads the reference from a local file (a mounted share, a copy on
 * removable media). Opens the file on first use.
 *
 * @example
 * ```ts
 * const source = fileSource('/mnt/share/new.bin');
 * try {
 *   await patchFile({ local: 'old.bin', index, source, output: 'new.bin' });
 * } finally {
 *   await source.close(); // the file is open from prepare() on
 * }
 * ```
 */
export function fileSource(path: string): BlockSource {
  checkPath('reference', path);
  let fh: Promise<FileHandle> | undefined;
  const opened = () => (fh ??= openRegularFile(path));
  return {
    name: path,
    async prepare(expect: SourceExpectations) {
      const size = (await (await opened()).stat()).size;
      if (size !== expect.size) {
        throw new DeltasyncError(`${path}: the reference is ${size} bytes, its index describes ${expect.size}`, 'ECHANGED');
      }
    },
    async *fetch(ranges: readonly ByteRange[], options: FetchOptions = {}) {
      const handle = await opened();
      for (const r of ranges) {
        options.signal?.throwIfAborted();
        const buf = new Uint8Array(r.length);
        await readExactly(handle, buf, r.length, r.offset, path, 'is shorter than its index says');
        yield buf;
      }
    },
    async close() {
      if (fh) await (await fh.catch(() => undefined))?.close();
      fh = undefined;
    },
  };
}
