import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/catalog.js';
import { loadFixtures } from '../src/catalog/fixtures.js';
import { readStamp, stampState } from '../src/catalog/stamp.js';
import { gradeAll } from '../src/grading/grade.js';
import { referenceImplementation, starterImplementation } from '../src/grading/implementation.js';

// Every bundled exercise is checked by these generic tests: a new exercise needs no new test
// code. The proof itself — reference solved, starter with every bug, each bug caught by its
// own tests only, every fixture and pooled draw as declared, the mutation gate — is
// `bugbash author validate <id> --mutate`: 3 to 6 minutes per exercise on two cores, longer
// than npm test may take for all of them. Each exercise carries the stamp of its last
// successful run (validated.json: the hash of exactly the files validated, and the gate's
// result). Here: no exercise was edited since, and its gate passed.
const catalog = loadCatalog();

describe('the bundled catalog', () => {
  it('has no exercise that cannot be served', () => {
    expect(catalog.broken.map((broken) => `${broken.id}: ${broken.problems.join('; ')}`)).toEqual([]);
  });
});

describe.each(catalog.exercises.map((exercise) => [exercise.id, exercise] as const))('exercise %s', (id, exercise) => {
  it('was validated as it is now, and passed the mutation gate', () => {
    const how = `run \`npx bugbash author validate ${id} --mutate\` and commit exercises/${id}/validated.json`;
    expect(stampState(exercise), `exercises/${id} or solutions/${id} changed since its last validation: ${how}`).toBe('validated');
    const mutation = readStamp(exercise)?.mutation;
    expect(mutation, `exercises/${id} was validated without --mutate: ${how}`).toBeDefined();
    expect(mutation!.passed, `the mutation score of ${id} was ${mutation!.score}%, below its ${mutation!.threshold}% gate`).toBe(true);
  });

  // The stamp does not cover the harness and the grader: this cheap run does, for every
  // exercise at once, on every change.
  it('its reference passes every hidden test, and its starter fails every bug and no guard', async () => {
    const [[reference, starter]] = await gradeAll(exercise, [referenceImplementation(exercise), starterImplementation(exercise)], { skipCodeCheck: true });
    const failing = (result: typeof reference) => [...result!.bugs.flatMap((bug) => bug.failures.map((failure) => `${bug.id}: ${failure.test}: ${failure.symptom.split('\n')[0]}`)), ...result!.regressions.map((failure) => `guard: ${failure.test}: ${failure.symptom.split('\n')[0]}`), ...result!.problems.map((problem) => problem.message)];
    expect(failing(reference)).toEqual([]);
    expect(starter!.bugs.filter((bug) => bug.status === 'fixed').map((bug) => bug.id)).toEqual([]);
    expect(starter!.regressions.map((failure) => failure.test)).toEqual([]);
  });

  it('has fixtures to grade: correct alternatives and plausible wrong fixes', () => {
    const { fixtures, problems } = loadFixtures(exercise);
    expect(problems).toEqual([]);
    expect(fixtures.filter((fixture) => fixture.kind === 'alternative').length).toBeGreaterThanOrEqual(2);
    // A wrong fix judged fixed is the worst verdict there is: every exercise keeps at least six.
    expect(fixtures.filter((fixture) => fixture.kind === 'wrong').length).toBeGreaterThanOrEqual(6);
  });
});
