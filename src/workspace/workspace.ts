import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { WorkspaceError } from '../errors.js';
import { servedFiles } from '../grading/implementation.js';
import { newRound } from '../interview/round.js';
import { writeFileAtomic } from './atomic.js';
import { Progress } from './progress.js';

export const DEFAULT_WORKSPACE = 'bugbash';

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
  ) {
    this.progress = new Progress(path.join(root, '.bugbash', 'progress.json'), now);
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
  start(exercise: Exercise, options: { interview?: boolean; blind?: boolean } = {}): string[] {
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
    this.writeServed(exercise);
    const entry = this.progress.started(exercise.id, options.interview ? { limitMinutes: exercise.manifest.timeLimitMinutes } : undefined);
    if (round) entry.round = newRound(round, entry.startedAt, round === 'interview' ? exercise.manifest.timeLimitMinutes : undefined);
    this.progress.save();
    return this.filePaths(exercise);
  }

  /** Replaces the learner's files with the served starter, after backing them up. Returns the backup folder. */
  reset(exercise: Exercise, stamp: string, options: { fresh?: boolean } = {}): string | undefined {
    let backup: string | undefined;
    if (this.isStarted(exercise)) {
      backup = path.join(this.root, '.bugbash', 'backups', `${exercise.id}-${stamp}`);
      mkdirSync(backup, { recursive: true });
      for (const file of exercise.manifest.files) {
        const source = path.join(this.exerciseDir(exercise), file);
        if (existsSync(source)) {
          mkdirSync(path.dirname(path.join(backup, file)), { recursive: true });
          cpSync(source, path.join(backup, file));
        }
      }
    }
    this.writeServed(exercise, { overwrite: true });
    const previous = this.progress.exercise(exercise.id);
    if (previous?.round) {
      // A running round goes on (same clock, same marks): reset is no way out of blind mode.
      const entry = this.progress.started(exercise.id);
      entry.round = previous.round;
      entry.startedAt = previous.startedAt;
      if (previous.interview) entry.interview = previous.interview;
    } else if (options.fresh || !previous) {
      this.progress.started(exercise.id);
    } else {
      // Restoring files is not a new attempt (a restored fix must not be timed from the reset):
      // the clock restarts only when the learner asks for a fresh attempt.
      delete previous.lastCheck;
      this.progress.data.current = exercise.id;
    }
    this.progress.save();
    return backup;
  }

  private writeServed(exercise: Exercise, options: { overwrite?: boolean } = {}): void {
    for (const [file, text] of servedFiles(exercise)) {
      const target = path.join(this.exerciseDir(exercise), file);
      if (existsSync(target) && !options.overwrite) continue;
      writeFileAtomic(target, text);
      writeFileAtomic(path.join(this.servedDir(exercise), file), text);
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
    return servedFiles(exercise).get(file) ?? '';
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
