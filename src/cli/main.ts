import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ArgumentError } from '../errors/errors.js';
import { removeTempFilesNow } from '../util/atomic-file.js';
import { buildCommand } from './build.js';
import { diffCommand } from './diff.js';
import { Output } from './output.js';
import { patchCommand } from './patch.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

let signalsHandled = false;

/** On Ctrl-C or a kill, remove any half-written output before exiting as the signal would. */
function cleanUpOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      removeTempFilesNow();
      process.exit(code);
    });
  }
}

/** Runs the command line; resolves to the exit code (0 ok, 1 failure, 2 wrong usage). */
export async function main(argv: string[]): Promise<number> {
  cleanUpOnSignals();
  const out = new Output();
  const program = new Command('deltasync')
    .description('Delta transfer of files: fetch only the blocks you lack, verify every byte.')
    .version(pkg.version, '-V, --version')
    .option('--json', 'print the result as one JSON object')
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .hook('preAction', () => {
      out.json = program.opts().json === true;
    });
  // Commander's own usage errors read like ours: one line, named after the program.
  const outputError = (str: string, write: (s: string) => void) => write(str.replace(/^error: /, 'deltasync: '));
  program.configureOutput({ outputError });
  for (const make of [buildCommand, diffCommand, patchCommand]) {
    program.addCommand(make(out).exitOverride().configureOutput({ outputError }));
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    out.endProgress();
    if (err instanceof InvalidArgumentError || err instanceof ArgumentError) {
      // An action found its arguments inconsistent, or the library refused a value given on the command line.
      process.stderr.write(`deltasync: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    const debug = program.opts().debug === true || argv.includes('--debug');
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`deltasync: ${message}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
