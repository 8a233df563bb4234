import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheRoot } from '../paths.js';
import type { Exercise } from './catalog.js';

/**
 * External sets are served only once they validate. A successful `author validate` leaves a
 * stamp named after the hash of every file of the exercise (and its reference), so any later
 * change needs a new validation.
 */
export function exerciseFingerprint(exercise: Pick<Exercise, 'dir' | 'solutionDir'>): string {
  const hash = createHash('sha256');
  for (const root of [exercise.dir, exercise.solutionDir]) {
    for (const file of listFiles(root)) {
      hash.update(`${path.relative(root, file)}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

function stampFile(exercise: Pick<Exercise, 'dir' | 'solutionDir'>): string {
  return path.join(cacheRoot(), 'validated', exerciseFingerprint(exercise));
}

export function isValidated(exercise: Pick<Exercise, 'dir' | 'solutionDir'>): boolean {
  return existsSync(stampFile(exercise));
}

export function markValidated(exercise: Pick<Exercise, 'dir' | 'solutionDir' | 'id'>): void {
  const file = stampFile(exercise);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${exercise.id}\n`);
}

function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true })
    .map((entry) => path.join(root, String(entry)))
    .filter((file) => statSync(file).isFile())
    .sort();
}
