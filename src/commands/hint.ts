import { statSync } from 'node:fs';
import type { Exercise } from '../catalog/catalog.js';
import { UsageError } from '../errors.js';
import { blindHintBug } from '../interview/hints.js';
import { POINTS } from '../interview/scorecard.js';
import { style } from '../report/style.js';
import type { Workspace } from '../workspace/workspace.js';
import { checkWorkspace } from './check.js';
import type { CommandContext } from './context.js';

export interface HintOptions {
  json?: boolean;
  /** 1-based, as numbered in the report (practice mode). */
  bug?: number;
  yes?: boolean;
}

/** Bug ids fixed in the learner's current code: from the last check if nothing changed since, else a fresh check. */
async function fixedBugs(workspace: Workspace, exercise: Exercise): Promise<Set<string>> {
  const last = workspace.progress.exercise(exercise.id)?.lastCheck;
  const changedSince = (at: string) => workspace.filePaths(exercise).some((file) => (statSync(file, { throwIfNoEntry: false })?.mtime.getTime() ?? 0) > Date.parse(at));
  if (last && !changedSince(last.at)) return new Set(last.fixed);
  const { result } = await checkWorkspace(workspace, exercise, 'internal');
  return new Set(result.bugs.filter((bug) => bug.status === 'fixed').map((bug) => bug.id));
}

export async function hintCommand(context: CommandContext, id: string | undefined, options: HintOptions): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  workspace.requireStarted(exercise);
  if (options.bug !== undefined && !(Number.isInteger(options.bug) && options.bug >= 1 && options.bug <= exercise.bugs.length)) {
    throw new UsageError(`--bug takes a bug number from 1 to ${exercise.bugs.length}, as numbered in the report of \`bugbash check ${exercise.id}\`.`);
  }
  if (workspace.progress.exercise(exercise.id)?.round) return blindHint(context, workspace, exercise, options);
  const fixed = await fixedBugs(workspace, exercise);
  const index = options.bug !== undefined ? options.bug - 1 : exercise.bugs.findIndex((bug) => !fixed.has(bug.id));
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
  context.print(style.bold(`Bug ${index + 1} of ${exercise.bugs.length} (${bug.category}): hint ${shown} of ${bug.hints.length}${fixed.has(bug.id) ? ' (already fixed)' : ''}`));
  bug.hints.slice(0, shown).forEach((hint, i) => context.print(`  ${i + 1}. ${i === shown - 1 ? hint : style.dim(hint)}`));
  if (shown === bug.hints.length) {
    context.print(style.dim(`That was the last hint for this bug. Stuck? \`bugbash solution ${exercise.id}\` shows the answer (recorded as giving up).`));
  }
  return 0;
}

/** A hint in a blind round: for some bug not fixed yet, without saying which; it costs points, said before it is shown. */
async function blindHint(context: CommandContext, workspace: Workspace, exercise: Exercise, options: HintOptions): Promise<number> {
  if (options.bug !== undefined) {
    throw new UsageError(`bugs are not numbered during a blind round; \`bugbash hint ${exercise.id}\` gives a hint for one you have not fixed yet (--bug works once the round is over).`);
  }
  const fixed = await fixedBugs(workspace, exercise);
  const entry = workspace.progress.exercise(exercise.id)!;
  const round = entry.round!;
  const bug = blindHintBug(exercise.bugs, fixed, entry.hintsUsed, round);
  const unfixed = exercise.bugs.filter((candidate) => !fixed.has(candidate.id)).length;
  if (!bug) {
    context.print(unfixed === 0 ? style.ok('Every bug is fixed: no hint needed.') : style.warn(`You have seen every hint for the ${unfixed} bug${unfixed === 1 ? '' : 's'} you have not fixed yet.`));
    return 0;
  }
  const cost = `Each hint in an interview costs ${POINTS.perHint} points on your scorecard (${round.hints} used so far).`;
  if (!options.json) context.print(style.warn(cost));
  const { confirmAction } = await import('../prompts.js');
  if (!(await confirmAction(`Show a hint for ${POINTS.perHint} points?`, options.yes, '--yes'))) {
    context.print('No hint shown, nothing recorded.');
    return 0;
  }
  const shown = workspace.progress.recordHint(exercise.id, bug.id);
  round.hints += 1;
  round.lastHint = bug.id;
  workspace.progress.save();
  const hint = bug.hints[shown - 1]!;
  if (options.json) {
    context.print(JSON.stringify({ exercise: exercise.id, blind: true, hint, hintNumber: shown, hintsForThisBug: bug.hints.length, cost: POINTS.perHint, hintsUsed: round.hints }, null, 2));
    return 0;
  }
  context.print(style.bold(`A hint for ${unfixed === 1 ? 'the one bug' : `one of the ${unfixed} bugs`} you have not fixed yet (hint ${shown} of ${bug.hints.length} for it):`));
  context.print(`  ${hint}`);
  return 0;
}
