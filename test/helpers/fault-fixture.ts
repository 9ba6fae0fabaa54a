import { after, before } from 'node:test';
import type { ByteRange } from '../../src/source/block-source.js';
import { type HttpSourceOptions, httpSource } from '../../src/source/http-source.js';
import { type FaultServer, faultServer } from './fault-server.js';
import { seededBytes } from './random.js';

/** What a fault test works with: the file served, a few ranges of it, the server, and a source maker. */
export interface FaultFixture {
  /** The file the server serves (200,000 bytes). */
  readonly data: Uint8Array;
  /** Four ranges spread over it. */
  readonly ranges: readonly ByteRange[];
  /** Options that keep retries quick and requests one per range, for exact request counts. */
  readonly quick: HttpSourceOptions;
  /** The server, started before the file's tests and closed after them. */
  readonly server: FaultServer;
  /** Runs `body` with a prepared source (the `quick` options, then `options`), closed afterwards. */
  withSource(options: HttpSourceOptions, body: (src: ReturnType<typeof httpSource>) => Promise<void>, url?: string): Promise<void>;
}

/** Starts a fault server for the test file that calls it (in `before`) and closes it (in `after`). */
export function useFaultServer(): FaultFixture {
  const data = seededBytes(21, 200_000);
  let real: FaultServer | undefined;
  before(async () => {
    real = await faultServer(data);
  });
  after(() => real?.close());
  const started = () => {
    if (!real) throw new Error('the fault server starts in before(): use it inside a test');
    return real;
  };
  const server: FaultServer = {
    get url() {
      return started().url;
    },
    get origin() {
      return started().origin;
    },
    get requests() {
      return started().requests;
    },
    next: (...faults) => started().next(...faults),
    always: (fault) => started().always(fault),
    replace: (d) => started().replace(d),
    close: () => started().close(),
  };
  const quick: HttpSourceOptions = { retryDelay: 5, maxRetryDelay: 2000, coalesceGap: 0, connections: 1 };
  return {
    data,
    ranges: [
      { offset: 1000, length: 5000 },
      { offset: 40_000, length: 30_000 },
      { offset: 120_000, length: 8192 },
      { offset: 190_000, length: 10_000 },
    ],
    quick,
    server,
    async withSource(options, body, url = server.url) {
      const src = httpSource(url, { ...quick, ...options });
      try {
        await src.prepare({ size: data.length });
        await body(src);
      } finally {
        await src.close();
      }
    },
  };
}
