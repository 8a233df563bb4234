import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { WorkspaceError } from '../errors.js';
import { servedFiles } from '../grading/implementation.js';
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

  /** Copies the served starter in; refuses to touch existing work. */
  start(exercise: Exercise, options: { interview?: boolean } = {}): string[] {
    if (this.isStarted(exercise)) {
      throw new WorkspaceError(
        `${this.exerciseDir(exercise)} already has your work for "${exercise.id}"; nothing was overwritten. Keep going with \`bugbash check ${exercise.id}\`, or start over with \`bugbash reset ${exercise.id}\`.`,
      );
    }
    this.writeServed(exercise);
    this.progress.started(exercise.id, options.interview ? { limitMinutes: exercise.manifest.timeLimitMinutes } : undefined);
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
    // Restoring files is not a new attempt (a restored fix must not be timed from the reset):
    // the clock restarts only when the learner asks for a fresh attempt.
    const entry = this.progress.exercise(exercise.id);
    if (options.fresh || !entry) this.progress.started(exercise.id);
    else {
      delete entry.lastCheck;
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
