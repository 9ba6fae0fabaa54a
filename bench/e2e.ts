/**
 * End-to-end bench (issues #11 item 7 and #10 item 6): deltasync's `patch` over HTTP against
 * Debian's zsync 0.6.2 client, whole processes, side by side in one run, the same nginx, the same
 * files (in page cache):
 *
 * - a 256 MiB reference with 50 scattered edits of 1–4 KiB (the local file is the old version),
 *   on loopback and through a relay adding 25 ms each way (50 ms per round trip, connection
 *   set-up included);
 * - an 8 MiB reference with a local file that mostly differs (a few 4 KiB pieces in common), on
 *   loopback.
 *
 * Four contenders each: (a) deltasync from its own .gosync index, (a') the same with --no-fsync
 * (zsync never syncs its output: this compares on that footing), (b) deltasync from zsyncmake's
 * control file, (c) the zsync client from that same control file. The .gosync index has the block
 * size zsyncmake chose for the file. Wall time is the median of 3 runs (after one warm-up run,
 * whose output is checked against the reference), the runs of the four interleaved so that a
 * noisy spell falls on all alike. Requests, bytes and connections are counted by nginx (a log
 * format with $request_length and $bytes_sent), the same way for both tools.
 *
 * `node dist/bench/e2e.js [--quick] [--bin path/to/deltasync/bin.js] [--runs N]`
 * (`--quick`: a 64 MiB reference, one timed run).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fmtBytes, median, MiB, sha256File, tempFolder, textTable } from './common.js';
import { writeEditedPair, writeFewMatchesPair } from './e2e-files.js';
import { type AccessRecord, type BenchNginx, NGINX, startNginx } from './e2e-nginx.js';
import { type Finished, killAll, runTimed } from './e2e-proc.js';
import { DELTASYNC_BIN, peerVersion } from './peers.js';
import { type Relay, startRelay } from './relay.js';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const BIN = opt('--bin') ?? DELTASYNC_BIN;
const RUNS = Number(opt('--runs') ?? (QUICK ? 1 : 3));
const BIG = QUICK ? 64 * MiB : 256 * MiB;
const SMALL = 8 * MiB;
const EDITS = 50;
const DELAY = 25;
/** Per child process. */
const PROCESS_LIMIT_MS = 120_000;
/** A tool whose warm-up run took longer is timed by that run alone, not RUNS more (to keep the whole run short). */
const SLOW_MS = 15_000;
/** The whole run. */
const RUN_LIMIT_MS = 9 * 60_000;
const P = availableParallelism();

const progress = (s: string) => process.stderr.write(`  … ${s}\n`);
const fixed = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

// ---------------------------------------------------------------------------------------------
// One run of one tool

type ToolKey = 'gosync' | 'nofsync' | 'dszsync' | 'zsync';

interface Sample {
  ms: number;
  /** What nginx logged for this run. */
  log: AccessRecord[];
  /** Bytes of the reference the tool took from the local file. */
  reused: number;
  /** What the tool says it fetched (deltasync: plan bytes; zsync: socket bytes it counted). */
  selfFetched: number;
  /** deltasync's --json result. */
  json?: Record<string, unknown>;
  /** Relay byte counters for the run (relay cases). */
  relay?: { up: number; down: number; connections: number };
}

interface Case {
  title: string;
  /** File name under the served folder. */
  name: string;
  size: number;
  local: string;
  base: string;
  relay?: Relay;
  /** Targets per tool (deltasync ones), against zsync. */
  targets: Partial<Record<ToolKey, Target[]>>;
}

interface Target {
  label: string;
  check: (t: Summary, z: Summary) => boolean;
}

interface Summary {
  ms: number[];
  median: number;
  requests: number;
  connections: number;
  ranges: number;
  refBody: number;
  indexBody: number;
  wire: number;
  reused: number;
  selfFetched: number;
  json?: Record<string, unknown>;
  relay?: Sample['relay'];
  error?: string;
}

const TOOLS: { key: ToolKey; label: string }[] = [
  { key: 'gosync', label: '(a) deltasync, .gosync index' },
  // No target: for comparison with zsync on the same footing (zsync never syncs its output).
  { key: 'nofsync', label: "(a') same, --no-fsync" },
  { key: 'dszsync', label: '(b) deltasync, zsyncmake .zsync' },
  { key: 'zsync', label: '(c) zsync 0.6.2 client, same .zsync' },
];

/**
 * Removes a run's outputs and flushes the page cache's dirty data (outside the timing): the next
 * run, of whichever tool, starts without the previous one's writeback and deletion to wait on
 * (deltasync syncs its output before the rename; zsync does not, so a leftover would fall on
 * deltasync's sync alone).
 */
function removeOutputs(out: string): void {
  for (const p of [out, `${out}.part`, `${out}.zs-old`]) rmSync(p, { force: true });
  spawnSync('sync', { timeout: 60_000 });
}

async function runTool(key: ToolKey, c: Case, out: string, nginx: BenchNginx): Promise<Sample> {
  removeOutputs(out);
  const mark = nginx.mark();
  const before = c.relay?.stats();
  let f: Finished;
  let reused: number;
  let selfFetched: number;
  let json: Record<string, unknown> | undefined;
  if (key === 'zsync') {
    f = await runTimed('zsync', ['-i', c.local, '-o', out, `${c.base}${c.name}.zsync`], PROCESS_LIMIT_MS);
    const m = /used (\d+) local, fetched (\d+)/.exec(`${f.stdout}\n${f.stderr}`);
    if (!m) throw new Error(`zsync: no "used … local, fetched …" line in its output: ${f.stdout.slice(-500)}`);
    reused = Number(m[1]);
    selfFetched = Number(m[2]);
  } else {
    const index = `${c.base}${c.name}.${key === 'dszsync' ? 'zsync' : 'gosync'}`;
    const extra = key === 'nofsync' ? ['--no-fsync'] : [];
    f = await runTimed(process.execPath, [BIN, 'patch', c.local, index, '-o', out, '--json', '-q', ...extra], PROCESS_LIMIT_MS);
    json = JSON.parse(f.stdout) as Record<string, unknown>;
    reused = Number(json.reusedBytes);
    selfFetched = Number(json.fetchedBytes);
  }
  const after = c.relay?.stats();
  const relay = before && after ? { up: after.up - before.up, down: after.down - before.down, connections: after.connections - before.connections } : undefined;
  return { ms: f.ms, log: nginx.since(mark), reused, selfFetched, json, relay };
}

function summarise(c: Case, samples: Sample[]): Summary {
  // Counters from the last run (they do not change between runs); wall time over all.
  const s = samples[samples.length - 1];
  const ref = `/${c.name}`;
  let ranges = 0;
  for (const r of s.log) if (r.uri === ref && r.range) ranges += r.range.split(',').length;
  const ms = samples.map((x) => x.ms);
  return {
    ms,
    median: median(ms),
    requests: s.log.length,
    connections: new Set(s.log.map((r) => r.connection)).size,
    ranges,
    refBody: s.log.filter((r) => r.uri === ref).reduce((n, r) => n + r.bodyBytes, 0),
    indexBody: s.log.filter((r) => r.uri !== ref).reduce((n, r) => n + r.bodyBytes, 0),
    wire: s.log.reduce((n, r) => n + r.requestLength + r.bytesSent, 0),
    reused: s.reused,
    selfFetched: s.selfFetched,
    json: s.json,
    relay: s.relay,
  };
}

/** Runs the three tools round-robin: one warm-up round (outputs checked), then `RUNS` timed rounds. */
async function runCase(c: Case, nginx: BenchNginx, tmp: ReturnType<typeof tempFolder>, refHash: string): Promise<Map<ToolKey, Summary>> {
  const samples = new Map<ToolKey, Sample[]>(TOOLS.map((t) => [t.key, []]));
  const errors = new Map<ToolKey, string>();
  const warmMs = new Map<ToolKey, number>();
  for (let round = 0; round <= RUNS; round++) {
    progress(`${c.title}: ${round === 0 ? 'warm-up round' : `round ${round}/${RUNS}`} (load ${load()})`);
    for (const t of TOOLS) {
      if (errors.has(t.key)) continue;
      // A tool far slower than the time budget allows is timed once, by its warm-up run (the table says so).
      if (round > 0 && (warmMs.get(t.key) ?? 0) > SLOW_MS) continue;
      const out = tmp.path(`out-${t.key}.bin`);
      try {
        const s = await runTool(t.key, c, out, nginx);
        if (round === 0) {
          warmMs.set(t.key, s.ms);
          const got = await sha256File(out);
          if (got !== refHash) throw new Error(`output differs from the reference (sha256 ${got})`);
          if (s.ms > SLOW_MS) samples.get(t.key)!.push(s);
        } else {
          if (statSync(out).size !== c.size) throw new Error(`output has ${statSync(out).size} bytes, expected ${c.size}`);
          samples.get(t.key)!.push(s);
        }
      } catch (err) {
        errors.set(t.key, (err as Error).message.split('\n')[0].slice(0, 300));
      } finally {
        removeOutputs(out);
      }
    }
  }
  const result = new Map<ToolKey, Summary>();
  for (const t of TOOLS) {
    const ss = samples.get(t.key)!;
    const e = errors.get(t.key);
    if (e || ss.length === 0) {
      result.set(t.key, { ms: [], median: NaN, requests: 0, connections: 0, ranges: 0, refBody: 0, indexBody: 0, wire: 0, reused: 0, selfFetched: 0, error: e ?? 'no runs' });
    } else result.set(t.key, summarise(c, ss));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

const faster = (min: number, issue: string): Target => ({
  label: `${issue} ≥${min}x`,
  check: (t, z) => z.median / t.median >= min,
});
const fasterThan = (issue: string): Target => ({ label: `${issue} faster`, check: (t, z) => t.median < z.median });
const bytesWithin = (slack: number, issue: string): Target => ({
  label: slack > 0 ? `${issue} bytes≤+${Math.round(slack * 100)}%` : `${issue} bytes≤`,
  check: (t, z) => t.refBody <= z.refBody * (1 + slack),
});

interface Setup {
  blockSize: number;
  hashLengths: string;
  zsyncmakeMs: number;
  buildMs: number;
  gosyncBytes: number;
  zsyncBytes: number;
}

/** zsyncmake's control file (its own block size), then deltasync's .gosync at the same block size. */
async function indexes(www: string, name: string): Promise<Setup> {
  const zm = await runTimed('zsyncmake', ['-u', name, '-o', `${name}.zsync`, name], PROCESS_LIMIT_MS, [0], www);
  const head = readFileSync(`${www}/${name}.zsync`).subarray(0, 1024).toString('latin1');
  const blockSize = Number(/^Blocksize: (\d+)$/m.exec(head)?.[1]);
  const hashLengths = /^Hash-Lengths: (\S+)$/m.exec(head)?.[1] ?? '?';
  if (!(blockSize > 0)) throw new Error(`${name}.zsync: no Blocksize line`);
  const b = await runTimed(process.execPath, [BIN, 'build', `${www}/${name}`, '-b', String(blockSize), '-o', `${www}/${name}.gosync`, '-q'], PROCESS_LIMIT_MS);
  return {
    blockSize,
    hashLengths,
    zsyncmakeMs: zm.ms,
    buildMs: b.ms,
    gosyncBytes: statSync(`${www}/${name}.gosync`).size,
    zsyncBytes: statSync(`${www}/${name}.zsync`).size,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const zsyncV = peerVersion('zsync');
  const zsyncmakeV = peerVersion('zsyncmake');
  const missing = [!zsyncV && 'zsync', !zsyncmakeV && 'zsyncmake', !NGINX && 'nginx'].filter(Boolean);
  if (missing.length) {
    console.log(`deltasync e2e bench: skipped, ${missing.join(', ')} not installed (apt-get install zsync nginx)`);
    process.exitCode = process.env.CI ? 1 : 0;
    return;
  }
  console.log(
    `deltasync e2e bench${QUICK ? ' --quick' : ''}: Node ${process.version}, ${P} threads, ${zsyncV}, nginx (1 worker, sendfile), ` +
      `median of ${RUNS} after 1 warm-up, load average ${load()}`,
  );
  const tmp = tempFolder('deltasync-e2e-');
  let nginx: BenchNginx | undefined;
  let relay: Relay | undefined;
  const cleanup = async () => {
    killAll();
    await relay?.close().catch(() => {});
    await nginx?.close().catch(() => {});
    tmp.remove();
  };
  const deadline = setTimeout(() => {
    console.error(`e2e bench: still running after ${RUN_LIMIT_MS / 1000} s; stopping`);
    void cleanup().finally(() => process.exit(1));
  }, RUN_LIMIT_MS);
  deadline.unref();
  const onSignal = (sig: NodeJS.Signals) => void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const www = tmp.path('www');
    mkdirSync(www);
    const big = 'big.bin';
    const small = 'small.bin';
    progress(`writing the ${fmtBytes(BIG)} reference and its old version (${EDITS} edits of 1-4 KiB)`);
    const pair = writeEditedPair(`${www}/${big}`, tmp.path('big-old.bin'), BIG, EDITS, 11);
    progress(`writing the ${fmtBytes(SMALL)} reference and a mostly different local file`);
    const pieces = writeFewMatchesPair(`${www}/${small}`, tmp.path('small-few.bin'), SMALL, 32, 4096, 10);
    progress('zsyncmake and deltasync build');
    const bigSetup = await indexes(www, big);
    const smallSetup = await indexes(www, small);
    const bigHash = await sha256File(`${www}/${big}`);
    const smallHash = await sha256File(`${www}/${small}`);
    nginx = await startNginx(www, RUN_LIMIT_MS);
    relay = await startRelay(nginx.port, DELAY);

    const cases: { c: Case; hash: string; setup: Setup }[] = [
      {
        c: {
          title: `${fmtBytes(BIG)}, ${EDITS} edits, loopback`,
          name: big,
          size: BIG,
          local: tmp.path('big-old.bin'),
          base: nginx.url,
          targets: { gosync: [faster(1.5, '#11'), bytesWithin(0.1, '#11')], dszsync: [fasterThan('#10'), bytesWithin(0, '#10'), faster(1.5, '#11')] },
        },
        hash: bigHash,
        setup: bigSetup,
      },
      {
        c: {
          title: `${fmtBytes(BIG)}, ${EDITS} edits, relay ${2 * DELAY} ms RTT`,
          name: big,
          size: BIG,
          local: tmp.path('big-old.bin'),
          base: relay.url,
          relay,
          targets: { gosync: [faster(3, '#11'), bytesWithin(0.1, '#11')], dszsync: [faster(3, '#11'), bytesWithin(0.1, '#11')] },
        },
        hash: bigHash,
        setup: bigSetup,
      },
      {
        c: {
          title: `${fmtBytes(SMALL)}, few matches, loopback`,
          name: small,
          size: SMALL,
          local: tmp.path('small-few.bin'),
          base: nginx.url,
          targets: { dszsync: [fasterThan('#10'), bytesWithin(0, '#10')] },
        },
        hash: smallHash,
        setup: smallSetup,
      },
    ];

    const table: string[][] = [['Case / tool', 'Wall ms', 'min–max', 'vs zsync', 'Req', 'Conn', 'Ranges', 'Ref body', 'Index', 'Wire', 'Matched', 'Targets']];
    const notes: string[] = [];
    let misses = 0;
    for (const { c, hash, setup } of cases) {
      const res = await runCase(c, nginx, tmp, hash);
      const z = res.get('zsync')!;
      table.push([`[${c.title}; block ${setup.blockSize}]`, '', '', '', '', '', '', '', '', '', '', '']);
      for (const t of TOOLS) {
        const s = res.get(t.key)!;
        if (s.error) {
          table.push([`  ${t.label}`, 'FAIL', '', '', '', '', '', '', '', '', '', s.error.slice(0, 120)]);
          notes.push(`${c.title}, ${t.label}: ${s.error}`);
          if (c.targets[t.key]) misses++;
          continue;
        }
        const verdicts = (c.targets[t.key] ?? []).map((g) => {
          const ok = !z.error && g.check(s, z);
          if (!ok) misses++;
          return `${g.label} ${ok ? 'ok' : 'MISS'}`;
        });
        table.push([
          `  ${t.label}`,
          fixed(s.median, 0),
          s.ms.length === 1 ? `1 run` : `${fixed(Math.min(...s.ms), 0)}–${fixed(Math.max(...s.ms), 0)}`,
          t.key === 'zsync' ? '1.00x' : `${fixed(z.median / s.median)}x`,
          String(s.requests),
          String(s.connections),
          String(s.ranges),
          fmtBytes(s.refBody),
          fmtBytes(s.indexBody),
          fmtBytes(s.wire),
          `${fixed((100 * s.reused) / c.size, 1)}%`,
          verdicts.join(', '),
        ]);
        const http = s.json?.http as Record<string, number> | undefined;
        const scan = s.json?.scan as Record<string, number> | undefined;
        const self =
          t.key === 'zsync'
            ? `zsync says: used ${s.reused} local, fetched ${s.selfFetched}`
            : `deltasync says: fetchedBytes ${s.selfFetched}, ${http?.requests} requests / ${http?.ranges} ranges (reference only), bodyBytes ${http?.bodyBytes}, wireBytes ${http?.wireBytes}; ` +
              `scan ${fixed(scan?.milliseconds ?? NaN, 0)} ms of ${fixed(Number(s.json?.milliseconds), 0)} ms, ${scan?.matchedBlocks} blocks matched, ${scan?.threads} threads`;
        const relayNote = s.relay ? `; relay counted ${s.relay.connections} connections, ${s.relay.up} B up, ${s.relay.down} B down` : '';
        notes.push(`${c.title}, ${t.label}: ${self}${relayNote}`);
      }
    }

    console.log('');
    console.log(
      `Files: ${fmtBytes(BIG)} random reference, old version with ${EDITS} edits of 1–4 KiB (insert/delete/overwrite, ${fmtBytes(pair.oldSize)}); ` +
        `${fmtBytes(SMALL)} random reference, local file random with ${pieces} pieces of 4 KiB from it.`,
    );
    for (const [name, s] of [
      [big, bigSetup],
      [small, smallSetup],
    ] as const) {
      console.log(
        `Index of ${name}: zsyncmake chose block size ${s.blockSize} (Hash-Lengths ${s.hashLengths}), .zsync ${fmtBytes(s.zsyncBytes)} in ${fixed(s.zsyncmakeMs, 0)} ms; ` +
          `deltasync build -b ${s.blockSize}: .gosync ${fmtBytes(s.gosyncBytes)} in ${fixed(s.buildMs, 0)} ms (whole processes, once).`,
      );
    }
    console.log('');
    console.log(textTable(table, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])));
    console.log('');
    console.log(
      `Wall: whole process, spawn to exit, median of the timed runs (a tool whose warm-up run took over ${SLOW_MS / 1000} s is timed by that run alone: "1 run"; ` +
        'deltasync: node start, index download, scan on all cores, fetch, verify, write + fsync (none in (a\')); ' +
        'zsync: one thread). Req/Conn/Ranges/Ref body/Index/Wire: counted by nginx for the last run — Ref body is $body_bytes_sent of the reference ' +
        '(multipart framing included), Index that of the index (HEAD and GET), Wire every request and answer ($request_length + $bytes_sent). ' +
        `Matched: reference bytes taken from the local file. Relay: ${DELAY} ms each way, first bytes of a connection held one round trip (TCP handshake), no bandwidth limit. ` +
        'Targets (issues #11, #10) compare with zsync: #11 ≥1.5x on loopback, ≥3x through the relay, reference bytes ≤ zsync +10%; #10 faster than zsync, reference bytes ≤ zsync.',
    );
    console.log('');
    for (const n of notes) console.log(`  ${n}`);
    console.log('');
    console.log(
      `${misses === 0 ? 'All targets met' : `${misses} target(s) missed`}. Load average now ${load()} on ${P} cores (a shared machine: other processes' load shows here and adds noise). ` +
        `Total ${fixed((performance.now() - started) / 1000, 0)} s.`,
    );
  } finally {
    clearTimeout(deadline);
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((err) => {
  console.error(`e2e bench failed: ${(err as Error).stack ?? err}`);
  killAll();
  process.exitCode = 1;
});
