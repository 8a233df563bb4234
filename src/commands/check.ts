import type { Exercise } from '../catalog/catalog.js';
import { verifyIntegrity } from '../catalog/integrity.js';
import { grade } from '../grading/grade.js';
import { directoryImplementation } from '../grading/implementation.js';
import type { CheckResult } from '../grading/verdict.js';
import { renderCheck } from '../report/check.js';
import { style } from '../report/style.js';
import { formatDuration } from '../report/time.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CommandContext } from './context.js';

export interface CheckOptions {
  json?: boolean;
  verbose?: boolean;
}

/** Records a check in the learner's progress and returns the line to print about it. */
export function recordCheck(workspace: Workspace, exercise: Exercise, result: CheckResult): string | undefined {
  const outcome = workspace.progress.recordCheck(exercise.id, {
    fixed: result.bugs.filter((bug) => bug.status === 'fixed').map((bug) => bug.id),
    total: result.bugs.length,
    solved: result.solved,
    regressions: result.regressions.length,
  });
  workspace.progress.save();
  if (outcome.firstSolve && outcome.timeMs !== undefined) {
    return style.ok(`Solved in ${formatDuration(outcome.timeMs)}. \`bugbash solution ${exercise.id}\` shows the reference and why each bug matters.`);
  }
  return undefined;
}

export function interviewLine(workspace: Workspace, exercise: Exercise, now = Date.now()): string | undefined {
  const interview = workspace.progress.exercise(exercise.id)?.interview;
  if (!interview) return undefined;
  const left = Date.parse(interview.startedAt) + interview.limitMinutes * 60_000 - now;
  return left > 0 ? style.warn(`Interview clock: ${formatDuration(left)} left.`) : style.bad(`Interview clock: time is up (${formatDuration(-left)} over the ${interview.limitMinutes} minutes).`);
}

/** Grades the learner's files of one exercise and records the check in their progress. */
export async function checkWorkspace(workspace: Workspace, exercise: Exercise): Promise<{ result: CheckResult; solvedLine?: string }> {
  verifyIntegrity(exercise);
  const result = await grade(exercise, directoryImplementation(workspace.exerciseDir(exercise), 'workspace'));
  return { result, solvedLine: recordCheck(workspace, exercise, result) };
}

export async function checkCommand(context: CommandContext, id: string | undefined, options: CheckOptions): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  workspace.requireStarted(exercise);
  const { result, solvedLine } = await checkWorkspace(workspace, exercise);
  if (options.json) {
    context.print(JSON.stringify(result, null, 2));
  } else {
    const entry = workspace.progress.exercise(exercise.id);
    context.print(style.bold(`${exercise.manifest.title} (${exercise.id})`));
    context.print(renderCheck(result, { verbose: options.verbose, revealTitles: entry?.gaveUp }));
    const interview = interviewLine(workspace, exercise);
    if (interview) context.print(interview);
    if (solvedLine) context.print(solvedLine);
  }
  return result.solved ? 0 : 1;
}
