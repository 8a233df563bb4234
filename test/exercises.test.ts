import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateExercise } from '../src/authoring/validate.js';
import { loadCatalog } from '../src/catalog/catalog.js';
import { grade } from '../src/grading/grade.js';
import { directoryImplementation } from '../src/grading/implementation.js';
import { FIXTURES } from './support/fixtures.js';

// Every bundled exercise is checked by this one generic test: a new exercise needs no new
// test code. validateExercise grades the reference, the starter and every single-bug variant
// (the reference with exactly one bug's marked change) in one vitest run.
const catalog = loadCatalog();

describe('the bundled catalog', () => {
  it('has no exercise that cannot be served', () => {
    expect(catalog.broken.map((broken) => `${broken.id}: ${broken.problems.join('; ')}`)).toEqual([]);
  });
});

describe.each(catalog.exercises.map((exercise) => [exercise.id, exercise] as const))('exercise %s', (_id, exercise) => {
  it('validates: reference solved, starter has every bug, each bug caught by its own tests only', async () => {
    const report = await validateExercise(exercise.set, exercise.id, { runs: 2 });
    expect(report.errors).toEqual([]);
    expect(report.matrix.find((row) => row.implementation === 'starter')?.ok).toBe(true);
    expect(report.matrix.filter((row) => row.implementation.startsWith('bug:'))).toHaveLength(exercise.bugs.length);
  });

  const alternativesDir = path.join(FIXTURES, 'alternatives', exercise.id);
  const alternatives = existsSync(alternativesDir) ? readdirSync(alternativesDir).sort() : [];
  // An alternative holds only the files its fix changes; the rest are the reference's.
  it.each(alternatives)('the alternative correct fix "%s" is graded solved', async (name) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `bugbash-alternative-${exercise.id}-`));
    cpSync(exercise.solutionDir, dir, { recursive: true });
    cpSync(path.join(alternativesDir, name), dir, { recursive: true });
    const result = await grade(exercise, directoryImplementation(dir, 'custom'));
    expect({ problems: result.problems, regressions: result.regressions, present: result.bugs.filter((bug) => bug.status !== 'fixed').map((bug) => bug.id) }).toEqual({
      problems: [],
      regressions: [],
      present: [],
    });
  });
});
