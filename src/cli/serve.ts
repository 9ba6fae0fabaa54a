import { Command, InvalidArgumentError } from './commander.js';
import { wholeNumber } from './options.js';
import type { Output } from './output.js';

interface ServeFlags {
  port: number;
  host: string;
  verbose?: boolean;
}

function portArg(value: string): number {
  const n = wholeNumber(value);
  if (n > 65535) throw new InvalidArgumentError('must be from 0 to 65535.');
  return n;
}

/** `deltasync serve <dir>`: a static HTTP server for a folder, with byte ranges, until SIGINT or SIGTERM. */
export function serveCommand(out: Output): Command {
  return new Command('serve')
    .summary('serve a folder over HTTP, with byte ranges, for patch')
    .description(
      'Serve the files of <dir> over HTTP: GET and HEAD, single and multiple byte ranges, ETag and Last-Modified, If-Range. Nothing outside <dir> is served (links that lead out included); folders are not listed. Runs until interrupted (Ctrl-C) or terminated.',
    )
    .argument('<dir>', 'the folder to serve')
    .option('--port <n>', 'port to listen on (0: any free port)', portArg, 8080)
    .option('--host <address>', 'address to listen on (0.0.0.0 or :: for every interface)', '127.0.0.1')
    .option('-v, --verbose', 'print one line per request on stderr')
    .action(async (dir: string, flags: ServeFlags) => {
      const { startStaticServer } = await import('../serve/static-server.js');
      const server = await startStaticServer({
        root: dir,
        host: flags.host,
        port: flags.port,
        log: flags.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
      });
      out.result({ root: dir, url: server.url, port: server.port }, `Serving ${dir} at ${server.url} (Ctrl-C stops)`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, stop);
          // Ahead of the program's own handlers, which exit at once: the server stops accepting first.
          server.close().then(resolve, resolve);
        };
        for (const s of ['SIGINT', 'SIGTERM'] as const) process.prependListener(s, stop);
      });
    });
}
