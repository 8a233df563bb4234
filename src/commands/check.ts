import type { Exercise } from '../catalog/catalog.js';
import { verifyIntegrity } from '../catalog/integrity.js';
import { grade } from '../grading/grade.js';
import { directoryImplementation } from '../grading/implementation.js';
import type { CheckResult } from '../grading/verdict.js';
import { blindView, type BlindView } from '../interview/blind.js';
import { endRound } from '../interview/end.js';
import { isTimeUp } from '../interview/round.js';
import type { Scorecard } from '../interview/scorecard.js';
import { renderBlind } from '../report/blind.js';
import { renderCheck } from '../report/check.js';
import { renderScorecard } from '../report/scorecard.js';
import { style } from '../report/style.js';
import { formatDuration } from '../report/time.js';
import type { CheckSource } from '../workspace/progress.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CommandContext } from './context.js';

export interface CheckOptions {
  json?: boolean;
  verbose?: boolean;
}

/** A recorded check: what may be shown of it, and the scorecard when it ended the round. */
export interface RecordedCheck {
  result: CheckResult;
  /** Set when the check ran in a blind round: only this may be shown. */
  blind?: BlindView;
  /** Set when this check ended the round (the first check after time is up). */
  scorecard?: Scorecard;
  solvedLine?: string;
}

/**
 * Records a check in the learner's progress (manual checks and watch re-runs apart) and,
 * in a blind round, reduces it to what may be shown; the first check after an interview's
 * time is up ends the round with its scorecard.
 */
export function recordLearnerCheck(workspace: Workspace, exercise: Exercise, result: CheckResult, source: CheckSource, now = new Date()): RecordedCheck {
  // Another command may have written since this process read progress (watch runs for long).
  workspace.progress.reloadForCheck(exercise.id);
  const round = workspace.progress.exercise(exercise.id)?.round;
  const outcome = workspace.progress.recordCheck(
    exercise.id,
    { fixed: result.bugs.filter((bug) => bug.status === 'fixed').map((bug) => bug.id), total: result.bugs.length, solved: result.solved, regressions: result.regressions.length },
    source,
  );
  const recorded: RecordedCheck = { result, ...(round ? { blind: blindView(result) } : {}) };
  if (round && source !== 'internal' && isTimeUp(round, now)) recorded.scorecard = endRound(workspace, exercise, result, 'time-up', now);
  workspace.progress.save();
  if (round) return recorded;
  if (outcome.firstSolve && outcome.timeMs !== undefined) {
    recorded.solvedLine = outcome.overTime
      ? style.warn(`Solved, after the interview's time was up (${formatDuration(outcome.timeMs)}). \`bugbash solution ${exercise.id}\` shows the reference.`)
      : style.ok(`Solved in ${formatDuration(outcome.timeMs)}. \`bugbash solution ${exercise.id}\` shows the reference and why each bug matters.`);
  }
  return recorded;
}

export function interviewLine(workspace: Workspace, exercise: Exercise, now = Date.now()): string | undefined {
  const interview = workspace.progress.exercise(exercise.id)?.interview;
  if (!interview) return undefined;
  const left = Date.parse(interview.startedAt) + interview.limitMinutes * 60_000 - now;
  return left > 0 ? style.warn(`Interview clock: ${formatDuration(left)} left.`) : style.bad(`Interview clock: time is up (${formatDuration(-left)} over the ${interview.limitMinutes} minutes).`);
}

/** The text `check` and `watch` print under their heading: the full report, or the blind one and the scorecard. */
export function renderRecordedCheck(workspace: Workspace, exercise: Exercise, recorded: RecordedCheck, options: { verbose?: boolean }): string {
  const out: string[] = [];
  if (recorded.blind) {
    out.push(renderBlind(recorded.blind));
    if (recorded.scorecard) {
      out.push('', style.bad(`Time is up: the interview is over.`), '', renderScorecard(recorded.scorecard));
    } else {
      const clock = interviewLine(workspace, exercise);
      if (clock) out.push(clock);
      out.push(style.dim(`Blind round: \`bugbash mark\` each bug you find, \`bugbash finish ${exercise.id}\` when you are done.`));
    }
    return out.join('\n');
  }
  const entry = workspace.progress.exercise(exercise.id);
  out.push(renderCheck(recorded.result, { verbose: options.verbose, revealTitles: entry?.gaveUp }));
  const clock = interviewLine(workspace, exercise);
  if (clock) out.push(clock);
  if (recorded.solvedLine) out.push(recorded.solvedLine);
  return out.join('\n');
}

/** What `check --json` prints: the verdict, or in a blind round only its reduction (and the scorecard once it ends). */
export function checkJson(recorded: RecordedCheck): unknown {
  if (!recorded.blind) return recorded.result;
  return { ...recorded.blind, ...(recorded.scorecard ? { ended: recorded.scorecard.endedBy, scorecard: recorded.scorecard } : {}) };
}

/** Grades the learner's files of one exercise and records the check in their progress. */
export async function checkWorkspace(workspace: Workspace, exercise: Exercise, source: CheckSource = 'check'): Promise<RecordedCheck> {
  verifyIntegrity(exercise);
  const result = await grade(exercise, directoryImplementation(workspace.exerciseDir(exercise), 'workspace'));
  return recordLearnerCheck(workspace, exercise, result, source);
}

export async function checkCommand(context: CommandContext, id: string | undefined, options: CheckOptions): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  workspace.requireStarted(exercise);
  const recorded = await checkWorkspace(workspace, exercise);
  if (options.json) {
    context.print(JSON.stringify(checkJson(recorded), null, 2));
  } else {
    context.print(style.bold(`${exercise.manifest.title} (${exercise.id})`));
    context.print(renderRecordedCheck(workspace, exercise, recorded, options));
  }
  return recorded.result.solved ? 0 : 1;
}
