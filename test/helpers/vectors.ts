import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of go-sync vectors, `test/data/gosync` in the repository (copied from the files the
 * Go tool wrote; data, not code). From the compiled helper at dist/test/helpers/vectors.js that is
 * three levels up, then test/data/gosync/: the sources' folder, since tsc does not copy data.
 */
export const GOSYNC_VECTORS = fileURLToPath(new URL('../../../test/data/gosync/', import.meta.url));

export interface GosyncVector {
  /** The data file, e.g. `text.txt`. */
  readonly data: string;
  /** The index the Go tool wrote for it, e.g. `text.gosync`. */
  readonly index: string;
  readonly size: number;
  readonly blockSize: number;
}

/** The vectors listed in the table of test/data/gosync/README.md. */
export function gosyncVectors(): GosyncVector[] {
  const readme = readFileSync(join(GOSYNC_VECTORS, 'README.md'), 'utf8');
  const out: GosyncVector[] = [];
  for (const m of readme.matchAll(/^\|\s*([\w.-]+\.\w+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*$/gm)) {
    const data = m[1];
    out.push({ data, index: data.replace(/\.[^.]+$/, '.gosync'), size: Number(m[2]), blockSize: Number(m[3]) });
  }
  return out;
}
