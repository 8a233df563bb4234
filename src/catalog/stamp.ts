import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from './catalog.js';

/**
 * External sets are served only once they validate. A successful `author validate` writes a
 * stamp into the exercise folder holding the hash of exactly what it validated (the exercise
 * folder and its reference), so the set can be handed to a class as it is: a learner's
 * machine checks the hash and does not validate again. Any later edit changes the hash and
 * the exercise is refused until it is validated again.
 */
export const STAMP_FILE = 'validated.json';

/** Files that are never served nor graded: editing them needs no new validation. */
const UNVALIDATED = new Set(['NOTES.md', STAMP_FILE]);

type Located = Pick<Exercise, 'dir' | 'solutionDir'>;

export function exerciseFingerprint(exercise: Located): string {
  const hash = createHash('sha256');
  for (const [label, root] of [['exercise', exercise.dir], ['reference', exercise.solutionDir]] as const) {
    for (const file of listFiles(root)) {
      const relative = path.relative(root, file).split(path.sep).join('/');
      if (label === 'exercise' && UNVALIDATED.has(relative)) continue;
      hash.update(`${label}/${relative}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

export function stampPath(exercise: Pick<Exercise, 'dir'>): string {
  return path.join(exercise.dir, STAMP_FILE);
}

/** What the mutation gate found when the stamped files were validated with --mutate. */
export interface StampedMutation {
  score: number;
  threshold: number;
  passed: boolean;
  /** Mutants counted (not marked equivalent), and how many of them survived. */
  mutants: number;
  survived: number;
  equivalent: number;
}

export interface Stamp {
  fingerprint: string;
  mutation?: StampedMutation;
}

export function readStamp(exercise: Located): Stamp | undefined {
  try {
    const parsed = JSON.parse(readFileSync(stampPath(exercise), 'utf8')) as Partial<Stamp>;
    if (typeof parsed.fingerprint !== 'string') return undefined;
    const mutation = parsed.mutation && typeof parsed.mutation.score === 'number' ? parsed.mutation : undefined;
    return { fingerprint: parsed.fingerprint, ...(mutation ? { mutation } : {}) };
  } catch {
    return undefined;
  }
}

export type StampState = 'validated' | 'never' | 'edited';

/** Whether the exercise's files are exactly those its stamp says were validated. */
export function stampState(exercise: Located): StampState {
  const stamp = readStamp(exercise);
  if (!stamp) return 'never';
  return stamp.fingerprint === exerciseFingerprint(exercise) ? 'validated' : 'edited';
}

export function isValidated(exercise: Located): boolean {
  return stampState(exercise) === 'validated';
}

/**
 * Written only after a complete, successful validation. Deterministic: re-validating unchanged
 * files rewrites the same bytes. A validation without --mutate keeps the mutation result of
 * the same files, if an earlier one recorded it.
 */
export function markValidated(exercise: Located & Pick<Exercise, 'id'>, mutation?: StampedMutation): void {
  const fingerprint = exerciseFingerprint(exercise);
  const previous = readStamp(exercise);
  const kept = mutation ?? (previous?.fingerprint === fingerprint ? previous.mutation : undefined);
  const stamp = {
    exercise: exercise.id,
    fingerprint,
    ...(kept ? { mutation: kept } : {}),
    about: `written by \`bugbash author validate\`: the sha256 of every file of exercises/${exercise.id}/ (except NOTES.md and this file) and of solutions/${exercise.id}/${kept ? ', and what the mutation gate (--mutate) found for exactly those files' : ''}. Any edit needs a new validation.`,
  };
  writeFileSync(stampPath(exercise), `${JSON.stringify(stamp, null, 2)}\n`);
}

/**
 * The files of an exercise or reference. Tool caches (`node_modules/`, dot-folders such as a
 * `.vite` results cache that running vitest in the folder leaves behind) are not content.
 */
function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true })
    .map(String)
    .filter((entry) => !entry.split(path.sep).some((part) => part === 'node_modules' || part.startsWith('.')))
    .map((entry) => path.join(root, entry))
    .filter((file) => statSync(file).isFile())
    .sort();
}
