/**
 * `npm run bench` (`-- --quick` for a shorter run): the micro and whole-file benchmarks
 * (run.ts), the matched share beside zsync on the #12 cases and a real npm update (matching.ts),
 * scaling with the index (scale.ts), and end-to-end patches over HTTP beside the zsync
 * client (e2e.ts), each in a process of its own so that one's warm code and memory do not flatter
 * the next. Options are passed to each.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let failed = false;
for (const name of ['run.js', 'matching.js', 'scale.js', 'e2e.js']) {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(name, import.meta.url)), ...args], { stdio: 'inherit', timeout: 30 * 60_000 });
  if (r.status !== 0) {
    process.stderr.write(`bench: ${name} ${r.error ? r.error.message : `exited with ${r.status ?? r.signal}`}\n`);
    failed = true;
  }
  process.stdout.write('\n');
}
process.exitCode = failed ? 1 : 0;
