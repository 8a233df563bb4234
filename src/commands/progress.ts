import { plantedCount } from '../catalog/pool.js';
import { style, symbols } from '../report/style.js';
import { scorecardLine } from '../report/scorecard.js';
import { formatDuration } from '../report/time.js';
import type { CommandContext } from './context.js';

export function progressCommand(context: CommandContext, options: { json?: boolean }): number {
  const progress = context.workspace.progress;
  const rows = context.catalog.exercises.map((catalogued) => {
    const exercise = context.workspace.attempt(catalogued);
    const entry = progress.exercise(exercise.id);
    return {
      id: exercise.id,
      bugs: plantedCount(exercise),
      ...(exercise.draw ? { pool: exercise.manifest.bugs.length, seed: exercise.draw.seed } : {}),
      fixed: entry?.lastCheck?.fixed.length ?? 0,
      solved: Boolean(entry?.solvedAt),
      started: Boolean(entry),
      hintsUsed: Object.values(entry?.hintsUsed ?? {}).reduce((a, b) => a + b, 0),
      checks: entry?.checks ?? 0,
      watchRuns: entry?.watchRuns ?? 0,
      round: entry?.round ? { mode: entry.round.mode, startedAt: entry.round.startedAt, marks: entry.round.marks.length } : undefined,
      scorecards: entry?.scorecards ?? [],
      bestTimeMs: entry?.bestTimeMs,
      gaveUp: Boolean(entry?.gaveUp),
    };
  });
  if (options.json) {
    context.print(JSON.stringify({ workspace: context.workspace.root, exercises: rows }, null, 2));
    return 0;
  }
  const solved = rows.filter((row) => row.solved).length;
  const bugsFixed = rows.reduce((sum, row) => sum + (row.solved ? row.bugs : row.fixed), 0);
  const bugsTotal = rows.reduce((sum, row) => sum + row.bugs, 0);
  context.print(style.bold(`Progress in ${context.workspace.root}`));
  context.print(`${solved} of ${rows.length} exercises solved, ${bugsFixed} of ${bugsTotal} bugs fixed, ${rows.reduce((s, r) => s + r.hintsUsed, 0)} hints used.\n`);
  const width = Math.max(...rows.map((row) => row.id.length), 8);
  context.print(style.dim(`${'exercise'.padEnd(width)}  ${'fixed'.padEnd(7)}  ${'hints'.padEnd(5)}  ${'checks'.padEnd(6)}  best time`));
  for (const row of rows) {
    const mark = row.solved ? style.ok(symbols.fixed) : row.started ? style.warn(symbols.bullet) : ' ';
    const best = row.bestTimeMs !== undefined ? formatDuration(row.bestTimeMs) : row.gaveUp ? style.dim('gave up') : style.dim('-');
    context.print(`${row.id.padEnd(width)}  ${mark} ${`${row.solved ? row.bugs : row.fixed}/${row.bugs}`.padEnd(5)}  ${String(row.hintsUsed).padEnd(5)}  ${String(row.checks).padEnd(6)}  ${best}${row.watchRuns ? style.dim(`  (+${row.watchRuns} watch re-runs)`) : ''}${row.round ? style.warn(`  ${row.round.mode} round running`) : ''}`);
  }
  const withScorecards = rows.filter((row) => row.scorecards.length > 0);
  if (withScorecards.length > 0) {
    context.print(style.bold('\nScorecards:'));
    for (const row of withScorecards) {
      context.print(row.id);
      for (const card of row.scorecards) context.print(`  ${scorecardLine(card)}`);
    }
  }
  return 0;
}
