import type { BugCategory } from '../catalog/manifest.js';
import { UsageError } from '../errors.js';
import type { ExerciseProgress } from '../workspace/progress.js';

/**
 * A blind round: `start --interview` (timed) or `start --blind` (untimed). While it runs,
 * checks report only what an interviewer would say; it ends with `finish`, at the first
 * check after time is up, or by giving up, and leaves a scorecard.
 */
export interface Round {
  mode: 'interview' | 'blind';
  startedAt: string;
  /** Interviews only: the exercise's time limit. */
  limitMinutes?: number;
  marks: Mark[];
  /** The number the next mark gets; numbers are never reused within a round. */
  nextMark: number;
  /** Hints shown during the round (each costs points). */
  hints: number;
  /** The bug id the last hint was about (not shown to the learner). */
  lastHint?: string;
  /** Manual `check` runs during the round. */
  checks: number;
  /** `watch` re-runs during the round. */
  watchRuns: number;
}

/** A bug the learner believes they found. */
export interface Mark {
  number: number;
  file: string;
  /** The lines as the learner gave them, in their file at the time of marking. */
  line: number;
  to: number;
  /** The same lines in the file as served: what is scored against the planted bugs. */
  served: { line: number; to: number };
  category: BugCategory;
  why: string;
  at: string;
}

export type RoundEnd = 'finish' | 'time-up' | 'gave-up';

export function newRound(mode: Round['mode'], startedAt: string, limitMinutes?: number): Round {
  return { mode, startedAt, ...(mode === 'interview' && limitMinutes !== undefined ? { limitMinutes } : {}), marks: [], nextMark: 1, hints: 0, checks: 0, watchRuns: 0 };
}

/** Milliseconds left in a timed round (negative once over), or undefined when untimed. */
export function timeLeftMs(round: Round, now: Date): number | undefined {
  if (round.limitMinutes === undefined) return undefined;
  return Date.parse(round.startedAt) + round.limitMinutes * 60_000 - now.getTime();
}

export function isTimeUp(round: Round, now: Date): boolean {
  const left = timeLeftMs(round, now);
  return left !== undefined && left <= 0;
}

/** The running round of an exercise, or a usage error that says how to start one. */
export function requireRound(entry: ExerciseProgress | undefined, exerciseId: string, what: string): Round {
  if (entry?.round) return entry.round;
  const ended = entry?.scorecards?.length ? ' Your last round has ended (`bugbash progress` shows its scorecard).' : '';
  throw new UsageError(`${what} needs a running interview for "${exerciseId}".${ended} Start one with \`bugbash start ${exerciseId} --interview\` (timed) or \`--blind\` (untimed); for an exercise already in your workspace, \`bugbash reset ${exerciseId}\` first (your files are backed up).`);
}

export function addMark(round: Round, mark: Omit<Mark, 'number'>): Mark {
  const numbered: Mark = { number: round.nextMark, ...mark };
  round.nextMark += 1;
  round.marks.push(numbered);
  return numbered;
}

export function removeMark(round: Round, number: number): Mark {
  const index = round.marks.findIndex((mark) => mark.number === number);
  if (index < 0) {
    const known = round.marks.map((mark) => mark.number);
    throw new UsageError(`there is no mark ${number}${known.length ? `; your marks are ${known.join(', ')} (\`bugbash marks\` lists them)` : ': you have not marked anything yet'}.`);
  }
  return round.marks.splice(index, 1)[0]!;
}
