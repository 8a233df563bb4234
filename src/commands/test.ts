import path from 'node:path';
import { UsageError } from '../errors.js';
import { hasVisibleTests, runVisibleTests, visibleTestSuites } from '../grading/visible.js';
import { style } from '../report/style.js';
import type { CommandContext } from './context.js';

/**
 * `bugbash test`: the test suite a repository-scale exercise ships with, run on the learner's
 * files as they are, as `npm test` would in the real codebase. Its result is the library's own
 * opinion, not a verdict: `bugbash check` grades, and records nothing here.
 */
export async function testCommand(context: CommandContext, id: string | undefined, options: { json?: boolean; filter?: string }): Promise<number> {
  const exercise = context.currentExercise(id);
  if (!hasVisibleTests(exercise)) {
    throw new UsageError(
      `"${exercise.id}" ships no test suite of its own: \`bugbash test\` runs the visible tests of a repository-scale exercise. Grade your fix with \`bugbash check ${exercise.id}\`.`,
    );
  }
  context.workspace.requireStarted(exercise);
  const dir = context.workspace.exerciseDir(exercise);
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  let run;
  try {
    if (!options.json) context.print(style.dim(`Running the tests of ${path.relative(process.cwd(), dir) || dir} (${visibleTestSuites(exercise).join(', ')})…`));
    run = await runVisibleTests(exercise, dir, { output: options.json ? 'capture' : 'inherit', filter: options.filter, signal: abort.signal });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  if (run.stopped === 'interrupted') return 130;
  const failed = run.tests.filter((test) => test.state === 'failed');
  const passed = run.tests.filter((test) => test.state === 'passed');
  if (!run.stopped && passed.length + failed.length === 0) {
    // Every test was filtered out: nothing was tested, which is not a pass.
    const why = `no visible test's name contains "${options.filter ?? ''}"; \`bugbash test ${exercise.id}\` runs them all`;
    if (options.json) context.print(JSON.stringify({ exercise: exercise.id, ok: false, passed: 0, failed: 0, tests: run.tests, stopped: why }, null, 2));
    else context.print(style.warn(`Nothing was tested: ${why}.`));
    return 1;
  }
  if (options.json) {
    context.print(JSON.stringify({ exercise: exercise.id, ok: run.ok, passed: passed.length, failed: failed.length, tests: run.tests, ...(run.stopped ? { stopped: run.stopped } : {}) }, null, 2));
    return run.ok ? 0 : 1;
  }
  if (run.stopped) context.print(style.bad(`The tests were not completed: ${run.stopped}.`));
  context.print(
    run.ok
      ? style.ok(`All ${passed.length} visible tests pass.`) + style.dim(` They are the library's own tests, not the grading: \`bugbash check ${exercise.id}\` runs the hidden ones.`)
      : `${failed.length} of ${passed.length + failed.length} visible tests fail. ` + style.dim(`\`bugbash check ${exercise.id}\` grades your fix bug by bug.`),
  );
  return run.ok ? 0 : 1;
}
