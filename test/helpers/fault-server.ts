import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type HttpRange, parseRangeHeader } from '../../src/serve/range-header.js';
import type { BlockSource, ByteRange, FetchOptions } from '../../src/source/block-source.js';

/** What the fault server does with one GET (HEAD requests are always answered normally). */
export type Fault =
  | { kind: 'normal' }
  /** Sends the headers and the first `after` bytes of the body (default: half), then drops the connection. */
  | { kind: 'drop'; after?: number }
  /** Answers 200 with the whole file, as a server that ignores Range. */
  | { kind: 'ignore-range' }
  /** Answers a multi-range request with its first range only, as a plain 206. */
  | { kind: 'first-part-only' }
  /** Answers normally, with every byte of the content inverted. */
  | { kind: 'wrong-bytes' }
  /** Answers with this status (and an optional Retry-After, in seconds). */
  | { kind: 'status'; status: number; retryAfter?: number }
  /** Sends the headers and `after` bytes (default: half), then nothing until the client gives up. */
  | { kind: 'stall'; after?: number }
  /** Replaces the file (new content, so a new ETag) before answering. */
  | { kind: 'replace'; data: Uint8Array }
  /** Answers normally but labels the body `Content-Encoding: gzip`. */
  | { kind: 'encoded' }
  /** Answers 302 to `to` (a URL). */
  | { kind: 'redirect'; to: string };

/** One request as the server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

/** A running {@link faultServer}. */
export interface FaultServer {
  /** The file's URL. */
  readonly url: string;
  /** The server's origin, `http://127.0.0.1:port`. */
  readonly origin: string;
  /** Every request, in order of arrival. */
  readonly requests: SeenRequest[];
  /** Queues faults for the next GET requests, one each; a GET with none queued is answered normally. */
  next(...faults: Fault[]): void;
  /** Answers every GET with `fault` from now on (after the queued ones); `undefined` to stop. */
  always(fault: Fault | undefined): void;
  /** Replaces the file now. */
  replace(data: Uint8Array): void;
  close(): Promise<void>;
}

function etagOf(data: Uint8Array): string {
  return `"${createHash('sha256').update(data).digest('hex').slice(0, 16)}"`;
}

/**
 * A node:http server on 127.0.0.1 that serves one file (at any path) with ETag, If-Match and
 * single and multi-range answers, and misbehaves on request as told by {@link FaultServer.next}:
 * for testing what a client does with broken servers and networks.
 */
export async function faultServer(initial: Uint8Array): Promise<FaultServer> {
  let data = initial;
  let etag = etagOf(data);
  const queue: Fault[] = [];
  let standing: Fault | undefined;
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  function body(res: ServerResponse, chunks: Uint8Array[], fault: Fault): void {
    const all = Buffer.concat(chunks);
    if (fault.kind === 'wrong-bytes') for (let i = 0; i < all.length; i++) all[i] ^= 0xff;
    if (fault.kind === 'drop' || fault.kind === 'stall') {
      const cut = Math.min(all.length - 1, fault.after ?? Math.floor(all.length / 2));
      res.write(all.subarray(0, Math.max(0, cut)));
      if (fault.kind === 'drop') setTimeout(() => res.socket?.destroy(), 20);
      return; // a stall never ends: the client's idle timeout (or close()) does
    }
    res.end(all);
  }

  function answer(req: IncomingMessage, res: ServerResponse): void {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    let fault: Fault = { kind: 'normal' };
    if (req.method === 'GET') fault = queue.shift() ?? standing ?? fault;
    if (fault.kind === 'replace') {
      data = fault.data;
      etag = etagOf(data);
    }
    if (fault.kind === 'redirect') {
      res.writeHead(302, { Location: fault.to, 'Content-Length': 0 }).end();
      return;
    }
    if (fault.kind === 'status') {
      const headers: Record<string, string | number> = { 'Content-Length': 0 };
      if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
      res.writeHead(fault.status, headers).end();
      return;
    }
    const common: Record<string, string> = { ETag: etag, 'Accept-Ranges': 'bytes' };
    if (fault.kind === 'encoded') common['Content-Encoding'] = 'gzip';
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== etag && ifMatch !== '*') {
      res.writeHead(412, { ...common, 'Content-Length': 0 }).end();
      return;
    }
    const ifRange = req.headers['if-range'];
    let asked = parseRangeHeader(req.headers.range, data.length);
    if ((ifRange !== undefined && ifRange !== etag) || fault.kind === 'ignore-range') asked = { kind: 'whole' };
    if (asked.kind === 'unsatisfiable') {
      res.writeHead(416, { ...common, 'Content-Range': `bytes */${data.length}`, 'Content-Length': 0 }).end();
      return;
    }
    const slice = (r: HttpRange) => data.subarray(r.start, r.end + 1);
    const head = req.method === 'HEAD';
    if (asked.kind === 'whole') {
      res.writeHead(200, { ...common, 'Content-Length': data.length });
      if (head) res.end();
      else body(res, [data], fault);
      return;
    }
    if (asked.ranges.length === 1 || fault.kind === 'first-part-only') {
      const r = asked.ranges[0];
      res.writeHead(206, { ...common, 'Content-Length': r.end - r.start + 1, 'Content-Range': `bytes ${r.start}-${r.end}/${data.length}` });
      if (head) res.end();
      else body(res, [slice(r)], fault);
      return;
    }
    const boundary = 'fault-server-boundary';
    const chunks: Uint8Array[] = [];
    for (const r of asked.ranges) {
      chunks.push(Buffer.from(`\r\n--${boundary}\r\nContent-Range: bytes ${r.start}-${r.end}/${data.length}\r\n\r\n`), slice(r));
    }
    chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    const length = chunks.reduce((n, c) => n + c.length, 0);
    res.writeHead(206, { ...common, 'Content-Type': `multipart/byteranges; boundary=${boundary}`, 'Content-Length': length });
    if (head) res.end();
    // The framing is not inverted by wrong-bytes: only the parts' content is.
    else if (fault.kind === 'wrong-bytes') {
      res.end(Buffer.concat(chunks.map((c, i) => (i % 2 === 1 && i < chunks.length - 1 ? Buffer.from(c).map((b) => b ^ 0xff) : c))));
    } else body(res, chunks, fault);
  }

  const server = createServer(answer);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/ref.bin`,
    origin,
    requests,
    next: (...faults) => queue.push(...faults),
    always: (fault) => (standing = fault),
    replace(d) {
      data = d;
      etag = etagOf(d);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Fetches `ranges` from a source and returns copies of the bytes yielded. */
export async function fetchAll(source: BlockSource, ranges: readonly ByteRange[], options?: FetchOptions): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const b of source.fetch(ranges, options)) out.push(b.slice());
  return out;
}

/** Asserts that `got[i]` holds the bytes of `ranges[i]` in `data`, for every range. */
export function assertRanges(got: readonly Uint8Array[], ranges: readonly ByteRange[], data: Uint8Array): void {
  assert.equal(got.length, ranges.length, 'one answer per range');
  ranges.forEach((r, i) => {
    const want = data.subarray(r.offset, r.offset + r.length);
    if (Buffer.compare(got[i], want) !== 0) assert.fail(`range ${i} (${r.offset}+${r.length}): wrong bytes`);
  });
}
