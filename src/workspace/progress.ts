import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { Round } from '../interview/round.js';
import type { Scorecard } from '../interview/scorecard.js';
import { writeFileAtomic } from './atomic.js';

/** What ran the hidden tests: a `check`, a watch re-run, or bugbash itself (e.g. `hint` finding what is fixed). */
export type CheckSource = 'check' | 'watch' | 'internal';

export interface ExerciseProgress {
  startedAt: string;
  /** Set while a timed interview is running or after it ended. */
  interview?: { startedAt: string; limitMinutes: number };
  solvedAt?: string;
  /** Fastest start-to-solve time, in milliseconds, over every attempt. */
  bestTimeMs?: number;
  /** Hints shown, per bug id. */
  hintsUsed: Record<string, number>;
  /** The learner gave up and looked at the solution before solving. */
  gaveUp?: boolean;
  /** Manual `check` runs. */
  checks: number;
  /** Re-runs of `watch` (on save or "r"), counted apart from manual checks. Absent in older files. */
  watchRuns?: number;
  /** A blind round (`start --interview` or `--blind`) while it runs; removed when it ends. */
  round?: Round;
  /** One per ended round, oldest first. Absent in older files. */
  scorecards?: Scorecard[];
  /**
   * A pooled exercise: the seed of this attempt and the bugs it planted (`start --seed N`
   * replays it; `reset` keeps it, `reset --redraw` replaces it). Absent for other exercises.
   */
  draw?: { seed: number; planted: string[] };
  lastCheck?: { at: string; fixed: string[]; total: number; solved: boolean; regressions: number };
}

export interface ProgressData {
  version: 1;
  current?: string;
  exercises: Record<string, ExerciseProgress>;
}

export function emptyProgress(): ProgressData {
  return { version: 1, exercises: {} };
}

/**
 * The learner's progress, one small human-readable JSON file. Written atomically; a file
 * that cannot be read is moved aside (never overwritten) and reported through `warnings`.
 */
export class Progress {
  readonly warnings: string[] = [];
  data: ProgressData;

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.data = this.load();
  }

  /**
   * Reads the file again. A long-running command (watch) calls this before it records, so
   * what another command wrote meanwhile (a mark, a hint, a finished round) is not lost.
   */
  reload(): void {
    this.data = this.load();
  }

  /**
   * Reads the file again before a check is recorded, keeping what only recording a check
   * writes (the last check, when it was solved, the best time) as this process knows it:
   * marks, hints and rounds written meanwhile by another command are kept, while anything
   * the graded code itself wrote into the file during the check is not believed.
   */
  reloadForCheck(id: string): void {
    const mine = this.data.exercises[id];
    this.data = this.load();
    if (!mine) return;
    const entry = (this.data.exercises[id] ??= structuredClone(mine));
    for (const field of ['lastCheck', 'solvedAt', 'bestTimeMs'] as const) {
      if (mine[field] === undefined) delete entry[field];
      else (entry as unknown as Record<string, unknown>)[field] = structuredClone(mine[field]);
    }
  }

  private load(): ProgressData {
    if (!existsSync(this.file)) return emptyProgress();
    const text = readFileSync(this.file, 'utf8');
    try {
      const parsed = JSON.parse(text) as ProgressData;
      if (parsed && parsed.version === 1 && typeof parsed.exercises === 'object' && parsed.exercises !== null) return parsed;
      throw new Error('it is not a bugbash progress file (version 1)');
    } catch (error) {
      const aside = `${this.file}.corrupt-${this.now().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(this.file, aside);
      this.warnings.push(
        `Your progress file ${this.file} could not be read (${(error as Error).message}). It was kept as ${aside}; progress starts afresh. Your exercise files are untouched.`,
      );
      return emptyProgress();
    }
  }

  save(): void {
    writeFileAtomic(this.file, `${JSON.stringify(this.data, null, 2)}\n`);
  }

  exercise(id: string): ExerciseProgress | undefined {
    return this.data.exercises[id];
  }

  started(id: string, interview?: { limitMinutes: number }): ExerciseProgress {
    const at = this.now().toISOString();
    const previous = this.data.exercises[id];
    const entry: ExerciseProgress = {
      startedAt: at,
      hintsUsed: previous?.hintsUsed ?? {},
      checks: previous?.checks ?? 0,
      ...(previous?.watchRuns !== undefined ? { watchRuns: previous.watchRuns } : {}),
      ...(previous?.scorecards ? { scorecards: previous.scorecards } : {}),
      bestTimeMs: previous?.bestTimeMs,
      gaveUp: previous?.gaveUp,
      solvedAt: previous?.solvedAt,
      ...(previous?.draw ? { draw: previous.draw } : {}),
      ...(interview ? { interview: { startedAt: at, limitMinutes: interview.limitMinutes } } : {}),
    };
    this.data.exercises[id] = entry;
    this.data.current = id;
    return entry;
  }

  ensure(id: string): ExerciseProgress {
    return this.data.exercises[id] ?? this.started(id);
  }

  recordCheck(
    id: string,
    check: { fixed: string[]; total: number; solved: boolean; regressions: number },
    source: CheckSource = 'check',
  ): { firstSolve: boolean; timeMs?: number; overTime?: boolean } {
    const entry = this.ensure(id);
    const at = this.now();
    if (source === 'check') entry.checks += 1;
    if (source === 'watch') entry.watchRuns = (entry.watchRuns ?? 0) + 1;
    if (entry.round && source !== 'internal') {
      if (source === 'check') entry.round.checks += 1;
      else entry.round.watchRuns += 1;
    }
    entry.lastCheck = { at: at.toISOString(), ...check };
    this.data.current = id;
    if (!check.solved) return { firstSolve: false };
    const timeMs = at.getTime() - Date.parse(entry.startedAt);
    const firstSolve = !entry.solvedAt || Date.parse(entry.solvedAt) < Date.parse(entry.startedAt);
    // A solve after an interview's time is up is a solve, but not a time to beat.
    const overTime = entry.interview !== undefined && at.getTime() > Date.parse(entry.interview.startedAt) + entry.interview.limitMinutes * 60_000;
    if (firstSolve) {
      entry.solvedAt = at.toISOString();
      if (!entry.gaveUp && !overTime && (entry.bestTimeMs === undefined || timeMs < entry.bestTimeMs)) entry.bestTimeMs = timeMs;
    }
    return { firstSolve, timeMs, ...(overTime ? { overTime } : {}) };
  }

  recordHint(id: string, bugId: string): number {
    const entry = this.ensure(id);
    entry.hintsUsed[bugId] = (entry.hintsUsed[bugId] ?? 0) + 1;
    return entry.hintsUsed[bugId];
  }

  recordGiveUp(id: string): void {
    this.ensure(id).gaveUp = true;
  }
}
