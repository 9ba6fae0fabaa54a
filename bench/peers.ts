/**
 * The peers `npm run bench` measures deltasync against, as whole processes on the same files:
 * zsync 0.6.2 (Debian's `zsync` package: `zsyncmake` and the `zsync` client). A peer that is not
 * installed is reported as such; the bench never installs anything.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** deltasync's own command line, run as users run it. */
export const DELTASYNC_BIN = fileURLToPath(new URL('../bundle/cli/bin.js', import.meta.url));

/** The first line a peer prints of its version, or undefined when it is not installed. */
export function peerVersion(command: string, flag = '-V'): string | undefined {
  const r = spawnSync(command, [flag], { encoding: 'utf8' });
  if (r.error) return undefined;
  return `${r.stdout}${r.stderr}`.split('\n')[0]?.trim();
}

/** Runs a command to its end, with its output discarded; fails unless it exits with one of `ok`. */
export function runProcess(command: string, args: string[], ok: readonly number[] = [0]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code !== null && ok.includes(code) ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** `node <deltasync> args…` as a process. */
export function runDeltasync(args: string[]): Promise<void> {
  return runProcess(process.execPath, [DELTASYNC_BIN, ...args]);
}
