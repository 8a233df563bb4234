import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cacheRoot } from '../paths.js';
import path from 'node:path';
import { exerciseHunks, type Exercise } from '../catalog/catalog.js';
import { applyHunks, serve, type Hunk } from '../catalog/markers.js';
import type { Fixture } from '../catalog/fixtures.js';
import type { Bail } from './protocol.js';
import { plantedFiles } from '../catalog/pool.js';

/** Which code the hidden suites run against. */
export type ImplementationKind = 'workspace' | 'reference' | 'starter' | 'variant' | 'fixture' | 'custom';

export interface Implementation {
  kind: ImplementationKind;
  /** Short name, also the vitest project name: "workspace", "reference", "starter", "bug:<id>". */
  name: string;
  /** Directory holding the exercise's files. */
  dir: string;
  /** For variants: the one bug re-applied to the reference. */
  bug?: string;
  /** Run only the `index`-th test of this hidden file (path relative to the exercise folder). */
  only?: { file: string; index: number };
  /** Skip tests that cannot change what this run is for (protocol.ts, Bail). */
  bail?: Bail;
}


export function referenceImplementation(exercise: Exercise): Implementation {
  return { kind: 'reference', name: 'reference', dir: exercise.solutionDir };
}

export function directoryImplementation(dir: string, kind: ImplementationKind = 'custom', name = kind): Implementation {
  return { kind, name, dir: path.resolve(dir) };
}

/**
 * The served starter files (markers stripped), as the learner receives them; for one attempt
 * of a pooled exercise, the reference with the drawn bugs' hunks applied.
 */
export function servedFiles(exercise: Exercise): Map<string, string> {
  if (exercise.draw) return plantedFiles(exercise, exercise.draw.planted);
  return new Map(exercise.manifest.files.map((file) => [file, serve(readFileSync(path.join(exercise.starterDir, file), 'utf8'))]));
}

export function starterImplementation(exercise: Exercise): Implementation {
  return { kind: 'starter', name: 'starter', dir: materialise(exercise, 'starter', servedFiles(exercise)) };
}

/**
 * The reference with exactly one bug's marked hunks applied. Callers building every variant
 * pass the exercise's hunks, computed once.
 */
export function variantImplementation(exercise: Exercise, bugId: string, hunks: Hunk[] = exerciseHunks(exercise).hunks): Implementation {
  const files = new Map<string, string>();
  for (const file of exercise.manifest.files) {
    const reference = readFileSync(path.join(exercise.solutionDir, file), 'utf8');
    files.set(file, applyHunks(reference, hunks.filter((hunk) => hunk.file === file && hunk.markers.length === 1 && hunk.markers[0] === bugId)));
  }
  return { kind: 'variant', name: `bug:${bugId}`, dir: materialise(exercise, `bug-${bugId}`, files), bug: bugId };
}

/** A fixture's files overlaid on the reference: "alternative:<name>" or "wrong:<name>". */
export function fixtureImplementation(exercise: Exercise, fixture: Fixture): Implementation {
  const files = new Map<string, string>();
  for (const file of exercise.manifest.files) files.set(file, readFileSync(path.join(exercise.solutionDir, file), 'utf8'));
  for (const [file, text] of fixture.files) files.set(file, text);
  return { kind: 'fixture', name: `${fixture.kind}:${fixture.name}`, dir: materialise(exercise, `${fixture.kind}-${fixture.name}`, files) };
}

/**
 * Writes generated files into a cache folder named after their content, so a folder is
 * written once and never changes while a run uses it.
 */
export function materialise(exercise: Exercise, label: string, files: Map<string, string>): string {
  const hash = createHash('sha256');
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) hash.update(`${file}\0${text}\0`);
  const dir = path.join(cacheRoot(), 'implementations', `${exercise.id}-${label}-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(dir)) return dir;
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [file, text] of files) {
    const target = path.join(staging, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  try {
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  return dir;
}
