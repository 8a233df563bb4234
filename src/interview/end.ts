import type { Exercise } from '../catalog/catalog.js';
import type { CheckResult } from '../grading/verdict.js';
import type { Workspace } from '../workspace/workspace.js';
import { plantedRanges } from './planted.js';
import type { RoundEnd } from './round.js';
import { scoreRound, type Scorecard } from './scorecard.js';

/**
 * Ends the running round of an exercise: scores it against `result` (the verdict on the
 * learner's code now), keeps the scorecard in progress and leaves blind mode. The caller saves.
 */
export function endRound(workspace: Workspace, exercise: Exercise, result: CheckResult, endedBy: RoundEnd, now: Date): Scorecard {
  const entry = workspace.progress.exercise(exercise.id);
  const round = entry?.round;
  if (!entry || !round) throw new Error(`endRound: no round is running for ${exercise.id}`);
  const scorecard = scoreRound({ exercise, round, result, ranges: plantedRanges(exercise), endedBy, now });
  entry.scorecards = [...(entry.scorecards ?? []), scorecard];
  delete entry.round;
  // The clock belonged to the round; after it, checks are practice again.
  delete entry.interview;
  return scorecard;
}
