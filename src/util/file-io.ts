import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { DeltasyncError, fsError, notRegularFile } from '../errors/errors.js';

/**
 * Opens `path` for reading, with a one-line error (`cannot <doing> <path>: …`) if it is missing,
 * unreadable or not a regular file.
 */
export async function openRegularFile(path: string, doing = 'read'): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    // Non-blocking, so that a FIFO is refused below instead of waiting forever for a writer.
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw st.isDirectory() ? new DeltasyncError(`cannot ${doing} ${path}: is a directory, not a file`, 'EISDIR') : notRegularFile(path, doing);
    }
  } catch (err) {
    throw fsError(err, path, doing);
  }
  return fh;
}

/** Reads exactly `length` bytes at `position` into `buf`, or fewer only at end of file. */
export async function readAt(fh: FileHandle, buf: Uint8Array, length: number, position: number, name: string): Promise<number> {
  let done = 0;
  try {
    while (done < length) {
      // One read call takes at most 2 GiB.
      const { bytesRead } = await fh.read(buf, done, Math.min(length - done, 1 << 30), position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
  } catch (err) {
    throw fsError(err, name, 'read');
  }
  return done;
}

/**
 * Reads exactly `length` bytes at `position`; a file that ends sooner is an error naming `name`
 * and `problem` (by default a {@link DeltasyncError} with code `ESHORT`).
 */
export async function readExactly(
  fh: FileHandle,
  buf: Uint8Array,
  length: number,
  position: number,
  name: string,
  problem: string,
  makeError: (message: string) => Error = (m) => new DeltasyncError(m, 'ESHORT'),
): Promise<void> {
  const got = await readAt(fh, buf, length, position, name);
  if (got !== length) {
    const end = await fh.stat().then((st) => st.size, () => position + got);
    throw makeError(`${name}: ${problem} (it ends at offset ${end}, bytes up to ${position + length} are needed)`);
  }
}

/**
 * Streams bytes `start .. end` of a file in pieces of at most `pieceSize` bytes, the next piece
 * read (on libuv's threads) while `onPiece` works on this one, through two buffers (from `into`,
 * given the size both must have, when the bytes must land somewhere in particular): `onPiece`
 * must be done with a piece before it returns. A file shorter than `end` is an error naming
 * `name` and `problem`. No read is still going on when this returns or throws.
 */
export async function forEachPiece(
  fh: FileHandle,
  name: string,
  start: number,
  end: number,
  pieceSize: number,
  problem: string,
  onPiece: (data: Uint8Array, offset: number) => void,
  into?: (bytes: number) => Uint8Array,
): Promise<void> {
  const bytes = Math.max(0, Math.min(pieceSize, end - start));
  if (bytes === 0) return;
  const both = into ? into(2 * bytes) : new Uint8Array(2 * bytes);
  const bufs = [both.subarray(0, bytes), both.subarray(bytes, 2 * bytes)];
  const readAt = async (off: number, slot: number): Promise<Uint8Array> => {
    const data = bufs[slot].subarray(0, Math.min(bytes, end - off));
    await readExactly(fh, data, data.length, off, name, problem);
    return data;
  };
  let next: Promise<Uint8Array> | undefined = readAt(start, 0);
  try {
    for (let off = start, slot = 0; off < end; off += bytes, slot ^= 1) {
      const data: Uint8Array = await next!;
      next = off + bytes < end ? readAt(off + bytes, slot ^ 1) : undefined;
      next?.catch(() => {}); // awaited at the next turn, or below
      onPiece(data, off);
    }
  } finally {
    await next?.catch(() => {});
  }
}

/** Opens `path` as {@link openRegularFile} does, runs `fn` with it, and closes it whatever happens. */
export async function withRegularFile<T>(path: string, fn: (fh: FileHandle) => Promise<T>): Promise<T> {
  const fh = await openRegularFile(path);
  try {
    return await fn(fh);
  } finally {
    await fh.close();
  }
}
