import type { FileHandle } from 'node:fs/promises';
import { checkPath } from '../errors/errors.js';
import { openRegularFile, readExactly } from '../util/file-io.js';
import type { ByteRange } from '../plan/plan.js';
import type { BlockSource } from './block-source.js';

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
    async prepare() {
      await opened();
    },
    async *fetch(ranges: readonly ByteRange[]) {
      const handle = await opened();
      for (const r of ranges) {
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
