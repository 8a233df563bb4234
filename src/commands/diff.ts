import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileDiff } from '../report/diff.js';
import { style } from '../report/style.js';
import type { CommandContext } from './context.js';

export function diffCommand(context: CommandContext, id: string | undefined): number {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  workspace.requireStarted(exercise);
  let changed = 0;
  for (const file of exercise.manifest.files) {
    const served = workspace.servedText(exercise, file);
    const current = workspace.currentText(exercise, file);
    if (current === undefined) {
      context.print(style.bad(`${file}: deleted (\`bugbash reset ${exercise.id}\` restores the starter)`));
      changed++;
    } else if (current !== served) {
      context.print(fileDiff(file, served, current, ['served', 'yours']));
      changed++;
    }
  }
  if (changed === 0) context.print(style.dim('No changes yet: your files are as they were served.'));
  return 0;
}

export async function solutionCommand(context: CommandContext, id: string | undefined, options: { yes?: boolean }): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  const entry = workspace.progress.exercise(exercise.id);
  if ((!entry?.solvedAt && !entry?.gaveUp) || entry?.round) {
    const { confirmAction } = await import('../prompts.js');
    const question = entry?.round
      ? `Your ${entry.round.mode} round of "${exercise.id}" is running. Give up, end it with a scorecard and see the reference solution? (\`bugbash finish\` ends it without giving up)`
      : `"${exercise.id}" is not solved yet. Give up and see the reference solution? (recorded in your progress)`;
    const ok = await confirmAction(question, options.yes, '--yes');
    if (!ok) {
      context.print('Keep going: `bugbash hint` gives the next hint.');
      return 0;
    }
    workspace.progress.recordGiveUp(exercise.id);
    workspace.progress.save();
  }
  // Giving up ends a running interview: its scorecard first, then the answer.
  if (workspace.progress.exercise(exercise.id)?.round) {
    const { finishRound } = await import('./finish.js');
    const { renderScorecard } = await import('../report/scorecard.js');
    context.print(renderScorecard(await finishRound(workspace, exercise, 'gave-up')));
    context.print('');
  }
  for (const file of exercise.manifest.files) {
    const reference = readFileSync(path.join(exercise.solutionDir, file), 'utf8');
    const current = workspace.currentText(exercise, file) ?? workspace.servedText(exercise, file);
    context.print(current === reference ? style.dim(`${file}: identical to the reference`) : fileDiff(file, current, reference, ['yours', 'reference']));
  }
  context.print('');
  context.print(style.bold('The bugs, and why they matter:'));
  exercise.bugs.forEach((bug, index) => {
    context.print(`\n${style.bold(`${index + 1}. ${bug.title}`)} ${style.dim(`(${bug.category})`)}`);
    context.print(`   ${bug.explanation}`);
  });
  return 0;
}

export async function resetCommand(context: CommandContext, id: string | undefined, options: { yes?: boolean; fresh?: boolean; redraw?: boolean }): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  const { confirmAction } = await import('../prompts.js');
  if (workspace.isStarted(exercise)) {
    const ok = await confirmAction(`Replace your files in ${workspace.exerciseDir(exercise)} with the original starter? (a backup is kept)`, options.yes, '--yes');
    if (!ok) {
      context.print('Nothing changed.');
      return 0;
    }
  }
  const previousSeed = exercise.draw?.seed;
  const { backup, exercise: attempt } = workspace.reset(exercise, new Date().toISOString().replace(/[:.]/g, '-'), { fresh: options.fresh, redraw: options.redraw });
  const fresh = options.fresh || options.redraw;
  context.print(`Reset "${exercise.id}" to the starter.${backup ? ` Your previous files are in ${backup}` : ''}${fresh ? ' A fresh attempt: the clock starts now.' : ' The clock keeps running from your first start (--fresh starts a new attempt).'}`);
  if (attempt.draw) {
    const pool = exercise.manifest.bugs.length;
    context.print(
      options.redraw || attempt.draw.seed !== previousSeed
        ? `New draw: ${attempt.bugs.length} of the ${pool} bugs, seed ${attempt.draw.seed} (\`bugbash start ${exercise.id} --seed ${attempt.draw.seed}\` replays it).`
        : style.dim(`The same ${attempt.bugs.length} of ${pool} bugs as before (seed ${attempt.draw.seed}); \`--redraw\` draws others.`),
    );
  }
  return 0;
}
