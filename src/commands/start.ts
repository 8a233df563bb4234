import { readFileSync } from 'node:fs';
import path from 'node:path';
import { style } from '../report/style.js';
import type { CommandContext } from './context.js';

export function startCommand(context: CommandContext, id: string, options: { interview?: boolean }): number {
  const exercise = context.exercise(id);
  const files = context.workspace.start(exercise, { interview: options.interview });
  const brief = readFileSync(exercise.briefPath, 'utf8').trim();
  context.print(brief);
  context.print('');
  context.print(style.bold(`Your files (edit them in your editor):`));
  for (const file of files) context.print(`  ${path.relative(process.cwd(), file) || file}`);
  context.print('');
  context.print(`${exercise.bugs.length} bugs are hidden in this code. Suggested time: ${exercise.manifest.timeLimitMinutes} minutes${options.interview ? style.warn(' — interview mode: the clock is running') : ''}.`);
  context.print(style.dim(`Next: \`bugbash check ${exercise.id}\` grades your fix, \`bugbash watch ${exercise.id}\` re-checks on every save, \`bugbash hint ${exercise.id}\` helps.`));
  return 0;
}
