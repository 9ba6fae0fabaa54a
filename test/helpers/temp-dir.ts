import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system temp dir; `done()` removes it with everything in it. */
export interface TempDir {
  readonly dir: string;
  /** The path of `name` inside the folder. */
  path(name: string): string;
  /** Writes `data` to `name` inside the folder and returns its path. */
  write(name: string, data: Uint8Array): Promise<string>;
  done(): Promise<void>;
}

export async function tempDir(prefix = 'deltasync-test-'): Promise<TempDir> {
  // The real path: what /proc/self/fd and error messages show, even when TMPDIR is a link.
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  return {
    dir,
    path: (name) => join(dir, name),
    async write(name, data) {
      const p = join(dir, name);
      await writeFile(p, data);
      return p;
    },
    done: () => rm(dir, { recursive: true, force: true }),
  };
}
