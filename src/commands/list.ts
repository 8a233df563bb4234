import { plantedCount } from '../catalog/pool.js';
import type { CommandContext } from './context.js';
import { formatDuration } from '../report/time.js';
import { style, symbols } from '../report/style.js';

export interface ExerciseRow {
  id: string;
  title: string;
  difficulty: string;
  /** Bugs one attempt plants (the same as `planted`). */
  bugs: number;
  /** Bugs one attempt plants: `plant` of a pooled exercise, else every bug. */
  planted: number;
  /** Bugs the exercise declares, that attempts draw from (equal to `planted` unless pooled). */
  pool: number;
  status: 'not started' | 'in progress' | 'solved';
  fixed?: number;
  bestTimeMs?: number;
  source: string;
}

export function exerciseRows(context: CommandContext): ExerciseRow[] {
  const progress = context.workspace.progress;
  return context.catalog.exercises.map((exercise) => {
    const entry = progress.exercise(exercise.id);
    const started = entry !== undefined || context.workspace.isStarted(exercise);
    return {
      id: exercise.id,
      title: exercise.manifest.title,
      difficulty: exercise.manifest.difficulty,
      bugs: plantedCount(exercise),
      planted: plantedCount(exercise),
      pool: exercise.manifest.bugs.length,
      status: entry?.solvedAt ? 'solved' : started ? 'in progress' : 'not started',
      fixed: entry?.lastCheck?.fixed.length,
      bestTimeMs: entry?.bestTimeMs,
      source: exercise.set.bundled ? 'bundled' : exercise.set.root,
    };
  });
}

export function listCommand(context: CommandContext, options: { json?: boolean }): number {
  const rows = exerciseRows(context);
  if (options.json) {
    context.print(JSON.stringify({ exercises: rows, broken: context.catalog.broken.map(({ id, set, problems }) => ({ id, set: set.root, problems })) }, null, 2));
    return 0;
  }
  const width = Math.max(...rows.map((row) => row.id.length), 8);
  // A pooled exercise shows what an attempt plants out of its pool: "6 of 9".
  const bugs = (row: ExerciseRow) => (row.planted === row.pool ? String(row.bugs) : `${row.planted} of ${row.pool}`);
  const bugsWidth = Math.max(4, ...rows.map((row) => bugs(row).length));
  context.print(style.bold(`${'#'.padEnd(3)} ${'exercise'.padEnd(width)}  ${'level'.padEnd(6)}  ${'bugs'.padEnd(bugsWidth)}  ${'status'.padEnd(16)}  best time`));
  rows.forEach((row, index) => {
    const status =
      row.status === 'solved'
        ? style.ok(`${symbols.fixed} solved`.padEnd(16))
        : row.status === 'in progress'
          ? style.warn(`${row.fixed ?? 0} of ${row.bugs} fixed`.padEnd(16))
          : style.dim('not started'.padEnd(16));
    const best = row.bestTimeMs !== undefined ? formatDuration(row.bestTimeMs) : style.dim('-');
    context.print(`${String(index + 1).padEnd(3)} ${row.id.padEnd(width)}  ${row.difficulty.padEnd(6)}  ${bugs(row).padEnd(bugsWidth)}  ${status}  ${best}`);
  });
  for (const broken of context.catalog.broken) {
    context.print(style.bad(`${symbols.present} ${broken.id} (${broken.set.root}) cannot be served: ${broken.problems[0]}${broken.problems.length > 1 ? ` (+${broken.problems.length - 1} more; run \`bugbash author validate ${broken.id}\`)` : ''}`));
  }
  context.print(style.dim('\nStart one with `bugbash start <exercise>`.'));
  return 0;
}
