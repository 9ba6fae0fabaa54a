import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { DeltasyncError, fsError } from '../errors/errors.js';

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
      throw new DeltasyncError(`cannot ${doing} ${path}: ${st.isDirectory() ? 'is a directory' : 'not a regular file'}`, 'EISDIR');
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
