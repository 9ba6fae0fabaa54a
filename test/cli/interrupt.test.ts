import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { writeIndexFile } from '../../src/format/index-file.js';
import { buildIndex } from '../../src/index/build.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { BIN } from './run-cli.js';

// Large enough that the write phase lasts well beyond the moment its temporary file appears.
const ref = seededBytes(21, 48 * 1024 * 1024);
const old = seededBytes(22, 1024 * 1024);
let t: TempDir;
before(async () => {
  t = await tempDir();
  await t.write('ref', ref);
  await writeIndexFile(await buildIndex(t.path('ref'), { threads: 1 }), t.path('ref.gosync'));
});
after(() => t.done());

/**
 * Runs `deltasync patch …` and sends it `signal` the moment its temporary output file appears
 * (inotify, through fs.watch: no polling, no sleeping). Resolves to the exit code.
 */
function patchInterrupted(args: string[], signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'patch', ...args], { stdio: 'ignore', timeout: 60_000, killSignal: 'SIGKILL' });
    const watcher = watch(t.dir, (_event, name) => {
      if (name?.endsWith('.deltasync-tmp')) {
        watcher.close();
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      watcher.close();
      resolve(code);
    });
  });
}

const temps = async () => (await readdir(t.dir)).filter((n) => n.includes('deltasync-tmp'));

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} while patching in place: exit ${code}, the temporary file removed, the local file untouched`, async () => {
    const local = await t.write(`old-${signal}`, old);
    assert.equal(await patchInterrupted([local, t.path('ref.gosync'), t.path('ref')], signal), code);
    assert.deepEqual(await temps(), []);
    assert.deepEqual(new Uint8Array(await readFile(local)), old);
  });
}

test('SIGINT while patching to a new output: no output and no temporary file remain', async () => {
  const local = await t.write('old-new', old);
  assert.equal(await patchInterrupted([local, t.path('ref.gosync'), t.path('ref'), '-o', t.path('out')], 'SIGINT'), 130);
  assert.deepEqual(await temps(), []);
  await assert.rejects(readFile(t.path('out')), { code: 'ENOENT' });
});
