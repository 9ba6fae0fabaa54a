import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsError } from '../errors/errors.js';

/** A name for a temporary file in the same folder as `target`, so a rename can replace it. */
export function tempPathBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.deltasync-tmp`);
}

/**
 * An output file that appears at its target path only when {@link AtomicFile.commit} succeeds:
 * bytes go to a temporary file beside the target, which is synced and renamed into place.
 * {@link AtomicFile.abort} removes the temporary file and leaves the target as it was.
 */
export class AtomicFile {
  private constructor(
    readonly target: string,
    readonly tempPath: string,
    readonly handle: FileHandle,
  ) {}

  /** Creates the temporary file beside `target`. */
  static async create(target: string): Promise<AtomicFile> {
    const tempPath = tempPathBeside(target);
    try {
      return new AtomicFile(target, tempPath, await open(tempPath, 'wx', 0o644));
    } catch (err) {
      throw fsError(err, target, 'write to folder of');
    }
  }

  /** Syncs the data, gives it the permission bits of the target it replaces (else `mode`), and renames it into place. */
  async commit(mode?: number): Promise<void> {
    try {
      const m = (await stat(this.target).then((s) => s.mode & 0o7777, () => undefined)) ?? mode;
      if (m !== undefined) await this.handle.chmod(m);
      await this.handle.sync();
      await this.handle.close();
      await rename(this.tempPath, this.target);
    } catch (err) {
      await this.abort();
      throw fsError(err, this.target, 'write');
    }
  }

  /** Closes and removes the temporary file; never throws. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
    await unlink(this.tempPath).catch(() => {});
  }
}

/** Writes `bytes` to `path` atomically. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const f = await AtomicFile.create(path);
  try {
    await f.handle.writeFile(bytes);
  } catch (err) {
    await f.abort();
    throw fsError(err, path, 'write');
  }
  await f.commit();
}
