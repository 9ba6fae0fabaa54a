import type { ByteRange } from './block-source.js';

/** A stretch of the reference fetched as one HTTP range: one or more asked ranges and the gaps between them. */
export interface Span {
  readonly offset: number;
  readonly length: number;
  /** Bytes received so far, from `offset` on (a retry asks only for the rest). */
  got: number;
  /** Where the bytes go; allocated when the span's request is started. */
  buf?: Uint8Array;
}

/**
 * Groups ranges, in the order given, into spans: a range joins the span before it when it starts
 * no earlier than that span and at most `gap` bytes after its end, and the span stays within
 * `maxSpan` bytes. Empty ranges belong to no span. Returns the spans and, for each range, the
 * index of its span (-1 for an empty range).
 */
export function coalesce(ranges: readonly ByteRange[], gap: number, maxSpan: number): { spans: Span[]; spanOf: number[] } {
  const spans: Span[] = [];
  const spanOf: number[] = [];
  let start = -1;
  let end = -1;
  const flush = () => {
    if (start >= 0) spans.push({ offset: start, length: end - start, got: 0 });
  };
  for (const r of ranges) {
    if (r.length === 0) {
      spanOf.push(-1);
      continue;
    }
    const rEnd = r.offset + r.length;
    if (start >= 0 && r.offset >= start && r.offset <= end + gap && Math.max(end, rEnd) - start <= maxSpan) {
      end = Math.max(end, rEnd);
    } else {
      flush();
      start = r.offset;
      end = rEnd;
    }
    spanOf.push(spans.length);
  }
  flush();
  return { spans, spanOf };
}

/** Whether `s` shares a byte with any of `spans[from..to)` (ranges of one request must not: see httpSource). */
export function overlapsAny(spans: readonly Span[], from: number, to: number, s: Span): boolean {
  for (let i = from; i < to; i++) if (s.offset < spans[i].offset + spans[i].length && spans[i].offset < s.offset + s.length) return true;
  return false;
}

/** The `Range` header asking for what is still missing of each span. */
export function rangeHeader(spans: readonly Span[]): string {
  return `bytes=${spans.map((s) => `${s.offset + s.got}-${s.offset + s.length - 1}`).join(',')}`;
}

/** A parsed `Content-Range` header: `bytes first-last/complete` or `bytes *\/complete`. */
export interface ContentRange {
  /** First byte, or undefined for the unsatisfied form `bytes *\/complete`. */
  readonly first?: number;
  readonly last?: number;
  /** The whole representation's size, when the server gives it. */
  readonly complete?: number;
}

/** Parses a `Content-Range` header; `undefined` when it is missing or malformed. */
export function parseContentRange(value: string | undefined): ContentRange | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)\s*$/i.exec(value);
  if (!m) return undefined;
  const complete = m[3] === '*' ? undefined : Number(m[3]);
  if (m[1] === undefined) return { complete };
  const first = Number(m[1]);
  const last = Number(m[2]);
  return last < first ? undefined : { first, last, complete };
}

/**
 * Copies a piece of the reference (`data`, which starts at offset `at`) into every span whose
 * next missing byte falls inside it; returns the bytes that were useful.
 */
export function deliver(spans: readonly Span[], at: number, data: Uint8Array): number {
  let used = 0;
  const end = at + data.length;
  for (const s of spans) {
    const need = s.offset + s.got;
    if (s.got >= s.length || need < at || need >= end) continue;
    const n = Math.min(s.offset + s.length, end) - need;
    s.buf!.set(data.subarray(need - at, need - at + n), s.got);
    s.got += n;
    used += n;
  }
  return used;
}
