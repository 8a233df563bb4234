import type { Exercise } from '../catalog/catalog.js';
import type { Hunk } from '../catalog/markers.js';
import { starterImplementation, variantImplementation } from '../grading/implementation.js';
import { runVisibleTests, withVisibleTests, type VisibleRun } from '../grading/visible.js';

/**
 * A repository-scale exercise's visible tests are the learner's entry point: they pass on the
 * reference, and on the served code exactly the entry bug's visible tests fail. Any other bug
 * that a visible test reveals would be found by running the tests, not by reading the code.
 */
export async function visibleTestProblems(exercise: Exercise, hunks: Hunk[]): Promise<string[]> {
  const visible = exercise.manifest.visibleTests;
  if (!visible) return [];
  const problems: string[] = [];
  const describe = (run: VisibleRun) =>
    run.tests
      .filter((test) => test.state === 'failed')
      .map((test) => `"${test.name}" (${test.file}${test.message ? `: ${test.message}` : ''})`)
      .join(', ');

  const reference = await runVisibleTests(exercise, withVisibleTests(exercise, exercise.solutionDir, 'reference'));
  if (reference.stopped) return [`the visible tests did not complete on the reference: ${reference.stopped}`];
  if (!reference.ok) problems.push(`the visible tests ${describe(reference)} fail on the reference: the library's own suite must pass once every bug is fixed`);

  const starter = await runVisibleTests(exercise, withVisibleTests(exercise, starterImplementation(exercise).dir, 'starter'));
  if (starter.stopped) problems.push(`the visible tests did not complete on the starter: ${starter.stopped}`);
  else if (starter.ok) problems.push(`every visible test passes on the starter: the learner's entry point is a visible test that fails because of "${visible.entry}"; add one`);

  for (const bug of exercise.bugs) {
    const variant = variantImplementation(exercise, bug.id, hunks);
    const run = await runVisibleTests(exercise, withVisibleTests(exercise, variant.dir, `bug-${bug.id}`));
    if (run.stopped) {
      problems.push(`the visible tests did not complete on the single-bug variant "${bug.id}": ${run.stopped}`);
    } else if (bug.id === visible.entry && run.ok) {
      problems.push(`no visible test fails on the single-bug variant "${bug.id}", the entry bug: the entry point must be a visible test that this bug makes fail`);
    } else if (bug.id !== visible.entry && !run.ok) {
      problems.push(`the visible tests ${describe(run)} fail on the single-bug variant "${bug.id}": only the entry bug ("${visible.entry}") may show in the visible suite; the others are found by reading the code, and graded by the hidden tests`);
    }
  }
  return problems;
}
