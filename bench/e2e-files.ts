/**
 * Files of the end-to-end bench: a reference with scattered small edits (the local file is the
 * old version), and a reference with a local file that mostly differs from it.
 */
import { type Edit, makeRandomData, Rng, writeEdited, writeFewMatches, writeFile } from './common.js';

/**
 * `count` non-overlapping edits of `minLen`–`maxLen` bytes, one per equal slot of the reference,
 * at unaligned positions, cycling insert / delete / overwrite.
 */
export function scatteredEdits(size: number, count: number, minLen: number, maxLen: number, rng: Rng): Edit[] {
  const kinds: Edit['kind'][] = ['insert', 'delete', 'overwrite'];
  const slot = Math.floor(size / count);
  const edits: Edit[] = [];
  for (let i = 0; i < count; i++) {
    const length = rng.int(minLen, maxLen + 1);
    edits.push({ kind: kinds[i % 3], at: i * slot + rng.int(1, slot - maxLen - 1), length });
  }
  return edits;
}

/** Writes a random reference of `size` bytes at `ref` and its old version with `edits` applied at `old`. */
export function writeEditedPair(ref: string, old: string, size: number, edits: number, seed: number): { edits: Edit[]; oldSize: number } {
  const data = makeRandomData(size);
  writeFile(ref, data);
  const plan = scatteredEdits(size, edits, 1024, 4096, new Rng(seed));
  const oldSize = writeEdited(old, data, plan);
  return { edits: plan, oldSize };
}

/**
 * Writes a random reference of `size` bytes at `ref` and a local file at `few` of random bytes
 * holding `runs` pieces of the reference, each `runBytes` long (aligned in the reference, at
 * unaligned offsets in the local file). Returns the pieces copied.
 */
export function writeFewMatchesPair(ref: string, few: string, size: number, runs: number, runBytes: number, seed: number): number {
  const data = makeRandomData(size);
  writeFile(ref, data);
  return writeFewMatches(few, data, size, runBytes, runs, new Rng(seed));
}
