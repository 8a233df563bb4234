import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { POINTS } from '../interview/scorecard.js';
import { style } from '../report/style.js';
import type { CommandContext } from './context.js';

export function startCommand(context: CommandContext, id: string, options: { interview?: boolean; blind?: boolean; seed?: number }): number {
  const exercise = context.exercise(id);
  if (options.interview && options.blind) throw new UsageError('choose one: --interview (timed) or --blind (untimed); both are blind rounds.');
  const { files, exercise: attempt } = context.workspace.start(exercise, { interview: options.interview, blind: options.blind, seed: options.seed });
  const brief = readFileSync(exercise.briefPath, 'utf8').trim();
  context.print(brief);
  context.print('');
  context.print(style.bold(`Your files (edit them in your editor):`));
  for (const file of files) context.print(`  ${path.relative(process.cwd(), file) || file}`);
  const visible = exercise.manifest.visibleTests?.files ?? [];
  if (visible.length > 0) {
    context.print(style.bold('Its own tests (run them with `bugbash test ' + exercise.id + '`):'));
    for (const file of visible) context.print(`  ${path.relative(process.cwd(), path.join(context.workspace.exerciseDir(exercise), file))}`);
  }
  context.print('');
  context.print(`${attempt.bugs.length} bugs are hidden in this code. Suggested time: ${exercise.manifest.timeLimitMinutes} minutes${options.interview ? style.warn(' — interview mode: the clock is running') : ''}.`);
  if (attempt.draw) {
    context.print(
      style.dim(`They were drawn from a pool of ${exercise.manifest.bugs.length} with seed ${attempt.draw.seed}: \`bugbash start ${exercise.id} --seed ${attempt.draw.seed}\` serves the same bugs again, \`bugbash reset ${exercise.id} --redraw\` draws others.`),
    );
  }
  if (options.interview || options.blind) {
    context.print(
      style.warn(
        `Blind round: \`check\` says only whether your code compiles, how many bugs remain and what you broke. Mark each bug you find with \`bugbash mark ${exercise.id} --file F --line N --category C --why "…"\`; \`bugbash finish ${exercise.id}\` ends the round with a scorecard${options.interview ? ' (so does the first check after time is up)' : ''}. Hints cost ${POINTS.perHint} points each.`,
      ),
    );
  }
  context.print(style.dim(`Next: \`bugbash check ${exercise.id}\` grades your fix, \`bugbash watch ${exercise.id}\` re-checks on every save, \`bugbash hint ${exercise.id}\` helps.`));
  return 0;
}
