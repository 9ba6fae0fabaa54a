// Part of `npm run build`: assembles every src/**/*.wat, and the WAT printed by every
// src/**/*.wat.mjs (steps written out by a loop), into dist/src/**/*.wasm with wabt.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import initWabt from 'wabt';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const wabt = await initWabt();
const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.wat(\.mjs)?$/.test(f));
for (const file of sources) {
  const from = join(root, 'src', file);
  const to = join(root, 'dist', 'src', file.replace(/\.wat(\.mjs)?$/, '.wasm'));
  const text = file.endsWith('.mjs') ? (await import(pathToFileURL(from).href)).default() : readFileSync(from, 'utf8');
  const module = wabt.parseWat(relative(root, from), text);
  try {
    module.validate();
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}
