import type { Exercise } from '../catalog/catalog.js';
import type { CheckResult } from '../grading/verdict.js';
import type { PlantedRange } from './planted.js';
import type { Mark, Round, RoundEnd } from './round.js';

/** How many lines a mark may miss a planted hunk by and still count as finding it. */
export const MARK_TOLERANCE = 2;

/** The score formula (README "Scorecard"): out of 100, never below 0. */
export const POINTS = {
  /** Shared by the bugs: found = marked within the tolerance of the bug's hunk. */
  found: 30,
  /** Shared by the bugs: fixed at the end of the round. */
  fixed: 40,
  /** When at least one bug is fixed and the code compiles, loads and breaks no working behaviour at the end. */
  noRegressions: 15,
  /** Shared by the bugs: found with the right category. */
  explanations: 15,
  perRegression: 5,
  perHint: 3,
  perFalseAlarm: 5,
  /** Per minute (or part of one) over an interview's time limit. */
  perMinuteOver: 1,
  maxOverTime: 15,
} as const;

export interface ScoredMark extends Mark {
  /** The planted bug this mark found, numbered as in the report (1-based); absent for a false alarm. */
  bug?: number;
  bugId?: string;
  found: boolean;
  categoryRight: boolean;
  /** The bug's category and explanation, to compare with the learner's. */
  bugCategory?: string;
  explanation?: string;
}

export interface BugOutcome {
  number: number;
  id: string;
  title: string;
  category: string;
  found: boolean;
  fixed: boolean;
  categoryRight: boolean;
  explanation: string;
}

export interface Scorecard {
  exercise: string;
  mode: Round['mode'];
  endedBy: RoundEnd;
  startedAt: string;
  finishedAt: string;
  total: number;
  found: number;
  fixed: number;
  foundAndFixed: number;
  categoryRight: number;
  falseAlarms: number;
  regressions: number;
  /** Compile, load or run problems at the end (they also forfeit the no-regressions points). */
  problems: number;
  hintsUsed: number;
  checks: number;
  watchRuns: number;
  seconds: number;
  limitSeconds?: number;
  overSeconds: number;
  score: number;
  points: { found: number; fixed: number; noRegressions: number; explanations: number; hints: number; falseAlarms: number; overTime: number };
  marks: ScoredMark[];
  bugs: BugOutcome[];
}

function overlaps(mark: Mark, range: PlantedRange): number | undefined {
  const from = range.start - MARK_TOLERANCE;
  const to = range.end + MARK_TOLERANCE;
  if (mark.served.to < from || mark.served.line > to) return undefined;
  // Distance between the mark and the hunk itself (0 when they share a line), to pick the nearest.
  return Math.max(0, range.start - mark.served.to, mark.served.line - range.end);
}

/** Matches each mark to the planted bug it points at: same file, overlapping hunk (± tolerance); right category first, then nearest. */
export function scoreMarks(exercise: Exercise, marks: Mark[], ranges: PlantedRange[]): ScoredMark[] {
  return marks.map((mark) => {
    const candidates = ranges
      .filter((range) => range.file === mark.file)
      .flatMap((range) => {
        const distance = overlaps(mark, range);
        const index = exercise.bugs.findIndex((bug) => bug.id === range.bug);
        return distance === undefined || index < 0 ? [] : [{ index, distance, categoryRight: exercise.bugs[index]!.category === mark.category }];
      })
      .sort((a, b) => Number(b.categoryRight) - Number(a.categoryRight) || a.distance - b.distance || a.index - b.index);
    const best = candidates[0];
    if (!best) return { ...mark, found: false, categoryRight: false };
    const bug = exercise.bugs[best.index]!;
    return { ...mark, bug: best.index + 1, bugId: bug.id, found: true, categoryRight: best.categoryRight, bugCategory: bug.category, explanation: bug.explanation };
  });
}

export interface ScoreInput {
  exercise: Exercise;
  round: Round;
  /** The verdict on the learner's code at the end of the round. */
  result: CheckResult;
  ranges: PlantedRange[];
  endedBy: RoundEnd;
  now: Date;
}

export function scoreRound({ exercise, round, result, ranges, endedBy, now }: ScoreInput): Scorecard {
  const marks = scoreMarks(exercise, round.marks, ranges);
  const fixedIds = new Set(result.bugs.filter((bug) => bug.status === 'fixed').map((bug) => bug.id));
  const bugs: BugOutcome[] = exercise.bugs.map((bug, index) => {
    const own = marks.filter((mark) => mark.bugId === bug.id);
    return {
      number: index + 1,
      id: bug.id,
      title: bug.title,
      category: bug.category,
      found: own.length > 0,
      fixed: fixedIds.has(bug.id),
      categoryRight: own.some((mark) => mark.categoryRight),
      explanation: bug.explanation,
    };
  });
  const total = exercise.bugs.length;
  const count = (predicate: (bug: BugOutcome) => boolean) => bugs.filter(predicate).length;
  const found = count((bug) => bug.found);
  const fixed = count((bug) => bug.fixed);
  const categoryRight = count((bug) => bug.categoryRight);
  const falseAlarms = marks.filter((mark) => !mark.found).length;
  const regressions = result.regressions.length;
  const problems = result.problems.length;
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(round.startedAt)) / 1000));
  const limitSeconds = round.limitMinutes !== undefined ? round.limitMinutes * 60 : undefined;
  const overSeconds = limitSeconds !== undefined ? Math.max(0, seconds - limitSeconds) : 0;
  const points = {
    found: (POINTS.found * found) / total,
    fixed: (POINTS.fixed * fixed) / total,
    // Not breaking anything is worth points once something was fixed: untouched code earns none.
    noRegressions: problems > 0 || fixed === 0 ? 0 : Math.max(0, POINTS.noRegressions - POINTS.perRegression * regressions),
    explanations: (POINTS.explanations * categoryRight) / total,
    hints: -POINTS.perHint * round.hints,
    falseAlarms: -POINTS.perFalseAlarm * falseAlarms,
    overTime: -Math.min(POINTS.maxOverTime, POINTS.perMinuteOver * Math.ceil(overSeconds / 60)),
  };
  const rounded = Object.fromEntries(Object.entries(points).map(([key, value]) => [key, Math.round(value * 10) / 10])) as Scorecard['points'];
  const sum = Object.values(points).reduce((a, b) => a + b, 0);
  return {
    exercise: exercise.id,
    mode: round.mode,
    endedBy,
    startedAt: round.startedAt,
    finishedAt: now.toISOString(),
    total,
    found,
    fixed,
    foundAndFixed: count((bug) => bug.found && bug.fixed),
    categoryRight,
    falseAlarms,
    regressions,
    problems,
    hintsUsed: round.hints,
    checks: round.checks,
    watchRuns: round.watchRuns,
    seconds,
    ...(limitSeconds !== undefined ? { limitSeconds } : {}),
    overSeconds,
    score: Math.max(0, Math.min(100, Math.round(sum))),
    points: rounded,
    marks,
    bugs,
  };
}
