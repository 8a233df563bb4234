import { describe, expect, it } from 'vitest';
import { validateExercise } from '../src/authoring/validate.js';
import { loadCatalog } from '../src/catalog/catalog.js';
import { loadFixtures } from '../src/catalog/fixtures.js';

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
  // validateExercise also grades the fixtures (exercises/<id>/fixtures/): a correct
  // alternative judged present, or a wrong fix judged fixed, is an error in the report.
  it('validates: reference solved, starter has every bug, each bug caught by its own tests only, fixtures as declared', async () => {
    const report = await validateExercise(exercise.set, exercise.id, { runs: 1 });
    expect(report.errors).toEqual([]);
    expect(report.fixtures.every((row) => row.ok)).toBe(true);
    expect(report.matrix.find((row) => row.implementation === 'starter')?.ok).toBe(true);
    expect(report.matrix.filter((row) => row.implementation.startsWith('bug:'))).toHaveLength(exercise.bugs.length);
  });

  it('has fixtures to grade: correct alternatives and plausible wrong fixes', () => {
    const { fixtures, problems } = loadFixtures(exercise);
    expect(problems).toEqual([]);
    expect(fixtures.filter((fixture) => fixture.kind === 'alternative').length).toBeGreaterThanOrEqual(2);
    // A wrong fix judged fixed is the worst verdict there is: every exercise keeps at least six.
    expect(fixtures.filter((fixture) => fixture.kind === 'wrong').length).toBeGreaterThanOrEqual(6);
  });
});
