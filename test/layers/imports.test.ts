import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The layers of src/, bottom first: a module may import its own folder and any folder on a lower
 * layer, never one on a higher layer (see ARCHITECTURE: imports point down).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'util'],
  ['checksum'],
  ['parallel'],
  ['index', 'format'],
  ['match'],
  // A plan's spans are byte ranges (a type of source/); neither calls the other.
  ['plan', 'source'],
  ['patch'],
  ['serve'],
  ['cli'],
];
/** Files at the top of src/: the package entries, which may import anything but the CLI. */
const ENTRIES = ['index.ts', 'internals.ts'];

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await tsFiles(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const layerOf = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));

test('src/ imports point down: no module imports a folder on a higher layer, the library never imports the CLI', async () => {
  const files = await tsFiles(SRC);
  assert.ok(files.length > 30, `found ${files.length} source files`);
  const wrong: string[] = [];
  for (const file of files) {
    const rel = relative(SRC, file);
    const folder = rel.includes('/') ? rel.split('/')[0] : undefined;
    const text = await readFile(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]);
    for (const spec of specifiers) {
      const target = relative(SRC, join(file, '..', spec));
      const targetFolder = target.split('/')[0];
      if (target.startsWith('..')) wrong.push(`${rel} imports ${spec}, outside src/`);
      else if (folder === undefined) {
        if (!ENTRIES.includes(rel)) wrong.push(`${rel} is at the top of src/ but is not a package entry`);
        if (targetFolder === 'cli') wrong.push(`${rel} (a package entry) imports the CLI`);
      } else {
        if (layerOf(folder) < 0) wrong.push(`${rel}: folder ${folder} is on no layer`);
        else if (!target.includes('/')) wrong.push(`${rel} imports the package entry ${target}`);
        else if (layerOf(targetFolder) > layerOf(folder)) wrong.push(`${rel} (${folder}) imports ${target} (${targetFolder}, a higher layer)`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
