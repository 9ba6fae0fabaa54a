import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

/**
 * Maps the path of a request URL to a file inside `root` (a real path), or `undefined` when it
 * is not one: a malformed percent-encoding, a `..` segment (also encoded, as `%2e%2e`), an
 * encoded slash or NUL, or a symbolic link that leads out of the folder (checked on the real path).
 */
export async function resolveInside(root: string, urlPath: string): Promise<string | undefined> {
  const segments: string[] = [];
  for (const raw of urlPath.split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (seg === '..' || seg.includes('/') || seg.includes('\\') || seg.includes('\0')) return undefined;
    if (seg !== '' && seg !== '.') segments.push(seg);
  }
  let real: string;
  try {
    real = await realpath(join(root, ...segments));
  } catch {
    return undefined;
  }
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep) ? real : undefined;
}
