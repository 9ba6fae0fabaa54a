import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { fsError } from '../errors/errors.js';

/**
 * What identifies one version of a file: the same device and inode, size, modification and
 * status-change times (to the nanosecond). Any write through the file system changes the change
 * time, so a file whose identity is unchanged still holds the bytes it held.
 */
export type FileIdentity = string;

function identityOf(st: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): FileIdentity {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** The identity of the file at `path` now. */
export async function identityAt(path: string): Promise<FileIdentity> {
  try {
    return identityOf(await stat(path, { bigint: true }));
  } catch (err) {
    throw fsError(err, path, 'read');
  }
}

/** The identity of an open file now. */
export async function identityOfOpen(fh: FileHandle, path: string): Promise<FileIdentity> {
  try {
    return identityOf(await fh.stat({ bigint: true }));
  } catch (err) {
    throw fsError(err, path, 'read');
  }
}
