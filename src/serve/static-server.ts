import type { Stats } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkPath, fsError } from '../errors/errors.js';
import { ifRangeHolds, preconditionStatus, type Validators } from './conditions.js';
import { type HttpRange, parseRangeHeader } from './range-header.js';
import { resolveInside } from './safe-path.js';

/** Options of {@link startStaticServer}. */
export interface StaticServerOptions {
  /** The folder served. Nothing outside it (after following links) is ever read. */
  root: string;
  /** Address to listen on; `127.0.0.1` unless given. */
  host?: string;
  /** Port; 0 (the default) takes a free one. */
  port?: number;
  /** Called with one line per request (method, path, status, bytes, time) when given. */
  log?: (line: string) => void;
}

/** A running {@link startStaticServer}. */
export interface StaticServer {
  /** `http://host:port/`, the folder's root. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends every open connection; resolves when the server is closed. */
  close(): Promise<void>;
}

function validatorsOf(st: Stats): Validators {
  const mtimeSeconds = Math.floor(st.mtimeMs / 1000);
  return {
    etag: `"${st.ino.toString(16)}-${st.size.toString(16)}-${Math.floor(st.mtimeMs * 1000).toString(16)}"`,
    lastModified: new Date(mtimeSeconds * 1000).toUTCString(),
    mtimeSeconds,
  };
}

/** Waits until `res` takes more data; rejects if the client goes away first. */
function drained(res: ServerResponse): Promise<void> {
  // A response whose client already left never drains and has already emitted 'close'.
  if (res.destroyed) return Promise.reject(new Error('the client closed the connection'));
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the client closed the connection'));
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** Writes bytes `r.start`…`r.end` of the open file, leaving the response open (several parts may follow). */
async function sendRange(res: ServerResponse, fh: FileHandle, r: HttpRange): Promise<void> {
  // Read by hand: a read stream closes its descriptor when it ends, and later parts need it.
  for (let pos = r.start; pos <= r.end; ) {
    const n = Math.min(64 * 1024, r.end + 1 - pos);
    const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(n), 0, n, pos);
    if (bytesRead === 0) return; // the file was cut short since
    pos += bytesRead;
    if (!res.write(buffer.subarray(0, bytesRead))) await drained(res);
  }
}

/** Answers one request for a file that exists inside the root, open as `file` (every part is read from this one version). */
async function sendFile(req: IncomingMessage, res: ServerResponse, file: FileHandle, st: Stats): Promise<void> {
  const v = validatorsOf(st);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', v.etag);
  res.setHeader('Last-Modified', v.lastModified);
  const pre = preconditionStatus(req, v);
  if (pre !== undefined) {
    res.writeHead(pre).end();
    return;
  }
  const head = req.method === 'HEAD';
  const asked = ifRangeHolds(req, v) ? parseRangeHeader(req.headers.range, st.size) : { kind: 'whole' as const };
  if (asked.kind === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${st.size}`, 'Content-Length': 0 }).end();
    return;
  }
  if (asked.kind === 'whole' || asked.ranges.length === 1) {
    const r = asked.kind === 'whole' ? { start: 0, end: st.size - 1 } : asked.ranges[0];
    const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream', 'Content-Length': r.end - r.start + 1 };
    if (asked.kind === 'ranges') headers['Content-Range'] = `bytes ${r.start}-${r.end}/${st.size}`;
    res.writeHead(asked.kind === 'whole' ? 200 : 206, headers);
    if (!head) await sendRange(res, file, r);
    res.end();
    return;
  }
  const boundary = `deltasync-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  // Every part starts on a new line, the first too, as nginx and Apache write it: the zsync 0.6.2
  // client throws away one line before each boundary, and without it looped for ever.
  const partHead = (r: HttpRange) =>
    `\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes ${r.start}-${r.end}/${st.size}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = asked.ranges.reduce((n, r) => n + Buffer.byteLength(partHead(r)) + r.end - r.start + 1, Buffer.byteLength(tail));
  res.writeHead(206, { 'Content-Type': `multipart/byteranges; boundary=${boundary}`, 'Content-Length': length });
  if (!head) {
    for (const r of asked.ranges) {
      res.write(partHead(r));
      await sendRange(res, file, r);
    }
    res.write(tail);
  }
  res.end();
}

/**
 * Serves the files of a folder over HTTP/1.1, as a plain static server does: GET and HEAD,
 * single and multiple byte ranges (multipart/byteranges), ETag and Last-Modified with their
 * preconditions and `If-Range`, 416 for unsatisfiable ranges. No path outside the folder is
 * served: `..`, encoded dots and slashes, and links that lead out are answered 404. Folders are
 * not listed.
 *
 * @example
 * ```ts
 * const server = await startStaticServer({ root: '/srv/releases', port: 8080, log: console.error });
 * // … later
 * await server.close();
 * ```
 */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  checkPath('root', options.root);
  const host = options.host ?? '127.0.0.1';
  let root: string;
  try {
    root = await realpath(options.root);
    if (!(await stat(root)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (err) {
    throw fsError(err, options.root, 'serve');
  }
  const log = options.log;
  const server = createServer((req, res) => {
    const started = performance.now();
    let sent = 0;
    if (log) {
      const write = res.write.bind(res);
      res.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        sent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        return write(chunk, ...rest);
      }) as typeof res.write;
      res.on('close', () =>
        log(`${req.socket.remoteAddress ?? '-'} ${req.method} ${req.url} ${res.statusCode} ${sent} ${(performance.now() - started).toFixed(1)}ms${req.headers.range ? ` range=${req.headers.range}` : ''}`),
      );
    }
    handle(req, res).catch(() => res.destroy());
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 }).end();
      return;
    }
    const pathname = (req.url ?? '/').split('?')[0];
    const path = pathname.startsWith('/') ? await resolveInside(root, pathname) : undefined;
    // Stat before opening (opening a FIFO would block); then the open file's own stat, so that the
    // validators and every byte sent are of the one version opened, even if the file is replaced.
    const file = path && (await stat(path).catch(() => undefined))?.isFile() ? await open(path, 'r').catch(() => undefined) : undefined;
    const st = file ? await file.stat().catch(() => undefined) : undefined;
    if (!file || !st?.isFile()) {
      await file?.close();
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 }).end(req.method === 'HEAD' ? undefined : 'not found\n');
      return;
    }
    try {
      await sendFile(req, res, file, st);
    } finally {
      await file.close();
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
