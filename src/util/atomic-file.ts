import { randomBytes } from 'node:crypto';
import { renameSync, statSync, unlinkSync } from 'node:fs';
import { type FileHandle, lstat, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DeltasyncError, fsError, notRegularFile } from '../errors/errors.js';

/** The longest file name most file systems take, in bytes. */
const NAME_MAX = 255;
const TEMP_SUFFIX_BYTES = '.'.length + 12 + '.deltasync-tmp'.length;

/**
 * A name for a temporary file in the same folder as `target`, so a rename can replace it. A long
 * target name is shortened in the temporary one, so that any name the folder takes works.
 */
export function tempPathBeside(target: string): string {
  const budget = NAME_MAX - 1 - TEMP_SUFFIX_BYTES;
  let name = '';
  let bytes = 0;
  for (const ch of basename(target)) {
    bytes += Buffer.byteLength(ch);
    if (bytes > budget) break;
    name += ch;
  }
  return join(dirname(target), `.${name}.${randomBytes(6).toString('hex')}.deltasync-tmp`);
}

/**
 * The mode bits a result takes from the file it replaces or the mode given: read, write and
 * execute only. Never setuid, setgid or sticky: a downloaded file must not run as another user.
 */
const PERMISSION_BITS = 0o777;

/** Temporary files not yet committed or aborted, for {@link removeTempFilesNow}. */
/** Temporary file → where to keep it (instead of removing it) if the program is stopped. */
const live = new Map<string, string | undefined>();

/**
 * Whether a temporary file of `size` bytes is kept in place of the `keptSize` bytes kept before
 * (undefined: none). Not when it is empty, nor shorter: a patch writes its output in order, so a
 * longer partial result holds more of it, and a run stopped sooner must not throw that away.
 */
function worthKeeping(size: number, keptSize: number | undefined): boolean {
  return size > 0 && size >= (keptSize ?? 0);
}

/**
 * Removes every temporary file still open, synchronously: for a program about to exit on a
 * signal, so that an interrupted patch leaves nothing behind.
 */
export function removeTempFilesNow(): void {
  for (const [p, keepAs] of live) {
    try {
      if (keepAs && worthKeeping(statSync(p).size, statSync(keepAs, { throwIfNoEntry: false })?.size)) renameSync(p, keepAs);
      else unlinkSync(p);
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/** Bytes written between background data syncs of an {@link AtomicFile} (see {@link AtomicFile.noteWritten}). */
export const EARLY_SYNC_BYTES = 32 * 1024 * 1024;

/**
 * An output file that appears at its target path only when {@link AtomicFile.commit} succeeds:
 * bytes go to a temporary file beside the target, which is synced and renamed into place.
 * {@link AtomicFile.abort} removes the temporary file and leaves the target as it was.
 */
export class AtomicFile {
  /** Bytes noted ({@link AtomicFile.noteWritten}) since the last early sync started. */
  #unsynced = 0;
  /** An early sync in flight, if any: its failure is the commit's. */
  #early: Promise<void> | undefined;

  private constructor(
    readonly target: string,
    readonly tempPath: string,
    readonly handle: FileHandle,
    private readonly newMode: number | undefined,
    private readonly keepAs: string | undefined,
    private readonly durable: boolean,
  ) {}

  /**
   * Creates the temporary file beside `target`. A target that is a symbolic link is followed, so
   * the file it points to is replaced and the link kept. The result takes the permission bits of
   * the target it replaces; a new file takes `mode` when given, else the usual mode under the
   * umask. Setuid, setgid and sticky bits are dropped from either. With `keepAs`, a temporary file that holds anything is kept under that name when the
   * write is aborted or the program stopped by a signal (a partial result to resume from), unless
   * a longer file is there already. With `durable` false, nothing is synced: the rename is
   * still atomic for other programs, but a crash of the system soon after may leave the target
   * empty or partly written (as rsync without `--fsync` and zsync leave it).
   */
  static async create(target: string, mode?: number, keepAs?: string, durable = true): Promise<AtomicFile> {
    const real = await followLinks(target);
    const existing = await stat(real).catch(() => undefined);
    if (existing && !existing.isFile()) {
      throw existing.isDirectory()
        ? new DeltasyncError(`cannot write ${target}: is a directory, not a file`, 'EISDIR')
        : notRegularFile(target, 'write');
    }
    const tempPath = tempPathBeside(real);
    // Registered before it exists, so that a signal arriving meanwhile still removes it.
    live.set(tempPath, keepAs);
    try {
      // Replacing a file: private until commit gives it that file's mode (it may be a private file).
      const newMode = mode === undefined ? undefined : mode & PERMISSION_BITS;
      const handle = await open(tempPath, 'wx+', existing ? 0o600 : (newMode ?? 0o666));
      return new AtomicFile(real, tempPath, handle, newMode, keepAs, durable);
    } catch (err) {
      live.delete(tempPath);
      throw fsError(err, target, 'write');
    }
  }

  /**
   * Tells that `bytes` more were written. Every {@link EARLY_SYNC_BYTES} a data sync starts in
   * the background, so that the disk takes the bytes while more are written, and the sync at
   * {@link AtomicFile.commit} has only the last of them left to wait for.
   */
  noteWritten(bytes: number): void {
    this.#unsynced += bytes;
    if (!this.durable || this.#unsynced < EARLY_SYNC_BYTES || this.#early) return;
    this.#unsynced = 0;
    // Cleared when done; a failed one stays, and the commit throws it.
    const early: Promise<void> = this.handle.datasync().then(() => {
      if (this.#early === early) this.#early = undefined;
    });
    early.catch(() => {});
    this.#early = early;
  }

  /** Syncs the data, gives it its permission bits (see {@link AtomicFile.create}), and renames it into place. */
  async commit(): Promise<void> {
    try {
      await this.#early;
      const m = (await stat(this.target).then((s) => s.mode & PERMISSION_BITS, () => undefined)) ?? this.newMode;
      // Only when it differs: some file systems (vfat) refuse chmod.
      if (m !== undefined && ((await this.handle.stat()).mode & 0o7777) !== m) await this.handle.chmod(m);
      if (this.durable) await this.handle.sync();
      await this.handle.close();
      await rename(this.tempPath, this.target);
      live.delete(this.tempPath);
      if (this.durable) await syncFolder(dirname(this.target));
    } catch (err) {
      await this.abort();
      throw fsError(err, this.target, 'write');
    }
  }

  /** Closes and removes the temporary file (or keeps it, see {@link AtomicFile.create}); never throws. */
  async abort(): Promise<void> {
    await this.#early?.catch(() => {});
    await this.handle.close().catch(() => {});
    const sizeOf = (path: string) => stat(path).then((st) => st.size, () => undefined);
    const keep = this.keepAs && worthKeeping((await sizeOf(this.tempPath)) ?? 0, await sizeOf(this.keepAs));
    if (keep) await rename(this.tempPath, this.keepAs!).catch(() => unlink(this.tempPath).catch(() => {}));
    else await unlink(this.tempPath).catch(() => {});
    live.delete(this.tempPath);
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

/**
 * The path a chain of symbolic links ends at, even when the last one dangles (its target is then
 * created); `path` itself when it is not a link.
 */
async function followLinks(path: string): Promise<string> {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const st = await lstat(p).catch(() => undefined);
    if (!st?.isSymbolicLink()) return p;
    // Relative to the folder the link really is in: its path may itself pass through links.
    p = resolve(await realpath(dirname(p)), await readlink(p));
  }
  return p;
}

/** Makes a rename in `folder` durable; best effort, as some file systems refuse to sync folders. */
async function syncFolder(folder: string): Promise<void> {
  const fh = await open(folder, 'r').catch(() => undefined);
  await fh?.sync().catch(() => {});
  await fh?.close();
}
