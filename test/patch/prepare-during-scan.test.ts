/**
 * The sources are prepared while the scan runs: a slow first answer from the server (a round
 * trip, a HEAD) costs nothing when the scan is longer; a source that cannot be prepared stops
 * the scan and fails the patch with its own error, leaving nothing behind.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { patchFile } from '../../src/patch/patch.js';
import type { BlockSource } from '../../src/source/block-source.js';
import { fileSource } from '../../src/source/file-source.js';
import { concat, seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const ref = seededBytes(61, 3_000_000);
const local = concat(ref.subarray(0, 2_000_000), seededBytes(62, 50_000));
let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

/** A source of the reference whose prepare waits for `until` (or gives up waiting after 5 s), then does what `then` says. */
function slowToPrepare(refPath: string, until: Promise<void>, then: () => Promise<void>): BlockSource & { waitedFor: string } {
  const real = fileSource(refPath);
  const src = {
    name: 'slow',
    waitedFor: '',
    async prepare(e: Parameters<BlockSource['prepare']>[0]) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((r) => (timer = setTimeout(() => r('nothing: the scan did not run while it was prepared'), 5000)));
      src.waitedFor = await Promise.race([until.then(() => 'the scan'), timeout]);
      clearTimeout(timer);
      await then();
      return real.prepare(e);
    },
    fetch: (r: Parameters<BlockSource['fetch']>[0], o?: Parameters<BlockSource['fetch']>[1]) => real.fetch(r, o),
    close: () => real.close(),
  };
  return src;
}

/** The files of a test, their index, and a promise kept at the scan's first progress report (`scanned`). */
async function setup(name: string) {
  const refPath = await t.write(`ref-${name}`, ref);
  const localPath = await t.write(`local-${name}`, local);
  const index = await buildIndex(refPath, { blockSize: 4096, threads: 1 });
  let scanned!: () => void;
  const scanProgress = new Promise<void>((r) => (scanned = r));
  return { refPath, localPath, index, scanProgress, scanned: () => scanned() };
}

test('the source is prepared while the scan runs', async () => {
  const { refPath, localPath, index, scanProgress, scanned } = await setup('a');
  const src = slowToPrepare(refPath, scanProgress, async () => {});
  try {
    const stats = await patchFile({ local: localPath, index, source: src, output: t.path('out'), scan: { threads: 1, onProgress: () => scanned() } });
    assert.equal(src.waitedFor, 'the scan');
    assert.deepEqual(await readFile(t.path('out')), Buffer.from(ref));
    const { scan, prepare, transfer, commit } = stats.phases;
    assert.ok(Math.abs(scan + prepare + transfer + commit - stats.milliseconds) < 1, JSON.stringify(stats.phases));
  } finally {
    await src.close();
  }
});

test('a source that cannot be prepared stops the scan: its error, no output, no temporary file', async () => {
  const { refPath, localPath, index, scanProgress, scanned } = await setup('b');
  const src = slowToPrepare(refPath, scanProgress, async () => {
    throw new Error('slow: the server is gone');
  });
  try {
    await assert.rejects(
      patchFile({ local: localPath, index, source: src, output: t.path('out2'), scan: { threads: 1, onProgress: () => scanned() } }),
      /slow: the server is gone/,
    );
    assert.deepEqual((await readdir(t.dir)).filter((n) => n.startsWith('out2') || n.includes('deltasync-tmp')), []);
  } finally {
    await src.close();
  }
});
