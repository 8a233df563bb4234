import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { CancelledError } from '../errors.js';
import { directoryImplementation } from '../grading/implementation.js';
import { GradingSession } from '../grading/session.js';
import { style } from '../report/style.js';
import { recordLearnerCheck, renderRecordedCheck } from './check.js';
import type { CommandContext } from './context.js';

const DEBOUNCE_MS = 50;
/** Saves the file watcher misses (a folder replaced by `git checkout`, network file systems) are found by polling. */
const POLL_MS = 400;

/** What is on disk now: the content of every exercise file (or why it cannot be read). */
function snapshot(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    try {
      const stats = lstatSync(file);
      hash.update(stats.isFile() ? readFileSync(file) : `not a file: ${stats.mode}`);
    } catch (error) {
      hash.update(`unreadable: ${(error as NodeJS.ErrnoException).code}`);
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * Re-checks on every save. What was graded is compared with what is on disk (by content), so
 * saves that replace a file (rename-style editors, `sed -i`, `mv`, `git checkout`) are all
 * seen, and a file changed during a check is checked again. Each check runs in a fresh
 * grading process, so it grades exactly what is on disk.
 */
export async function watchCommand(context: CommandContext, id: string | undefined, options: { verbose?: boolean }): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  workspace.requireStarted(exercise);
  const dir = workspace.exerciseDir(exercise);
  const session = new GradingSession(exercise, directoryImplementation(dir, 'workspace'));
  session.warm();
  const files = exercise.manifest.files.map((file) => path.join(dir, file));
  const folders = [...new Set(files.map((file) => path.dirname(file)))];
  const tty = Boolean(process.stdout.isTTY);
  const keys = Boolean(process.stdin.isTTY);

  let graded: string | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  const checkOnce = async (): Promise<void> => {
    const before = snapshot(files);
    if (tty) process.stdout.write('\x1b[2J\x1b[H');
    context.print(style.dim(`checking ${exercise.id}…`));
    const result = await session.check();
    // A save during the check: this verdict may describe neither version, so check again.
    if (snapshot(files) !== before) {
      again = true;
      return;
    }
    graded = before;
    const recorded = recordLearnerCheck(workspace, exercise, result, 'watch');
    if (tty) process.stdout.write('\x1b[2J\x1b[H');
    context.print(style.bold(`${exercise.manifest.title} (${exercise.id})`) + style.dim(`  checked in ${(result.durationMs / 1000).toFixed(1)} s`));
    context.print(renderRecordedCheck(workspace, exercise, recorded, options));
    context.print(style.dim(`\nwatching ${path.relative(process.cwd(), dir) || dir} — save a file to re-check${keys ? ', r to re-run, q to quit' : ''}`));
  };

  let forceAgain = false;
  /**
   * Checks when what is on disk differs from what was graded (or when forced, `r`); during a
   * check, remembers to look again once it ends.
   */
  const run = async (force = false): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      forceAgain ||= force;
      return;
    }
    running = true;
    try {
      let forced = force;
      for (;;) {
        again = false;
        if (forced || graded === undefined || snapshot(files) !== graded) {
          try {
            await checkOnce();
          } catch (error) {
            if (error instanceof CancelledError || stopped) return;
            context.warn(style.bad(`check failed: ${(error as Error).message}`));
            graded = snapshot(files);
          }
        }
        forced = forceAgain;
        forceAgain = false;
        if ((!again && !forced) || stopped) break;
      }
    } finally {
      running = false;
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), DEBOUNCE_MS);
  };
  // Folder watchers see renames onto a file as well as writes; the poll covers what they miss.
  const watchers: FSWatcher[] = folders.map((folder) => watch(folder, changed).on('error', () => undefined));
  const poll = setInterval(() => {
    if (!running && graded !== undefined && snapshot(files) !== graded) void run();
  }, POLL_MS);

  const first = run(true);

  return new Promise<number>((resolve) => {
    const stop = async (code: number) => {
      if (stopped) return;
      stopped = true;
      watchers.forEach((watcher) => watcher.close());
      clearInterval(poll);
      clearTimeout(timer);
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      // An open stdin pipe would keep the process alive after we are done.
      process.stdin.destroy();
      // A check in progress is abandoned: nothing of it is printed or recorded.
      await session.close();
      await first.catch(() => undefined);
      resolve(code);
    };
    process.once('SIGINT', () => void stop(130));
    process.once('SIGTERM', () => void stop(143));
    // Keys in a terminal (raw mode); lines ("r", "q") when stdin is a pipe, e.g. an editor task.
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on('data', (key: Buffer) => {
      const text = key.toString().trim();
      if (text === '\u0003') void stop(130);
      else if (text === 'q') void stop(0);
      else if (text === 'r') void run(true);
    });
    process.stdin.on('end', () => process.stdin.pause());
  });
}
