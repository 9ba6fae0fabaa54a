import { STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import { ArgumentError, checkCount, DeltasyncError } from '../errors/errors.js';
import type { BlockSource, ByteRange, FetchOptions, SourceExpectations } from './block-source.js';
import { coalesce, deliver, overlapsAny, parseContentRange, rangeHeader, type Span } from './http-ranges.js';
import { backoff, describeNetworkError, isFatalNetworkError, parseRetryAfter, pause, RetryableError } from './http-retry.js';
import { ByteRangesParser, byteRangesBoundary } from './multipart.js';

// Loaded by require, not import: undici is CommonJS, and an import has Node parse all of it a
// second time to find its exports (about 20 ms at every start, measured with --cpu-prof). Only
// its Agent and request(): undici's index also loads fetch, WebSocket, mocks and caches, which
// cost 25-30 ms more at every start (require of the index 50-73 ms, of these two 24-35 ms).
// undici's package.json has no "exports", so these paths are open to require; its index adds
// request() to every dispatcher the same way, by assignment.
const requireHere = createRequire(import.meta.url);
const Agent = requireHere('undici/lib/dispatcher/agent.js') as typeof import('undici').Agent;
type Agent = InstanceType<typeof Agent>;
const request = requireHere('undici/lib/api/api-request.js') as (this: Agent, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

/** Retries of one request, with progress or not, are at most this many times the `retries` option. */
const PROGRESS_RETRIES = 10;

/** Options of {@link httpSource}. */
export interface HttpSourceOptions {
  /** Connections to the server at once (default 8). */
  connections?: number;
  /** Requests sent ahead on each connection (HTTP/1.1 pipelining; default 1, none). */
  pipelining?: number;
  /**
   * Ranges whose gap is at most this many bytes are fetched as one. By default 512 bytes while the
   * server takes several ranges per request (another range costs a multipart part header, ~100
   * bytes, so fetching unneeded bytes to save one rarely pays), and 16 KiB once it takes one range
   * per request (another range then costs a request: ~0.5 KiB of headers each way and a wait for
   * a free connection, more than 16 KiB takes on any link slower than ~1 Gbit/s with a round trip
   * of a millisecond or more).
   */
  coalesceGap?: number;
  /**
   * The most ranges asked in one request (default 64: a Range header of about 1.3 KiB, well
   * within what servers take; fewer from the first answer that shows a server takes fewer).
   */
  maxRangesPerRequest?: number;
  /** Bytes asked in one request, beyond its first range (default 4 MiB). */
  maxRequestBytes?: number;
  /**
   * Bytes below which ranges are not split over more requests (default 256 KiB). Another request
   * costs its headers both ways (~0.5 KiB) and its multipart framing, and on a new connection a
   * round trip to open it (two or three with TLS), during which a connection already open sends
   * a congestion window or more: split over two connections, one of them new, 256 KiB arrive no
   * sooner than on one. Zero spreads ranges over every connection whatever their size.
   */
  minRequestBytes?: number;
  /** Bytes fetched ahead of what the caller has taken (default 32 MiB; at least one request's worth). */
  readAhead?: number;
  /** Headers sent with every request (tokens, cookies), as an object or as `Name: value` lines. */
  headers?: Readonly<Record<string, string>> | readonly string[];
  /** Certificates (PEM text) to trust for HTTPS, e.g. a private CA. */
  ca?: string;
  /** Milliseconds to establish a connection (default 10 s). */
  connectTimeout?: number;
  /** Milliseconds without any byte from the server before a request is given up and retried (default 30 s). */
  idleTimeout?: number;
  /**
   * Retries of one request after a reset, timeout, 429/5xx or short body (default 5). The count
   * starts again after a try that received more of the request's ranges: the limit is on retries
   * in a row that bring nothing. Retries with progress are bounded too, at ten times this: a
   * server that sends a few bytes a try is given up on.
   */
  retries?: number;
  /** First wait before a retry, in milliseconds; doubles each time (default 500). */
  retryDelay?: number;
  /** The longest wait before a retry, also for a server's Retry-After (default 30 s). */
  maxRetryDelay?: number;
  /** Redirects followed (default 5). */
  maxRedirects?: number;
  /** Told of things that work but not as they should, e.g. a server that ignores Range. */
  onWarning?: (message: string) => void;
}

/** What an {@link HttpSource} did so far. */
export interface HttpSourceStats {
  /** HTTP requests sent, redirects and retries included. */
  requests: number;
  /** Byte ranges asked for. */
  ranges: number;
  /** Requests that were tried again. */
  retries: number;
  /** Redirects followed. */
  redirects: number;
  /** Bytes of the reference received (content only). */
  bodyBytes: number;
  /** Bytes received: status lines, headers and bodies, multipart framing and unneeded bytes included. */
  wireBytes: number;
  /** Bytes sent: request lines and headers. */
  sentBytes: number;
}

/** A {@link BlockSource} over HTTP, with statistics. */
export interface HttpSource extends BlockSource {
  /** The URL requests go to now: the one given, or where it redirected. */
  readonly url: string;
  /** A copy of the counters so far. */
  readonly stats: HttpSourceStats;
  /**
   * Downloads the whole file (an index, say), with the same retries and redirects as ranges;
   * refuses one larger than `maxBytes` (code `EFORMAT`) before reading it.
   */
  readAll(maxBytes: number, signal?: AbortSignal): Promise<Uint8Array>;
}

/** Parses a `Name: value` header line (as given to `-H`); throws an ArgumentError otherwise. */
export function parseHeaderLine(line: string): [string, string] {
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*?)\s*$/.exec(line);
  if (!m) throw new ArgumentError(`not a header (Name: value): ${line}`);
  return [m[1], m[2]];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials: never sent to another origin than the one the user named. */
const CREDENTIALS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** What one fetch call shares between its requests. */
interface Transfer {
  readonly signal: AbortSignal;
  /** The whole-file answer being read, when the server ignores Range. */
  whole?: { iter: AsyncIterator<Buffer>; body: Dispatcher.ResponseData['body']; pos: number; last?: Buffer };
  /** Spans of every job waiting on `whole`: each piece read is given to all of them, not only the reader's. */
  wholeWaiting?: Set<Span>;
  /** Serialises readers of `whole`. */
  wholeTurn: Promise<void>;
}

interface Response {
  res: Dispatcher.ResponseData;
  url: URL;
}

function headerBytes(statusCode: number, headers: IncomingHttpHeaders): number {
  let n = `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}\r\n\r\n`.length;
  for (const [k, v] of Object.entries(headers)) {
    for (const one of Array.isArray(v) ? v : [v]) n += k.length + 4 + Buffer.byteLength(String(one));
  }
  return n;
}

/** Stops reading an answer (undici reports a destroyed body as an error: nobody needs to hear it). */
function drop(body: Dispatcher.ResponseData['body'] | undefined): void {
  if (!body || body.destroyed) return;
  body.on('error', () => {});
  body.destroy();
}

function refusedConnection(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return e?.code === 'ECONNREFUSED' || e?.cause?.code === 'ECONNREFUSED';
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Bytes received so far of the spans. */
function receivedOf(spans: readonly Span[]): number {
  return spans.reduce((n, s) => n + s.got, 0);
}

function describeRanges(spans: readonly Span[]): string {
  const s = spans[0];
  const first = `bytes ${s.offset + s.got}-${s.offset + s.length - 1}`;
  return spans.length > 1 ? `${first} (and ${spans.length - 1} more ranges)` : first;
}

class HttpBlockSource implements HttpSource {
  readonly name: string;
  readonly #origin: string;
  #url: URL;
  readonly #agent: Agent;
  readonly #headers: Record<string, string>;
  readonly #opt: Required<Omit<HttpSourceOptions, 'headers' | 'ca' | 'onWarning'>>;
  readonly #onWarning?: (message: string) => void;
  readonly #stats: HttpSourceStats = { requests: 0, ranges: 0, retries: 0, redirects: 0, bodyBytes: 0, wireBytes: 0, sentBytes: 0 };
  #size?: number;
  #etag?: string;
  #lastModified?: string;
  /** Ranges per request that the server has shown it takes; only ever lowered. */
  #maxRanges: number;
  /** The server answered a single range with the whole file. */
  #ignoresRange = false;

  constructor(url: URL, options: HttpSourceOptions) {
    const o = options;
    this.#opt = {
      connections: o.connections ?? 8,
      pipelining: o.pipelining ?? 1,
      coalesceGap: o.coalesceGap ?? -1,
      maxRangesPerRequest: o.maxRangesPerRequest ?? 64,
      maxRequestBytes: o.maxRequestBytes ?? 4 * 1024 * 1024,
      minRequestBytes: o.minRequestBytes ?? 256 * 1024,
      readAhead: o.readAhead ?? 32 * 1024 * 1024,
      connectTimeout: o.connectTimeout ?? 10_000,
      idleTimeout: o.idleTimeout ?? 30_000,
      retries: o.retries ?? 5,
      retryDelay: o.retryDelay ?? 500,
      maxRetryDelay: o.maxRetryDelay ?? 30_000,
      maxRedirects: o.maxRedirects ?? 5,
    };
    for (const k of ['connections', 'pipelining', 'maxRangesPerRequest', 'maxRequestBytes', 'readAhead', 'connectTimeout', 'idleTimeout'] as const) {
      checkCount(k, this.#opt[k]);
    }
    if (o.coalesceGap !== undefined && (!Number.isSafeInteger(o.coalesceGap) || o.coalesceGap < 0)) {
      throw new ArgumentError(`coalesceGap must be a whole number ≥ 0, not ${o.coalesceGap}`);
    }
    for (const k of ['retries', 'retryDelay', 'maxRetryDelay', 'maxRedirects', 'minRequestBytes'] as const) {
      if (!Number.isSafeInteger(this.#opt[k]) || this.#opt[k] < 0) throw new ArgumentError(`${k} must be a whole number ≥ 0, not ${this.#opt[k]}`);
    }
    this.#onWarning = o.onWarning;
    this.#headers = {};
    const given = Array.isArray(o.headers) ? (o.headers as readonly string[]).map(parseHeaderLine) : Object.entries(o.headers ?? {});
    for (const [k, v] of given) this.#headers[k.toLowerCase()] = v;
    if (url.username || url.password) {
      // Credentials in the URL become a header, and stay out of every message.
      this.#headers.authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    this.name = url.href;
    this.#origin = url.origin;
    this.#url = url;
    this.#maxRanges = this.#opt.maxRangesPerRequest;
    this.#agent = new Agent({
      connections: this.#opt.connections,
      pipelining: this.#opt.pipelining,
      connect: { timeout: this.#opt.connectTimeout, ...(o.ca ? { ca: o.ca } : {}) },
      headersTimeout: this.#opt.idleTimeout,
      bodyTimeout: this.#opt.idleTimeout,
    });
  }

  get url(): string {
    return this.#url.href;
  }

  get stats(): HttpSourceStats {
    return { ...this.#stats };
  }

  async readAll(maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
    const s = signal ?? new AbortController().signal;
    // One GET, no HEAD first: an index is small, and a round trip saved is 50 ms on a slow link.
    return this.#withRetries('GET', s, async () => {
      const { res, url } = await this.#send('GET', {}, s);
      try {
        if (res.statusCode !== 200) {
          this.#checkStatus(res.statusCode, res.headers, url, 'GET');
          throw new DeltasyncError(`${url.href}: expected the whole file, got HTTP ${res.statusCode}`, 'EHTTP');
        }
        this.#checkVersion(res.headers, url);
        const length = one(res.headers['content-length']);
        const tooLarge = (n: number | string) => new DeltasyncError(`${this.name}: ${n} bytes is more than the ${maxBytes} allowed here`, 'EFORMAT');
        if (length !== undefined && Number(length) > maxBytes) throw tooLarge(length);
        const chunks: Buffer[] = [];
        let n = 0;
        try {
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            n += chunk.length;
            if (n > maxBytes) throw tooLarge(`more than ${maxBytes}`);
            chunks.push(chunk);
          }
        } catch (err) {
          throw this.#asRetryable(err, s);
        }
        this.#stats.wireBytes += n;
        this.#stats.bodyBytes += n;
        if (length !== undefined && n !== Number(length)) throw new RetryableError(`the answer ended at byte ${n} of ${length}`, 'ESHORT');
        this.#size = n;
        return new Uint8Array(Buffer.concat(chunks, n));
      } finally {
        drop(res.body);
      }
    });
  }


  async prepare(expect: SourceExpectations): Promise<void> {
    const signal = expect.signal ?? new AbortController().signal;
    const size = await this.#withRetries('HEAD', signal, () => this.#probeSize(signal));
    if (size !== expect.size) {
      throw new DeltasyncError(`${this.name}: the reference is ${size} bytes, its index describes ${expect.size}`, 'ECHANGED');
    }
    this.#size = size;
    if (expect.validator !== undefined && this.#etag !== expect.validator && this.#lastModified !== expect.validator) {
      const has = this.#etag ?? this.#lastModified ?? 'no validator';
      throw new DeltasyncError(`${this.name}: the server has version ${has}, the index describes ${expect.validator}`, 'ECHANGED');
    }
  }

  /** Asks for the size with HEAD, or with a one-byte GET where HEAD is refused. */
  async #probeSize(signal: AbortSignal): Promise<number> {
    const head = await this.#send('HEAD', {}, signal);
    const status = head.res.statusCode;
    await head.res.body.dump().catch(() => {});
    if (status === 200) {
      this.#checkVersion(head.res.headers, head.url);
      const length = one(head.res.headers['content-length']);
      // A server that says it takes byte ranges is believed; one that does not say is asked for
      // one byte first, so that one that ignores ranges is known before many requests go out at
      // once (each of which would start sending the whole file).
      const advertised = /\bbytes\b/i.test(one(head.res.headers['accept-ranges']) ?? '');
      if (length !== undefined && /^\d+$/.test(length) && advertised) return Number(length);
    } else if (status !== 405 && status !== 501) {
      // HEAD refused as a method (405, 501): the one-byte GET below asks instead.
      this.#checkStatus(status, head.res.headers, head.url, 'HEAD');
    }
    const { res, url } = await this.#send('GET', { range: 'bytes=0-0' }, signal);
    try {
      if (res.statusCode === 206 || res.statusCode === 416) {
        const cr = parseContentRange(one(res.headers['content-range']));
        if (cr?.complete !== undefined) {
          if (res.statusCode === 206) this.#checkVersion(res.headers, url);
          return cr.complete;
        }
      } else if (res.statusCode === 200) {
        this.#checkVersion(res.headers, url);
        this.#noteIgnoresRange();
        const length = one(res.headers['content-length']);
        if (length !== undefined && /^\d+$/.test(length)) return Number(length);
      } else {
        this.#checkStatus(res.statusCode, res.headers, url, 'bytes 0-0');
      }
      throw new DeltasyncError(`${url.href}: the server does not say how large the file is`, 'EHTTP');
    } finally {
      drop(res.body);
    }
  }

  #noteIgnoresRange(): void {
    if (this.#ignoresRange) return;
    this.#ignoresRange = true;
    this.#onWarning?.(`${this.name}: the server ignores Range requests and sends the whole file; reading it through once`);
  }

  async *fetch(ranges: readonly ByteRange[], options: FetchOptions = {}): AsyncGenerator<Uint8Array> {
    for (const r of ranges) {
      if (!Number.isSafeInteger(r.offset) || !Number.isSafeInteger(r.length) || r.offset < 0 || r.length < 0 || (this.#size !== undefined && r.offset + r.length > this.#size)) {
        throw new ArgumentError(`${this.name}: range ${r.offset}+${r.length} is not inside the reference${this.#size === undefined ? '' : ` (${this.#size} bytes)`}`);
      }
    }
    options.signal?.throwIfAborted();
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(options.signal!.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const transfer: Transfer = { signal: ctl.signal, wholeTurn: Promise.resolve() };
    const gap = this.#opt.coalesceGap >= 0 ? this.#opt.coalesceGap : this.#maxRanges > 1 ? 512 : 16 * 1024;
    const { spans, spanOf } = coalesce(ranges, gap, this.#opt.maxRequestBytes);
    interface Job {
      readonly end: number;
      readonly bytes: number;
      readonly done: Promise<void>;
    }
    const jobs: Job[] = [];
    const concurrency = this.#opt.connections * this.#opt.pipelining;
    let nextSpan = 0;
    let inflight = 0;
    let buffered = 0;
    // Bytes of spans[i..] (the ranges left from span i).
    const left = new Float64Array(spans.length + 1);
    for (let i = spans.length - 1; i >= 0; i--) left[i] = left[i + 1] + spans[i].length;
    const pump = () => {
      while (nextSpan < spans.length && inflight < concurrency && (buffered === 0 || buffered + spans[nextSpan].length <= this.#opt.readAhead)) {
        // The bytes left, spread over the requests that can go out now, each worth a request of
        // its own (minRequestBytes): in parallel while there is enough for the connections to
        // spare, and none left waiting for a second round trip when it all fits in this one.
        const requests = Math.max(1, Math.min(concurrency - inflight, Math.floor(left[nextSpan] / this.#opt.minRequestBytes)));
        const share = left[nextSpan] / requests;
        const perRequest = Math.min(this.#maxRanges, Math.ceil((spans.length - nextSpan) / requests));
        const start = nextSpan;
        let bytes = 0;
        // Spans of one request do not overlap: servers answer ranges that add up to more than
        // the file with the whole file (nginx), or merge them (RFC 9110 allows either).
        while (
          nextSpan < spans.length &&
          nextSpan - start < perRequest &&
          (bytes === 0 || (bytes < share && bytes + spans[nextSpan].length <= this.#opt.maxRequestBytes && !overlapsAny(spans, start, nextSpan, spans[nextSpan])))
        ) {
          const s = spans[nextSpan++];
          s.buf = new Uint8Array(s.length);
          bytes += s.length;
        }
        inflight++;
        buffered += bytes;
        const done = this.#runJob(spans.slice(start, nextSpan), transfer).finally(() => {
          inflight--;
          if (!ctl.signal.aborted) pump();
        });
        done.catch(() => {}); // awaited in order below; a failure ahead of it must not go unhandled
        jobs.push({ end: nextSpan, bytes, done });
      }
    };
    try {
      let j = 0;
      for (const [i, r] of ranges.entries()) {
        const s = spanOf[i];
        if (s < 0) {
          yield new Uint8Array(0);
          continue;
        }
        while (j < jobs.length && s >= jobs[j].end) {
          buffered -= jobs[j].bytes;
          // The caller has had every range of this job's spans: the source need not hold them.
          for (let k = j > 0 ? jobs[j - 1].end : 0; k < jobs[j].end; k++) spans[k].buf = undefined;
          j++;
        }
        pump();
        await jobs[j].done;
        const span = spans[s];
        yield span.buf!.subarray(r.offset - span.offset, r.offset - span.offset + r.length);
      }
    } catch (err) {
      throw options.signal?.aborted ? options.signal.reason : err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      ctl.abort(new DeltasyncError(`${this.name}: transfer ended`, 'EABORT'));
      drop(transfer.whole?.body);
      for (const s of spans) s.buf = undefined;
    }
  }

  /** Fetches every span of one request, retrying and resuming where a try stopped. */
  async #runJob(spans: readonly Span[], transfer: Transfer): Promise<void> {
    const { signal } = transfer;
    let failures = 0;
    let tries = 0;
    for (;;) {
      const pending = spans.filter((s) => s.got < s.length);
      if (pending.length === 0) return;
      signal.throwIfAborted();
      const receivedBefore = receivedOf(spans);
      try {
        if (this.#ignoresRange) await this.#readWhole(pending, transfer);
        else await this.#tryRanges(pending.slice(0, this.#maxRanges), transfer);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (!(err instanceof RetryableError)) throw err;
        drop(transfer.whole?.body);
        transfer.whole = undefined;
        // A try that received more of the spans starts the count again: only retries in a row
        // without progress run out, so a long transfer over a flaky link is not given up on.
        if (receivedOf(spans) > receivedBefore) failures = 0;
        if (++failures > this.#opt.retries) {
          throw new DeltasyncError(`${this.name}: ${describeRanges(pending)}: ${err.message}; gave up after ${this.#opt.retries} retries`, err.code);
        }
        if (++tries > PROGRESS_RETRIES * this.#opt.retries) {
          throw new DeltasyncError(`${this.name}: ${describeRanges(pending)}: ${err.message}; gave up after ${tries - 1} retries, each with only part of the answer`, err.code);
        }
        this.#stats.retries++;
        await pause(backoff(failures, this.#opt.retryDelay, this.#opt.maxRetryDelay, err.retryAfter), signal);
      }
    }
  }

  /** Runs a step that may fail for a while (a request, a probe), retrying it with backoff. */
  async #withRetries<T>(what: string, signal: AbortSignal, step: () => Promise<T>): Promise<T> {
    for (let failures = 0; ; ) {
      signal.throwIfAborted();
      try {
        return await step();
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (!(err instanceof RetryableError)) throw err;
        if (++failures > this.#opt.retries) {
          throw new DeltasyncError(`${this.name}: ${what}: ${err.message}; gave up after ${this.#opt.retries} retries`, err.code);
        }
        this.#stats.retries++;
        await pause(backoff(failures, this.#opt.retryDelay, this.#opt.maxRetryDelay, err.retryAfter), signal);
      }
    }
  }

  /** One request for some spans' missing bytes; leaves them partly filled when the server did not send everything. */
  async #tryRanges(batch: readonly Span[], transfer: Transfer): Promise<void> {
    const { res, url } = await this.#send('GET', { range: rangeHeader(batch), ...this.#conditions() }, transfer.signal);
    this.#stats.ranges += batch.length;
    const status = res.statusCode;
    let handedOver = false;
    try {
      if (status === 206) {
        this.#checkVersion(res.headers, url);
        const parts = await this.#readPartial(res, url, batch);
        if (batch.every((s) => s.got === s.length)) return;
        if (batch.length > 1 && parts < batch.length) {
          // One part, or fewer than asked (as S3 answers): ask fewer at a time from now on.
          this.#lowerMaxRanges(parts <= 1 ? 1 : parts, `answered ${parts} part(s) for ${batch.length} ranges`);
          return;
        }
        throw new RetryableError('the answer ended early', 'ESHORT');
      }
      if (status === 200) {
        this.#checkVersion(res.headers, url);
        if (batch.length > 1) {
          this.#lowerMaxRanges(Math.floor(batch.length / 2), `answered ${batch.length} ranges with the whole file`);
          return;
        }
        this.#noteIgnoresRange();
        if (!transfer.whole) {
          this.#checkWholeLength(res, url);
          transfer.whole = { body: res.body, iter: res.body[Symbol.asyncIterator](), pos: 0 };
          handedOver = true;
        }
        return;
      }
      if (status === 416) {
        const cr = parseContentRange(one(res.headers['content-range']));
        this.#checkSize(cr?.complete, url);
        if (batch.length > 1) {
          this.#lowerMaxRanges(Math.floor(batch.length / 2), `refused ${batch.length} ranges (416)`);
          return;
        }
      }
      this.#checkStatus(status, res.headers, url, describeRanges(batch));
    } catch (err) {
      throw this.#asRetryable(err, transfer.signal);
    } finally {
      if (!handedOver) drop(res.body);
    }
  }

  /** Reads a 206 answer (one range, or multipart/byteranges) into the spans; returns the parts it had. */
  async #readPartial(res: Dispatcher.ResponseData, url: URL, batch: readonly Span[]): Promise<number> {
    const boundary = byteRangesBoundary(one(res.headers['content-type']));
    if (boundary) {
      const parser = new ByteRangesParser(boundary, this.#size, (at, data) => {
        this.#stats.bodyBytes += deliver(batch, at, data);
      });
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        this.#stats.wireBytes += chunk.length;
        try {
          parser.push(chunk);
        } catch (err) {
          throw err instanceof DeltasyncError ? new DeltasyncError(`${url.href}: ${err.message}`, err.code) : err;
        }
      }
      return parser.parts;
    }
    const cr = parseContentRange(one(res.headers['content-range']));
    if (cr?.first === undefined || cr.last === undefined) {
      throw new DeltasyncError(`${url.href}: a 206 answer without a valid Content-Range`, 'EHTTP');
    }
    this.#checkSize(cr.complete, url);
    let at = cr.first;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      this.#stats.wireBytes += chunk.length;
      const n = Math.min(chunk.length, cr.last + 1 - at);
      if (n > 0) this.#stats.bodyBytes += deliver(batch, at, chunk.subarray(0, n));
      at += chunk.length;
    }
    return 1;
  }

  /** Takes the spans' bytes from the whole-file answer as it streams past, starting it again when it is already past them. */
  async #readWhole(pending: readonly Span[], transfer: Transfer): Promise<void> {
    const waiting = (transfer.wholeWaiting ??= new Set());
    for (const sp of pending) waiting.add(sp);
    const previous = transfer.wholeTurn;
    let release!: () => void;
    transfer.wholeTurn = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      for (;;) {
        const open = pending.filter((s) => s.got < s.length);
        if (open.length === 0) return;
        const need = Math.min(...open.map((s) => s.offset + s.got));
        // The piece read last may hold the start of this job's ranges (the job before it stopped
        // reading in its middle): take them from it rather than starting the file again.
        const held = transfer.whole?.last;
        if (held && need < transfer.whole!.pos && need >= transfer.whole!.pos - held.length) {
          this.#stats.bodyBytes += deliver(open, transfer.whole!.pos - held.length, held);
          transfer.whole!.last = undefined;
          continue;
        }
        if (!transfer.whole || need < transfer.whole.pos) {
          drop(transfer.whole?.body);
          transfer.whole = undefined;
          const { res, url } = await this.#send('GET', this.#conditions(), transfer.signal);
          if (res.statusCode !== 200) {
            drop(res.body);
            this.#checkStatus(res.statusCode, res.headers, url, 'the whole file');
            throw new DeltasyncError(`${url.href}: expected the whole file, got HTTP ${res.statusCode}`, 'EHTTP');
          }
          this.#checkVersion(res.headers, url);
          this.#checkWholeLength(res, url);
          transfer.whole = { body: res.body, iter: res.body[Symbol.asyncIterator](), pos: 0 };
        }
        const whole = transfer.whole;
        const next = await whole.iter.next();
        if (next.done) {
          throw new RetryableError(`the whole-file answer ended at byte ${whole.pos}`, 'ESHORT');
        }
        this.#stats.wireBytes += next.value.length;
        this.#stats.bodyBytes += deliver([...waiting], whole.pos, next.value);
        whole.pos += next.value.length;
        whole.last = next.value;
      }
    } catch (err) {
      throw this.#asRetryable(err, transfer.signal);
    } finally {
      for (const sp of pending) waiting.delete(sp);
      release();
    }
  }

  /** Sends a request, following redirects; credentials go only to the origin the user named. */
  async #send(method: 'GET' | 'HEAD', extra: Record<string, string>, signal: AbortSignal): Promise<Response> {
    let url = this.#url;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': 'deltasync', ...this.#headers, 'accept-encoding': 'identity', ...extra };
      if (url.origin !== this.#origin) for (const k of CREDENTIALS) delete headers[k];
      const path = url.pathname + url.search;
      this.#stats.requests++;
      this.#stats.sentBytes += `${method} ${path} HTTP/1.1\r\nhost: ${url.host}\r\n\r\n`.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
      let res: Dispatcher.ResponseData;
      try {
        res = await request.call(this.#agent, { origin: url.origin, path, method, headers, signal });
      } catch (err) {
        throw this.#asRetryable(err, signal);
      }
      this.#stats.wireBytes += headerBytes(res.statusCode, res.headers);
      const location = one(res.headers.location);
      if (!REDIRECTS.has(res.statusCode) || location === undefined) {
        if (hop > 0) this.#url = url; // later requests go straight there
        return { res, url };
      }
      drop(res.body);
      if (hop >= this.#opt.maxRedirects) throw new DeltasyncError(`${this.name}: more than ${this.#opt.maxRedirects} redirects`, 'EHTTP');
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new DeltasyncError(`${url.href}: redirected to something that is not a URL: ${location}`, 'EHTTP');
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new DeltasyncError(`${url.href}: redirected to a URL that is not HTTP: ${next.href}`, 'EHTTP');
      }
      this.#stats.redirects++;
      url = next;
    }
  }

  /** Headers that make the server refuse (412) or send whole (200) what is no longer the version first seen. */
  #conditions(): Record<string, string> {
    if (this.#etag !== undefined && !this.#etag.startsWith('W/')) return { 'if-match': this.#etag, 'if-range': this.#etag };
    if (this.#lastModified !== undefined) return { 'if-unmodified-since': this.#lastModified, 'if-range': this.#lastModified };
    return {};
  }

  /** Refuses a content-encoded answer and one of another version than first seen; remembers the version. */
  #checkVersion(headers: IncomingHttpHeaders, url: URL): void {
    const encoding = one(headers['content-encoding']);
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw new DeltasyncError(`${url.href}: the server sent the file with Content-Encoding ${encoding} though identity was asked; byte ranges of an encoded file cannot be used`, 'EUNSUPPORTED');
    }
    const etag = one(headers.etag);
    const lastModified = one(headers['last-modified']);
    if (this.#etag !== undefined && etag !== undefined && etag !== this.#etag) {
      throw new DeltasyncError(`${url.href}: the file changed on the server during the transfer (ETag ${this.#etag}, now ${etag})`, 'ECHANGED');
    }
    if (this.#etag === undefined && this.#lastModified !== undefined && lastModified !== undefined && lastModified !== this.#lastModified) {
      throw new DeltasyncError(`${url.href}: the file changed on the server during the transfer (Last-Modified ${this.#lastModified}, now ${lastModified})`, 'ECHANGED');
    }
    this.#etag ??= etag;
    this.#lastModified ??= lastModified;
  }

  #checkSize(complete: number | undefined, url: URL): void {
    if (complete === undefined) return;
    if (this.#size !== undefined && complete !== this.#size) {
      throw new DeltasyncError(`${url.href}: the file changed on the server during the transfer (now ${complete} bytes, expected ${this.#size})`, 'ECHANGED');
    }
    this.#size ??= complete;
  }

  #checkWholeLength(res: Dispatcher.ResponseData, url: URL): void {
    const length = one(res.headers['content-length']);
    if (length !== undefined && /^\d+$/.test(length)) this.#checkSize(Number(length), url);
  }

  /** Throws for a status that is not a success: retryable for 429 and 5xx, an error naming the URL otherwise. */
  #checkStatus(status: number, headers: IncomingHttpHeaders, url: URL, what: string): void {
    if (status >= 200 && status < 300) return;
    const text = `HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim();
    if (status === 412) throw new DeltasyncError(`${url.href}: the file changed on the server during the transfer (${text})`, 'ECHANGED');
    if (status === 429 || (status >= 500 && status !== 501 && status !== 505)) {
      throw new RetryableError(text, 'EHTTP', parseRetryAfter(headers['retry-after']));
    }
    throw new DeltasyncError(`${url.href}: ${what}: ${text}`, 'EHTTP');
  }

  #lowerMaxRanges(to: number, why: string): void {
    const n = Math.max(1, to);
    if (n >= this.#maxRanges) return;
    this.#maxRanges = n;
    this.#onWarning?.(`${this.name}: the server ${why}; asking at most ${n} range${n === 1 ? '' : 's'} per request`);
  }

  /** A connection error as something to retry (or a permanent one), the caller's abort as its reason. */
  #asRetryable(err: unknown, signal: AbortSignal): unknown {
    if (signal.aborted) return signal.reason;
    if (err instanceof DeltasyncError || err instanceof RetryableError) return err;
    // A refused connection before the server ever answered: nothing listens there (a dead
    // mirror, a wrong port). Failing at once lets the next mirror take over; once the server
    // has answered, a refusal is a restart, worth retrying.
    const refused = this.#size === undefined && refusedConnection(err);
    if (refused || isFatalNetworkError(err)) return new DeltasyncError(`${this.name}: ${describeNetworkError(err)}`, 'ENETWORK', { cause: err });
    return new RetryableError(describeNetworkError(err), 'ENETWORK');
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/**
 * A {@link BlockSource} that fetches the reference from an HTTP(S) server with Range requests,
 * through undici: several connections at once, nearby ranges joined, several ranges per request
 * (multipart/byteranges) as far as the server takes them, read-ahead bounded by
 * `options.readAhead`. Transient failures (resets, timeouts, 429 and 5xx, short answers) are
 * retried with backoff, resuming partly received ranges. `prepare()` checks the size and
 * remembers the ETag or Last-Modified; every later request is conditional on it, so a file
 * replaced on the server fails with code `ECHANGED` instead of mixing versions.
 *
 * @example
 * ```ts
 * const source = httpSource('https://example.org/v2.img', { headers: ['Authorization: Bearer …'] });
 * try {
 *   await patchFile({ local: 'v1.img', index, source, output: 'v2.img' });
 *   console.log(source.stats.requests, 'requests');
 * } finally {
 *   await source.close();
 * }
 * ```
 */
export function httpSource(url: string | URL, options: HttpSourceOptions = {}): HttpSource {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ArgumentError(`not a URL: ${String(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ArgumentError(`not an HTTP URL: ${parsed.href}`);
  return new HttpBlockSource(parsed, options);
}
