/**
 * The author's inner loop: `author grade <id> <dir>` grades a folder holding only the files
 * being worked on (a wrong fix, an alternative, a mutant by hand), laid over the reference
 * the way fixtures are.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { UsageError } from '../errors.js';
import { materialise, type Implementation } from '../grading/implementation.js';

export interface Overlay {
  implementation: Implementation;
  /** Files taken from the folder. */
  overlaid: string[];
  /** Files taken from the reference because the folder does not have them. */
  fromReference: string[];
  /** Files in the folder that are not served files of the exercise (not graded). */
  ignored: string[];
}

export function overlayOnReference(exercise: Exercise, dir: string): Overlay {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${root} is not a folder: pass a folder holding some of ${exercise.id}'s files (${exercise.manifest.files.join(', ')})`);
  const files = new Map<string, string>();
  const overlaid: string[] = [];
  const fromReference: string[] = [];
  for (const file of exercise.manifest.files) {
    const mine = path.join(root, file);
    if (existsSync(mine)) {
      files.set(file, readFileSync(mine, 'utf8'));
      overlaid.push(file);
    } else {
      files.set(file, readFileSync(path.join(exercise.solutionDir, file), 'utf8'));
      fromReference.push(file);
    }
  }
  const served = new Set(exercise.manifest.files);
  const ignored = readdirSync(root, { recursive: true })
    .map((entry) => String(entry).split(path.sep).join('/'))
    .filter((file) => !file.split('/').some((part) => part === 'node_modules' || part.startsWith('.')))
    .filter((file) => /\.[cm]?[jt]s$/.test(file) && !file.endsWith('.d.ts') && !served.has(file) && statSync(path.join(root, file)).isFile())
    .sort();
  if (overlaid.length === 0) {
    throw new UsageError(`${root} holds none of ${exercise.id}'s files (${exercise.manifest.files.join(', ')}): put the files you changed there, with the same relative paths`);
  }
  const dirLabel = `graded-${path.basename(root).replace(/[^\w-]/g, '_')}`;
  return { implementation: { kind: 'custom', name: 'custom', dir: materialise(exercise, dirLabel, files) }, overlaid, fromReference, ignored };
}
