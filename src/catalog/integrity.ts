import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { compiledPath } from '../paths.js';
import { PackageError } from '../errors.js';
import type { Exercise } from './catalog.js';
import { exerciseFingerprint } from './stamp.js';

/**
 * Learner code runs with the learner's rights and could rewrite a hidden suite or the
 * reference in the installed package (then every later check of an untouched starter would
 * pass). `npm run build` records a hash of every bundled exercise and its reference; a learner
 * check verifies it first and refuses a modified package.
 */
export const INTEGRITY_FILE = compiledPath('integrity.json');

interface IntegrityRecord {
  version: 1;
  exercises: Record<string, string>;
}

export function recordIntegrity(exercises: Exercise[], file = INTEGRITY_FILE): void {
  const record: IntegrityRecord = { version: 1, exercises: Object.fromEntries(exercises.map((exercise) => [exercise.id, exerciseFingerprint(exercise)])) };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

const RESTORE = 'Reinstall bugbash to restore it (`npm install bugbash`, or `npm ci` in its folder); if you are developing bugbash and changed it on purpose, `npm run build` records the new content.';

/** Throws PackageError when a bundled exercise (or one in `file`) differs from what was recorded. */
export function verifyIntegrity(exercise: Exercise, file = INTEGRITY_FILE): void {
  if (!exercise.set.bundled && file === INTEGRITY_FILE) return;
  if (!existsSync(file)) throw new PackageError(`bugbash cannot verify its exercises: ${file} is missing. ${RESTORE}`);
  let record: IntegrityRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as IntegrityRecord;
  } catch {
    throw new PackageError(`bugbash cannot verify its exercises: ${file} is not readable. ${RESTORE}`);
  }
  const expected = record.exercises?.[exercise.id];
  if (expected !== exerciseFingerprint(exercise)) {
    throw new PackageError(
      `the installed exercise "${exercise.id}" was modified (its hidden tests or reference in ${exercise.dir} or ${exercise.solutionDir} differ from the ones bugbash was built with), so a verdict could not be trusted and nothing was graded. ${RESTORE}`,
    );
  }
}
