import type { StrongHash } from '../checksum/strong-hash.js';
import { DeltasyncError } from '../errors/errors.js';
import type { BlockIndex } from '../index/block-index.js';
import type { FetchSpan } from '../plan/plan.js';
import type { BlockSource } from '../source/block-source.js';
import { verifyBlocks } from './verify.js';

/**
 * Fetches the plan's missing spans, in order, and hands out only bytes that match the index.
 * A source that fails gives way to the next one (its mirrors) for the spans still to come; a
 * span that fails verification is asked for again, of the next source in turn, up to `refetch`
 * times, before the patch fails naming the source and the offset.
 */
export class VerifiedFetcher {
  #current = 0;
  #pos = 0;
  #iter: AsyncIterator<Uint8Array> | undefined;
  #failedSources = 0;
  /** The first span's bytes, asked for by {@link VerifiedFetcher.start}. */
  #first: Promise<Uint8Array> | undefined;
  /** Stops what is in flight when the fetcher is closed (the caller's signal stops it too). */
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  /** Sources known to be ready: the first was prepared before the scan; mirrors are prepared when first used. */
  readonly #ready = new Set<BlockSource>();
  /** Bytes received from the sources. */
  fetchedBytes = 0;
  /** Spans asked for again. */
  refetchedRanges = 0;

  constructor(
    private readonly sources: readonly BlockSource[],
    private readonly spans: readonly FetchSpan[],
    private readonly index: BlockIndex,
    private readonly hash: StrongHash,
    private readonly refetch: number,
    signal?: AbortSignal,
  ) {
    this.#ready.add(sources[0]);
    this.#signal = signal ? AbortSignal.any([signal, this.#stop.signal]) : this.#stop.signal;
  }

  async #use(source: BlockSource): Promise<BlockSource> {
    if (!this.#ready.has(source)) {
      await source.prepare({ size: this.index.fileSize, signal: this.#signal });
      this.#ready.add(source);
    }
    return source;
  }

  /**
   * Sends the requests now, before the first span is asked for: the patcher has the copies that
   * come ahead of it to make while they are on their way.
   */
  start(): void {
    if (this.#pos !== 0 || this.#first || this.spans.length === 0) return;
    this.#first = this.#receive(this.spans[0]);
    this.#first.catch(() => {}); // awaited by next()
  }

  /** The verified bytes of the next span. */
  async next(): Promise<Uint8Array> {
    const span = this.spans[this.#pos];
    const first = this.#pos === 0 ? this.#first : undefined;
    this.#first = undefined;
    const data = await (first ?? this.#receive(span));
    let good = data;
    try {
      this.#verify(data, span, this.sources[this.#current]);
    } catch (err) {
      good = await this.#fetchAgain(span, err);
    }
    this.#pos++;
    return good;
  }

  /** The next span's bytes from the current source, moving on to the next source when one fails. */
  async #receive(span: FetchSpan): Promise<Uint8Array> {
    for (;;) {
      this.#signal.throwIfAborted();
      try {
        this.#iter ??= (await this.#use(this.sources[this.#current])).fetch(this.spans.slice(this.#pos), { signal: this.#signal })[Symbol.asyncIterator]();
        const r = await this.#iter.next();
        const data = r.done ? undefined : r.value;
        this.fetchedBytes += data?.length ?? 0;
        if (!data || data.length !== span.length) {
          throw new DeltasyncError(
            `${this.sources[this.#current].name}: returned ${data?.length ?? 0} bytes for offset ${span.offset}, expected ${span.length}`,
            'ESHORT',
          );
        }
        return data;
      } catch (err) {
        await this.#dropIterator();
        if (this.#signal.aborted || ++this.#failedSources >= this.sources.length) throw err;
        this.#current = (this.#current + 1) % this.sources.length;
        this.refetchedRanges++;
      }
    }
  }

  #verify(data: Uint8Array, span: FetchSpan, source: BlockSource): void {
    verifyBlocks(data, span.offset / this.index.blockSize, this.index, this.hash, source.name);
  }

  async #fetchAgain(span: FetchSpan, firstError: unknown): Promise<Uint8Array> {
    for (let attempt = 1; attempt <= this.refetch; attempt++) {
      this.#signal.throwIfAborted();
      const source = this.sources[(this.#current + attempt) % this.sources.length];
      this.refetchedRanges++;
      try {
        for await (const data of (await this.#use(source)).fetch([span], { signal: this.#signal })) {
          this.fetchedBytes += data.length;
          if (data.length !== span.length) break;
          this.#verify(data, span, source);
          return data;
        }
      } catch (err) {
        if (this.#signal.aborted) throw err;
      }
    }
    throw firstError;
  }

  async #dropIterator(): Promise<void> {
    const it = this.#iter;
    this.#iter = undefined;
    await it?.return?.().catch(() => {});
  }

  /** Lets the current source release what it holds for the spans not taken. */
  async close(): Promise<void> {
    const first = this.#first;
    this.#first = undefined;
    if (first) {
      // Asked for but never taken (the patch failed before it): stopped, not waited for.
      this.#stop.abort(new DeltasyncError('the transfer was closed', 'EABORT'));
      await first.catch(() => {});
    }
    await this.#dropIterator();
  }
}
