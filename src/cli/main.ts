import { Command, CommanderError, InvalidArgumentError } from './commander.js';
import { ArgumentError, DeltasyncError } from '../errors/errors.js';
import { removeTempFilesNow } from '../util/atomic-file.js';
import { buildCommand } from './build.js';
import { diffCommand } from './diff.js';
import { Output } from './output.js';
import { packageVersion } from './version.js';
import { patchCommand } from './patch.js';
import { serveCommand } from './serve.js';

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

/** The file or URL an error is about: its own, or the command-line argument its message names. */
function fileOf(err: unknown, argv: string[]): string | undefined {
  const message = err instanceof Error ? err.message : '';
  const named = argv.find((a) => !a.startsWith('-') && a.length > 1 && (message.startsWith(`${a}:`) || message.includes(` ${a}:`)));
  // Otherwise a file the library derived (a reference next to its index): its messages say
  // `cannot <do> <path>: …` or start with the URL.
  return named ?? /^cannot [a-z ]+? (\S+): /.exec(message)?.[1] ?? /^(https?:\/\/\S+?): /.exec(message)?.[1];
}

/** Runs the command line; resolves to the exit code (0 ok, 1 failure, 2 wrong usage). */
export async function main(argv: string[]): Promise<number> {
  cleanUpOnSignals();
  const out = new Output();
  // Known before parsing, so that usage errors too come out as JSON.
  out.json = argv.includes('--json');
  const program = new Command('deltasync')
    .description('Delta transfer of files: fetch only the blocks you lack, verify every byte.')
    .option('-V, --version', 'print the version')
    .option('--json', 'print the result (or the error) as one JSON object on stdout')
    .option('-q, --quiet', 'no progress display and no warnings')
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .hook('preAction', async () => {
      out.json = program.opts().json === true;
      out.quiet = program.opts().quiet === true;
      await out.prepareProgress();
    });
  // Commander's own usage errors read like ours: one line, named after the program.
  const outputError = (str: string, write: (s: string) => void) => {
    if (out.json) out.error(str.replace(/^error: /, '').trim(), 'EUSAGE', undefined);
    else write(str.replace(/^error: /, 'deltasync: '));
  };
  program.configureOutput({ outputError });
  for (const make of [buildCommand, diffCommand, patchCommand, serveCommand]) {
    program.addCommand(make(out).exitOverride().configureOutput({ outputError }));
  }
  if (argv[0] === '-V' || argv[0] === '--version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (program.opts().version) process.stdout.write(`${packageVersion()}\n`);
    return 0;
  } catch (err) {
    if (err instanceof InvalidArgumentError || err instanceof ArgumentError) {
      // An action found its arguments inconsistent, or the library refused a value given on the command line.
      out.error(err.message, err instanceof ArgumentError ? err.code : 'EUSAGE', fileOf(err, argv));
      return 2;
    }
    if (err instanceof CommanderError) {
      // --help exits through here with code 0; usage errors were printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    const debug = argv.includes('--debug');
    const message = err instanceof Error ? err.message : String(err);
    out.error(message, err instanceof DeltasyncError ? err.code : 'EINTERNAL', fileOf(err, argv));
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
