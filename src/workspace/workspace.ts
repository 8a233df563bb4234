import { randomInt } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { drawFor, isPooled, plantedExercise, recordedDraw, type Draw } from '../catalog/pool.js';
import { UsageError, WorkspaceError } from '../errors.js';
import { servedFiles } from '../grading/implementation.js';
import { visibleTestFiles } from '../grading/visible.js';
import { newRound } from '../interview/round.js';
import { writeFileAtomic } from './atomic.js';
import { Progress } from './progress.js';

export const DEFAULT_WORKSPACE = 'bugbash';

/** A seed for a new draw: random, and short enough to type back into `start --seed`. */
export function randomSeed(): number {
  return randomInt(1, 1_000_000);
}

/**
 * The workspace: --workspace or $BUGBASH_WORKSPACE when given; else, like git, the nearest
 * folder from `cwd` upwards that is a workspace (so commands work from inside an exercise
 * folder); else ./bugbash.
 */
export function resolveWorkspaceDir(option: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const chosen = option || env.BUGBASH_WORKSPACE;
  if (chosen) return path.resolve(cwd, chosen);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.bugbash', 'progress.json'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  return path.resolve(cwd, DEFAULT_WORKSPACE);
}

/**
 * The learner's folder: one sub-folder per exercise with their editable files, and a
 * `.bugbash/` folder with progress, the files as served (for `diff`) and backups.
 */
export class Workspace {
  readonly progress: Progress;

  constructor(
    readonly root: string,
    now?: () => Date,
    private readonly newSeed: () => number = randomSeed,
  ) {
    this.progress = new Progress(path.join(root, '.bugbash', 'progress.json'), now);
  }

  /**
   * The exercise as this workspace's attempt has it: for a pooled exercise that was started,
   * only the drawn bugs (graded, hinted, scored, served); any other exercise as it is.
   */
  attempt(exercise: Exercise): Exercise {
    if (!isPooled(exercise) || exercise.draw) return exercise;
    const draw = recordedDraw(exercise, this.progress.exercise(exercise.id)?.draw);
    return draw ? plantedExercise(exercise, draw) : exercise;
  }

  /** A new draw of a pooled exercise: from `seed`, else from a new random seed. */
  private draw(exercise: Exercise, seed?: number): Draw {
    return drawFor(exercise, seed ?? this.newSeed());
  }

  exerciseDir(exercise: Exercise): string {
    return path.join(this.root, exercise.id);
  }

  /** The exercise folder `dir` is in (`bugbash/payment-processor/…` → "payment-processor"), if any. */
  exerciseIdAt(dir: string): string | undefined {
    const relative = path.relative(this.root, path.resolve(dir));
    const first = relative.split(path.sep)[0];
    if (!first || first === '..' || path.isAbsolute(relative) || first.startsWith('.')) return undefined;
    return first;
  }

  servedDir(exercise: Exercise): string {
    return path.join(this.root, '.bugbash', 'served', exercise.id);
  }

  isStarted(exercise: Exercise): boolean {
    return exercise.manifest.files.some((file) => existsSync(path.join(this.exerciseDir(exercise), file)));
  }

  filePaths(exercise: Exercise): string[] {
    return exercise.manifest.files.map((file) => path.join(this.exerciseDir(exercise), file));
  }

  /** True when every file is exactly as served: there is no work to lose. */
  isUntouched(exercise: Exercise): boolean {
    return exercise.manifest.files.every((file) => this.currentText(exercise, file) === this.servedText(exercise, file));
  }

  /**
   * Copies the served starter in; refuses to touch existing work. A blind round (interview
   * or blind) may also begin on files that are still exactly as served, e.g. after `reset`.
   */
  start(exercise: Exercise, options: { interview?: boolean; blind?: boolean; seed?: number } = {}): { files: string[]; exercise: Exercise } {
    if (options.seed !== undefined && !isPooled(exercise)) {
      throw new UsageError(`"${exercise.id}" plants all its ${exercise.manifest.bugs.length} bugs in every attempt: --seed only chooses the bugs of a pooled exercise (one with "plant" in its exercise.json).`);
    }
    const round = options.interview ? 'interview' : options.blind ? 'blind' : undefined;
    const running = this.progress.exercise(exercise.id)?.round;
    if (round && running) {
      throw new WorkspaceError(`a ${running.mode} round of "${exercise.id}" is already running (since ${running.startedAt}); \`bugbash finish ${exercise.id}\` ends it with its scorecard, then start another.`);
    }
    if (this.isStarted(exercise) && !(round && this.isUntouched(exercise))) {
      throw new WorkspaceError(
        `${this.exerciseDir(exercise)} already has your work for "${exercise.id}"; nothing was overwritten. Keep going with \`bugbash check ${exercise.id}\`, or start over with \`bugbash reset ${exercise.id}\`.`,
      );
    }
    // Every start of a pooled exercise is a new attempt: a new draw (files still as served
    // may be replaced: they hold no work).
    const draw = isPooled(exercise) ? this.draw(exercise, options.seed) : undefined;
    const attempt = draw ? plantedExercise(exercise, draw) : exercise;
    this.writeServed(attempt, { overwrite: draw !== undefined });
    const entry = this.progress.started(exercise.id, options.interview ? { limitMinutes: exercise.manifest.timeLimitMinutes } : undefined);
    if (draw) entry.draw = draw;
    if (round) entry.round = newRound(round, entry.startedAt, round === 'interview' ? exercise.manifest.timeLimitMinutes : undefined);
    this.progress.save();
    return { files: this.filePaths(exercise), exercise: attempt };
  }

  /** Replaces the learner's files with the served starter, after backing them up. Returns the backup folder. */
  reset(exercise: Exercise, stamp: string, options: { fresh?: boolean; redraw?: boolean } = {}): { backup?: string; exercise: Exercise } {
    if (options.redraw && !isPooled(exercise)) {
      throw new UsageError(`"${exercise.id}" plants all its ${exercise.manifest.bugs.length} bugs in every attempt: there is nothing to redraw (only pooled exercises, with "plant" in their exercise.json, draw their bugs).`);
    }
    if (options.redraw && this.progress.exercise(exercise.id)?.round) {
      throw new WorkspaceError(`a ${this.progress.exercise(exercise.id)!.round!.mode} round of "${exercise.id}" is running: its bugs cannot be redrawn until it ends (\`bugbash finish ${exercise.id}\`).`);
    }
    // Keep the attempt's draw, unless asked for a new one; a pooled exercise reset before it
    // was ever started gets its first draw here.
    const kept = isPooled(exercise) && !options.redraw ? recordedDraw(exercise, this.progress.exercise(exercise.id)?.draw) : undefined;
    const draw = isPooled(exercise) ? (kept ?? this.draw(exercise)) : undefined;
    const attempt = draw ? plantedExercise(exercise, draw) : exercise;
    let backup: string | undefined;
    if (this.isStarted(exercise)) {
      backup = path.join(this.root, '.bugbash', 'backups', `${exercise.id}-${stamp}`);
      mkdirSync(backup, { recursive: true });
      for (const file of [...exercise.manifest.files, ...(exercise.manifest.visibleTests?.files ?? [])]) {
        const source = path.join(this.exerciseDir(exercise), file);
        if (existsSync(source)) {
          mkdirSync(path.dirname(path.join(backup, file)), { recursive: true });
          cpSync(source, path.join(backup, file));
        }
      }
    }
    this.writeServed(attempt, { overwrite: true });
    const previous = this.progress.exercise(exercise.id);
    if (previous?.round) {
      // A running round goes on (same clock, same marks): reset is no way out of blind mode.
      const entry = this.progress.started(exercise.id);
      entry.round = previous.round;
      entry.startedAt = previous.startedAt;
      if (previous.interview) entry.interview = previous.interview;
    } else if (options.fresh || options.redraw || !previous) {
      // New bugs are a new attempt: its clock starts now.
      this.progress.started(exercise.id);
    } else {
      // Restoring files is not a new attempt (a restored fix must not be timed from the reset):
      // the clock restarts only when the learner asks for a fresh attempt.
      delete previous.lastCheck;
      this.progress.data.current = exercise.id;
    }
    if (draw) this.progress.exercise(exercise.id)!.draw = draw;
    this.progress.save();
    return { backup, exercise: attempt };
  }

  private writeServed(exercise: Exercise, options: { overwrite?: boolean } = {}): void {
    for (const [file, text] of servedFiles(exercise)) {
      const target = path.join(this.exerciseDir(exercise), file);
      if (existsSync(target) && !options.overwrite) continue;
      writeFileAtomic(target, text);
      writeFileAtomic(path.join(this.servedDir(exercise), file), text);
    }
    // A repository-scale exercise's own test suite, served beside the code (`bugbash test`).
    for (const [file, text] of visibleTestFiles(exercise)) {
      const target = path.join(this.exerciseDir(exercise), file);
      if (existsSync(target) && !options.overwrite) continue;
      writeFileAtomic(target, text);
    }
    const readme = path.join(this.root, 'README.md');
    if (!existsSync(readme)) {
      mkdirSync(this.root, { recursive: true });
      writeFileSync(readme, '# bugbash workspace\n\nEach folder holds one exercise: edit its files in your editor, then run `bugbash check <id>`.\nProgress lives in `.bugbash/progress.json`; `bugbash progress` shows it.\n');
    }
  }

  /** The files as they were served, for `diff` (falls back to the current starter). */
  servedText(exercise: Exercise, file: string): string {
    const saved = path.join(this.servedDir(exercise), file);
    if (existsSync(saved)) return readFileSync(saved, 'utf8');
    return servedFiles(this.attempt(exercise)).get(file) ?? '';
  }

  /** The learner's current text of a file, or undefined when they deleted it. */
  currentText(exercise: Exercise, file: string): string | undefined {
    const target = path.join(this.exerciseDir(exercise), file);
    return existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  }

  requireStarted(exercise: Exercise): void {
    if (!this.isStarted(exercise)) {
      throw new WorkspaceError(`"${exercise.id}" is not started in ${this.root}. Run \`bugbash start ${exercise.id}\` first.`);
    }
  }
}
