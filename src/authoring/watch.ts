/**
 * `author validate --watch`: re-validate on save. Saves come in bursts (an editor writes a
 * temp file and renames it, a formatter runs after), so changes are collected for a moment
 * and one validation runs for the burst; a save during a validation queues exactly one more.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { STAMP_FILE } from '../catalog/stamp.js';

const QUIET_MS = 300;

/** Changes that never need a new validation: our own stamp, editor droppings. */
function ignored(file: string): boolean {
  const base = path.basename(file);
  return base === STAMP_FILE || base === 'NOTES.md' || base.startsWith('.') || base.endsWith('~') || /\.sw[a-p]$/.test(base);
}

/**
 * Calls `run` once now and again after every burst of changes under `dirs`, never two at
 * once. Returns a function that stops watching and resolves when the current run ends.
 */
export function watchAndRun(dirs: string[], run: (changed: string[]) => Promise<void>): () => Promise<void> {
  const watchers: FSWatcher[] = [];
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const start = () => {
    timer = undefined;
    if (stopped) return;
    if (running) return; // the run in progress starts the next one when it ends
    const files = [...changed];
    changed.clear();
    running = run(files).finally(() => {
      running = undefined;
      if (changed.size > 0 && !stopped) start();
    });
  };

  for (const dir of dirs) {
    const watcher = watch(dir, { recursive: true }, (_event, file) => {
      if (!file || ignored(String(file))) return;
      changed.add(path.join(dir, String(file)));
      if (timer) clearTimeout(timer);
      timer = setTimeout(start, QUIET_MS);
    });
    watchers.push(watcher);
  }
  running = run([]).finally(() => {
    running = undefined;
    if (changed.size > 0 && !stopped) start();
  });

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
    await running;
  };
}
