import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { directoryImplementation } from '../grading/implementation.js';
import { GradingSession } from '../grading/session.js';
import { renderCheck } from '../report/check.js';
import { style } from '../report/style.js';
import { interviewLine, recordCheck } from './check.js';
import type { CommandContext } from './context.js';

const DEBOUNCE_MS = 50;

/**
 * Re-checks on every save. Watches the exercise folder (not the files), so editors that
 * save by writing a new file and renaming it over the old one are seen too.
 */
export async function watchCommand(context: CommandContext, id: string | undefined, options: { verbose?: boolean }): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  workspace.requireStarted(exercise);
  const dir = workspace.exerciseDir(exercise);
  const session = new GradingSession(exercise, directoryImplementation(dir, 'workspace'));
  session.warm();
  const watched = new Set(exercise.manifest.files.map((file) => path.join(dir, file)));
  const tty = Boolean(process.stdout.isTTY);

  let running = false;
  let queued = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const run = async (changed: string[]) => {
    if (running) {
      changed.forEach((file) => queued.add(file));
      return;
    }
    running = true;
    if (tty) process.stdout.write('\x1b[2J\x1b[H');
    context.print(style.dim(`checking ${exercise.id}…`));
    try {
      const result = await session.check();
      const solvedLine = recordCheck(workspace, exercise, result);
      if (tty) process.stdout.write('\x1b[2J\x1b[H');
      context.print(style.bold(`${exercise.manifest.title} (${exercise.id})`) + style.dim(`  checked in ${(result.durationMs / 1000).toFixed(1)} s`));
      context.print(renderCheck(result, { verbose: options.verbose }));
      const interview = interviewLine(workspace, exercise);
      if (interview) context.print(interview);
      if (solvedLine) context.print(solvedLine);
    } catch (error) {
      context.warn(style.bad(`check failed: ${(error as Error).message}`));
    } finally {
      running = false;
    }
    context.print(style.dim(`\nwatching ${path.relative(process.cwd(), dir) || dir} — save a file to re-check, r to re-run, q to quit`));
    if (queued.size > 0) {
      const next = [...queued];
      queued = new Set();
      await run(next);
    }
  };

  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, name) => {
    if (!name) return;
    const file = path.join(dir, name.toString());
    if (!watched.has(file)) return;
    queued.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changed = [...queued];
      queued = new Set();
      void run(changed);
    }, DEBOUNCE_MS);
  });

  await run([]);

  return new Promise<number>((resolve) => {
    const stop = async () => {
      watcher.close();
      clearTimeout(timer);
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      // An open stdin pipe would keep the process alive after we are done.
      process.stdin.destroy();
      await session.close();
      resolve(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    // Keys in a terminal (raw mode); lines ("r", "q") when stdin is a pipe, e.g. an editor task.
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on('data', (key: Buffer) => {
      const text = key.toString().trim();
      if (text === 'q' || text === '\u0003') void stop();
      else if (text === 'r') void run([...watched]);
    });
    process.stdin.on('end', () => process.stdin.pause());
  });
}
