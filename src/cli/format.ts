/** Human-readable byte count: `8.0 MiB`. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Whole number with thousands separators: `1,234,567` (without Intl, whose start-up costs tens of milliseconds). */
export function count(n: number): string {
  const digits = String(Math.trunc(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** Percentage of `part` in `whole`, one decimal. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '0.0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

/** Decimal megabytes per second, as go-sync and zsync report throughput. */
export function rate(bytesDone: number, ms: number): string {
  return `${(bytesDone / 1e3 / Math.max(ms, 1e-3)).toFixed(1)} MB/s`;
}

/** Aligned `Label:  value` lines. */
export function table(rows: [string, string][]): string {
  const w = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(w)}${v}`).join('\n');
}

/** Milliseconds for JSON output: to the microsecond. */
export function millis(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Decimal megabytes per second, as a number for JSON output. */
export function mbPerSecond(bytesDone: number, ms: number): number {
  return Math.round((bytesDone / 1e3 / Math.max(ms, 1e-3)) * 10) / 10;
}

/** `1 range`, `2 ranges`. */
export function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}
