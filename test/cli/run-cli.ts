import { spawn } from 'node:child_process';
import { chmod, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built executable (the bundle the package's bin names), run as users run it. */
export const BIN = fileURLToPath(new URL('../../bundle/cli/bin.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deltasync args…`. With `obeyPermissions`, a root caller runs it without the capabilities
 * that let root ignore permission bits (util-linux's setpriv), so that unreadable files and
 * read-only folders behave as they do for everyone else, wherever the repository lives.
 */
export function cli(args: string[], opts: { obeyPermissions?: boolean } = {}): Promise<CliResult> {
  const command: [string, string[]] =
    opts.obeyPermissions && process.getuid?.() === 0
      ? ['setpriv', ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-all', '--ambient-caps=-all', '--', process.execPath, BIN, ...args]]
      : [process.execPath, [BIN, ...args]];
  return new Promise((resolve, reject) => {
    // A command that hangs is killed, so the test fails instead of holding up the run.
    const child = spawn(command[0], command[1], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A temporary folder, removed by `done`. */
export async function tempDir(): Promise<{ dir: string; path: (name: string) => string; done: () => Promise<void> }> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'deltasync-cli-')));
  await chmod(dir, 0o777);
  return { dir, path: (name) => join(dir, name), done: () => rm(dir, { recursive: true, force: true }) };
}
