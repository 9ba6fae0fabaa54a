import { execFile } from 'node:child_process';
import { utimes } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The folder of saved zsyncmake 0.6.2 outputs and their inputs, `test/data/zsync` in the repository. */
export const ZSYNC_DATA = fileURLToPath(new URL('../../../test/data/zsync/', import.meta.url));

/** The MTime every generated file gets (zsyncmake writes the input's mtime): Tue, 14 Nov 2023 22:13:20 +0000. */
export const FIXED_MTIME = new Date(1_700_000_000_000);

/** What a finished child process gave. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cmd` with `args`, killed (SIGKILL) when it runs longer than `timeoutMs`. Resolves with
 * its exit code and output whatever the code; rejects only when it cannot start or timed out.
 */
export function run(cmd: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const timeout = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: options.cwd, timeout, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      if (e && typeof e.code === 'string') return reject(e); // ENOENT and the like: it did not start
      if (e?.killed) return reject(new Error(`${cmd} ${args.join(' ')}: killed after ${timeout} ms`));
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr });
    });
  });
}

const found = new Map<string, Promise<boolean>>();

/** Whether `tool` (e.g. `zsyncmake`) can be run here (`-V` answers). */
export function haveTool(tool: string): Promise<boolean> {
  let p = found.get(tool);
  if (!p) {
    p = run(tool, ['-V'], { timeoutMs: 10_000 }).then((r) => r.code === 0, () => false);
    found.set(tool, p);
  }
  return p;
}

/**
 * True when `tool` is installed. Otherwise: under CI (`CI` set) throws, failing the test, since
 * CI installs it; elsewhere skips the test with a message and returns false.
 */
export async function requireTool(t: TestContext, tool: string, pkg = 'zsync'): Promise<boolean> {
  if (await haveTool(tool)) return true;
  if (process.env.CI) throw new Error(`${tool} is not installed, and CI must run this interop test (apt-get install -y ${pkg})`);
  t.skip(`${tool} is not installed (apt-get install -y ${pkg}); interop test skipped`);
  return false;
}

/**
 * Runs zsyncmake 0.6.2 on `input` as `zsyncmake -b <blockSize> -u <url> -o <out> <input>`, in
 * the input's folder, after setting the input's mtime to `mtime` (zsyncmake writes it as MTime).
 */
export async function zsyncmake(input: string, out: string, o: { blockSize?: number; urls?: readonly string[]; mtime?: Date; cwd?: string }): Promise<void> {
  const mtime = o.mtime ?? FIXED_MTIME;
  await utimes(resolve(o.cwd ?? '.', input), mtime, mtime);
  const args = [...(o.blockSize ? ['-b', String(o.blockSize)] : []), ...(o.urls ?? []).flatMap((u) => ['-u', u]), '-o', out, input];
  const r = await run('zsyncmake', args, { cwd: o.cwd });
  if (r.code !== 0) throw new Error(`zsyncmake ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim()}`);
}

/** One saved zsyncmake output: the data file, its control file and the options it was made with. */
export interface ZsyncVector {
  readonly data: string;
  readonly control: string;
  readonly size: number;
  readonly blockSize: number;
  readonly hashLengths: string;
  readonly urls: readonly string[];
}

/** The vectors listed in the table of test/data/zsync/README.md. */
export function zsyncVectors(readme: string): ZsyncVector[] {
  const out: ZsyncVector[] = [];
  for (const m of readme.matchAll(/^\|\s*([\w.-]+\.\w+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*([\d,]+)\s*\|\s*([^|]+?)\s*\|\s*$/gm)) {
    const data = m[1];
    out.push({ data, control: data.replace(/\.[^.]+$/, '.zsync'), size: Number(m[2]), blockSize: Number(m[3]), hashLengths: m[4], urls: m[5].split(' ') });
  }
  return out;
}
