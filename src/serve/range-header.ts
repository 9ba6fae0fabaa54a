/** An inclusive byte range, as HTTP writes them (`bytes=start-end`). */
export interface HttpRange {
  readonly start: number;
  readonly end: number;
}

/** What a `Range` header asks of a representation of a known size. */
export type RangeRequest =
  | { readonly kind: 'whole' }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'ranges'; readonly ranges: readonly HttpRange[] };

/** More ranges than this in one header are served as the whole file (as Apache does past MaxRanges). */
export const MAX_RANGES_PER_REQUEST = 256;

/**
 * Reads a `Range` header (RFC 9110 §14.2) against a file of `size` bytes. A header that is
 * absent, not in bytes, or malformed asks for the whole file; ranges that start past the end are
 * dropped, and when none is left the request is unsatisfiable (416).
 */
export function parseRangeHeader(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'whole' };
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return { kind: 'whole' };
  const specs = m[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length === 0 || specs.length > MAX_RANGES_PER_REQUEST) return { kind: 'whole' };
  const ranges: HttpRange[] = [];
  for (const spec of specs) {
    const r = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return { kind: 'whole' };
    if (r[1] === '') {
      const suffix = Number(r[2]);
      if (suffix > 0 && size > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(r[1]);
    if (r[2] !== '' && Number(r[2]) < start) return { kind: 'whole' };
    const end = r[2] === '' ? size - 1 : Number(r[2]);
    if (start < size) ranges.push({ start, end: Math.min(end, size - 1) });
  }
  return ranges.length === 0 ? { kind: 'unsatisfiable' } : { kind: 'ranges', ranges };
}
