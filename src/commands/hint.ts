import { statSync } from 'node:fs';
import type { Exercise } from '../catalog/catalog.js';
import { style } from '../report/style.js';
import type { Workspace } from '../workspace/workspace.js';
import { checkWorkspace } from './check.js';
import type { CommandContext } from './context.js';

/** Bug ids fixed in the learner's current code: from the last check if nothing changed since, else a fresh check. */
async function fixedBugs(workspace: Workspace, exercise: Exercise): Promise<Set<string>> {
  const last = workspace.progress.exercise(exercise.id)?.lastCheck;
  const changedSince = (at: string) => workspace.filePaths(exercise).some((file) => (statSync(file, { throwIfNoEntry: false })?.mtime.getTime() ?? 0) > Date.parse(at));
  if (last && !changedSince(last.at)) return new Set(last.fixed);
  const { result } = await checkWorkspace(workspace, exercise);
  return new Set(result.bugs.filter((bug) => bug.status === 'fixed').map((bug) => bug.id));
}

export async function hintCommand(context: CommandContext, id: string | undefined, options: { json?: boolean }): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  workspace.requireStarted(exercise);
  const fixed = await fixedBugs(workspace, exercise);
  const index = exercise.bugs.findIndex((bug) => !fixed.has(bug.id));
  if (index < 0) {
    context.print(style.ok('Every bug is fixed: no hint needed. Run `bugbash check` to confirm nothing else broke.'));
    return 0;
  }
  const bug = exercise.bugs[index]!;
  const used = workspace.progress.exercise(exercise.id)?.hintsUsed[bug.id] ?? 0;
  const shown = Math.min(used + 1, bug.hints.length);
  if (used < bug.hints.length) {
    workspace.progress.recordHint(exercise.id, bug.id);
    workspace.progress.save();
  }
  if (options.json) {
    context.print(JSON.stringify({ exercise: exercise.id, bug: index + 1, category: bug.category, hints: bug.hints.slice(0, shown), remaining: bug.hints.length - shown }, null, 2));
    return 0;
  }
  context.print(style.bold(`Bug ${index + 1} of ${exercise.bugs.length} (${bug.category}): hint ${shown} of ${bug.hints.length}`));
  bug.hints.slice(0, shown).forEach((hint, i) => context.print(`  ${i + 1}. ${i === shown - 1 ? hint : style.dim(hint)}`));
  if (shown === bug.hints.length) {
    context.print(style.dim(`That was the last hint for this bug. Stuck? \`bugbash solution ${exercise.id}\` shows the answer (recorded as giving up).`));
  }
  return 0;
}
