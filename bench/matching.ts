/**
 * `node dist/bench/matching.js` (part of `npm run bench`): what a patch would fetch, deltasync
 * beside the zsync 0.6.2 client, on the cases of issue #12 and on a real update: two releases of
 * a public npm package (typescript 5.9.2 → 5.9.3) unpacked to plain tar, fetched once with
 * `npm pack` and cached in the system's temp folder. Whole processes: `deltasync diff --json`
 * against a go-sync index, and `zsync -i old` against zsyncmake's control file with the same
 * block size, pointed at a refused URL (so that it reports what its seed gave and stops).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeRandomData, MiB, tempFolder, textTable } from './common.js';
import { DELTASYNC_BIN, peerVersion } from './peers.js';

interface Case {
  name: string;
  ref: Uint8Array;
  old: Uint8Array;
}

function issueCases(): Case[] {
  const A = makeRandomData(4 * MiB);
  const ref = new Uint8Array(2 * A.length + 100);
  ref.set(A);
  ref.set(A, A.length + 100);
  const flipped = ref.slice();
  flipped[1000] ^= 1;
  return [
    { name: 'A + 100 zeros + A, 1 bit flipped (#12)', ref, old: flipped },
    { name: 'A + 100 zeros + A from one A (#12)', ref, old: A },
  ];
}

/** Two releases of a public package as plain tar, from the cache or `npm pack`; undefined offline. */
function npmPair(pkg: string, from: string, to: string): Case | undefined {
  const cache = join(tmpdir(), 'deltasync-bench-cache');
  mkdirSync(cache, { recursive: true });
  const tar = (v: string) => {
    const tgz = join(cache, `${pkg}-${v}.tgz`);
    if (!existsSync(tgz)) {
      const r = spawnSync('npm', ['pack', `${pkg}@${v}`, '--silent', '--pack-destination', cache], { encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0 || !existsSync(tgz)) return undefined;
    }
    return new Uint8Array(gunzipSync(readFileSync(tgz)));
  };
  const ref = tar(to);
  const old = tar(from);
  if (!ref || !old) {
    console.log(`(npm pack ${pkg}@${from}/${to} failed: no registry here; that case is left out)`);
    return undefined;
  }
  return { name: `${pkg} ${from} → ${to}, tar (${(ref.length / 1e6).toFixed(1)} MB)`, ref, old };
}

function deltasync(dir: string, bs: number): { share: number; fetch: number; index: number } {
  execFileSync(process.execPath, [DELTASYNC_BIN, 'build', join(dir, 'ref'), '-b', String(bs), '-o', join(dir, 'ref.gosync')], { timeout: 120_000 });
  const out = execFileSync(process.execPath, [DELTASYNC_BIN, '--json', 'diff', join(dir, 'old'), join(dir, 'ref.gosync')], { encoding: 'utf8', timeout: 300_000 });
  const j = JSON.parse(out) as { matchedBytes: number; fileSize: number; fetchBytes: number };
  return { share: j.matchedBytes / j.fileSize, fetch: j.fetchBytes, index: statSync(join(dir, 'ref.gosync')).size };
}

function zsync(dir: string, bs: number, size: number): { share: number; fetch: number; index: number } | undefined {
  if (!peerVersion('zsyncmake')) return undefined;
  execFileSync('zsyncmake', ['-b', String(bs), '-u', 'http://127.0.0.1:9/ref', '-o', join(dir, 'ref.zsync'), join(dir, 'ref')], { stdio: 'ignore', timeout: 120_000 });
  const r = spawnSync('zsync', ['-i', join(dir, 'old'), '-o', join(dir, 'zout'), join(dir, 'ref.zsync')], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  const m = /Target ([\d.]+)% complete/.exec(`${r.stdout}${r.stderr}`);
  if (!m) return undefined;
  const share = Number(m[1]) / 100;
  return { share, fetch: Math.round((1 - share) * size), index: statSync(join(dir, 'ref.zsync')).size };
}

const cases = [...issueCases()];
const pair = npmPair('typescript', '5.9.2', '5.9.3');
if (pair) cases.push(pair);
const rows: string[][] = [['Case', 'Block', 'deltasync matched', 'to fetch + index', 'zsync matched', 'to fetch + control file', 'verdict']];
const tmp = tempFolder('deltasync-matching-');
try {
  for (const c of cases) {
    writeFileSync(tmp.path('ref'), c.ref);
    writeFileSync(tmp.path('old'), c.old);
    for (const bs of [2048, 8192]) {
      const d = deltasync(tmp.dir, bs);
      const z = zsync(tmp.dir, bs, c.ref.length);
      const kb = (n: number) => `${(n / 1000).toFixed(0)} kB`;
      rows.push([
        c.name,
        String(bs),
        `${(100 * d.share).toFixed(1)}%`,
        `${kb(d.fetch)} + ${kb(d.index)}`,
        z ? `${(100 * z.share).toFixed(1)}%` : 'n/a',
        z ? `~${kb(z.fetch)} + ${kb(z.index)}` : 'n/a',
        z ? (d.share + 1e-3 >= z.share ? 'ok (≥ zsync)' : 'MISS (< zsync)') : '',
      ]);
    }
  }
} finally {
  tmp.remove();
}
console.log('deltasync bench: matched share against the zsync 0.6.2 client (same files, same block size)\n');
console.log(textTable(rows, new Set([1, 2, 3, 4, 5])));
console.log('\nzsync reports a percentage of the target it could build from its seed; its bytes to fetch are derived from it.');
