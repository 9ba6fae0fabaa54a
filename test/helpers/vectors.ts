import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of go-sync vectors, `shared/vectors/gosync` beside the repository. From the compiled
 * helper at dist/test/helpers/vectors.js that is four levels up, then shared/.
 */
export const GOSYNC_VECTORS = fileURLToPath(new URL('../../../../shared/vectors/gosync/', import.meta.url));

export interface GosyncVector {
  /** The data file, e.g. `text.txt`. */
  readonly data: string;
  /** The index the Go tool wrote for it, e.g. `text.gosync`. */
  readonly index: string;
  readonly size: number;
  readonly blockSize: number;
}

/** The vectors listed in the table of shared/vectors/gosync/README.md. */
export function gosyncVectors(): GosyncVector[] {
  const readme = readFileSync(join(GOSYNC_VECTORS, 'README.md'), 'utf8');
  const out: GosyncVector[] = [];
  for (const m of readme.matchAll(/^\|\s*([\w.-]+\.\w+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*$/gm)) {
    const data = m[1];
    out.push({ data, index: data.replace(/\.[^.]+$/, '.gosync'), size: Number(m[2]), blockSize: Number(m[3]) });
  }
  return out;
}
