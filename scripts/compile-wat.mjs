// Part of `npm run build`: assembles every src/**/*.wat into dist/src/**/*.wasm with wabt.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import initWabt from 'wabt';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const wabt = await initWabt();
const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wat'));
for (const file of sources) {
  const from = join(root, 'src', file);
  const to = join(root, 'dist', 'src', file.replace(/\.wat$/, '.wasm'));
  const module = wabt.parseWat(relative(root, from), readFileSync(from, 'utf8'));
  try {
    module.validate();
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}
