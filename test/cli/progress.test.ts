import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { seededBytes } from '../helpers/random.js';
import { BIN, cli, tempDir } from './run-cli.js';

let t: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  t = await tempDir();
  await writeFile(t.path('ref'), seededBytes(5, 3 * 1024 * 1024));
});
after(() => t.done());

/** Runs the CLI on a pseudo-terminal (util-linux `script`), returning what the terminal showed. */
function onTerminal(args: string[]): string {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // script runs the command through $SHELL, which may be one that runs nothing (nologin).
  const env = { ...process.env, SHELL: '/bin/sh' };
  const r = spawnSync('script', ['-qec', quoted, '/dev/null'], { encoding: 'utf8', env, timeout: 60_000, killSignal: 'SIGKILL' });
  assert.equal(r.status, 0, `script (util-linux) ran ${quoted}: ${r.error ?? ''} ${r.stdout} ${r.stderr}`);
  return r.stdout;
}

test('on a terminal a progress bar shows (bytes, rate, ETA), then is cleared before the result', () => {
  const shown = onTerminal(['build', t.path('ref'), '-o', t.path('a.gosync')]);
  assert.match(shown, /indexing .*ref \[[^\]]+\] 100% \| 3\.0 MiB of 3\.0 MiB \| [\d.]+ MB\/s \| ETA \d+s/);
  assert.match(shown, /\x1b\[2KWrote /, 'the bar is cleared before the result');
  assert.doesNotMatch(onTerminal(['--quiet', 'build', t.path('ref'), '-o', t.path('q.gosync')]), /indexing|\x1b\[/, 'none with --quiet');
});

test('with --json, or when stderr is not a terminal, there is no progress line', async () => {
  assert.doesNotMatch(onTerminal(['--json', 'build', t.path('ref'), '-o', t.path('b.gosync')]), /indexing|\x1b/);
  const piped = await cli(['build', t.path('ref'), '-o', t.path('c.gosync')]);
  assert.equal(piped.stderr, '');
  assert.doesNotMatch(piped.stdout, /\x1b/);
});
