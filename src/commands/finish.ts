import type { Exercise } from '../catalog/catalog.js';
import { UsageError } from '../errors.js';
import { grade } from '../grading/grade.js';
import { directoryImplementation } from '../grading/implementation.js';
import { endRound } from '../interview/end.js';
import { requireRound, type RoundEnd } from '../interview/round.js';
import type { Scorecard } from '../interview/scorecard.js';
import { renderScorecard } from '../report/scorecard.js';
import { style } from '../report/style.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CommandContext } from './context.js';

/** Grades the learner's files as they are now (not counted as a check) and ends the round with its scorecard. */
export async function finishRound(workspace: Workspace, exercise: Exercise, endedBy: RoundEnd): Promise<Scorecard> {
  const result = await grade(exercise, directoryImplementation(workspace.exerciseDir(exercise), 'workspace'));
  // Marks or hints may have been recorded while grading (e.g. from another terminal).
  workspace.progress.reload();
  if (!workspace.progress.exercise(exercise.id)?.round) throw new UsageError(`the round of "${exercise.id}" ended while it was being graded (time up in a running watch?); \`bugbash progress\` shows its scorecard.`);
  const scorecard = endRound(workspace, exercise, result, endedBy, new Date());
  workspace.progress.save();
  return scorecard;
}

export async function finishCommand(context: CommandContext, id: string | undefined, options: { json?: boolean }): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  workspace.requireStarted(exercise);
  requireRound(workspace.progress.exercise(exercise.id), exercise.id, 'finish');
  if (!options.json) context.print(style.dim(`grading ${exercise.id} one last time…`));
  const scorecard = await finishRound(workspace, exercise, 'finish');
  context.print(options.json ? JSON.stringify(scorecard, null, 2) : renderScorecard(scorecard));
  return 0;
}
