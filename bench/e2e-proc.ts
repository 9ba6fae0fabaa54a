/**
 * Child processes of the end-to-end bench: each one timed from spawn to exit (wall clock), with
 * its output captured, killed (SIGKILL) past a time limit; those still running can be killed at
 * once when the bench has to stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall milliseconds from spawn to exit. */
  ms: number;
}

const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every child still running. */
export function killAll(): void {
  for (const c of running) c.kill('SIGKILL');
}

/** Runs `cmd args`; rejects when it cannot start, runs past `timeoutMs`, or exits with a code not in `ok`. */
export function runTimed(cmd: string, args: readonly string[], timeoutMs: number, ok: readonly number[] = [0], cwd?: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd, env: { ...process.env, LC_ALL: 'C' } });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      running.delete(child);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      running.delete(child);
      // Output may still be in the pipes: wait for them to close.
      child.once('close', () => {
        const line = `${cmd} ${args.join(' ')}`;
        if (timedOut) return reject(new Error(`${line}: killed after ${timeoutMs} ms`));
        if (code === null || !ok.includes(code)) {
          return reject(new Error(`${line}: exited with ${code ?? signal}: ${(stderr || stdout).trim().slice(-2000)}`));
        }
        resolve({ code, signal, stdout, stderr, ms });
      });
    });
  });
}
