import { BUG_CATEGORIES } from '../catalog/manifest.js';
import { UsageError } from '../errors.js';
import { category, countLines, exerciseFile, explanation, lineNumber, validator } from '../interview/mark-input.js';
import { servedLine } from '../interview/planted.js';
import { addMark, isTimeUp, removeMark, requireRound } from '../interview/round.js';
import { renderMarks } from '../report/scorecard.js';
import { style } from '../report/style.js';
import type { CommandContext } from './context.js';

export interface MarkOptions {
  file?: string;
  line?: string;
  to?: string;
  category?: string;
  why?: string;
  remove?: string;
  json?: boolean;
}

export async function markCommand(context: CommandContext, id: string | undefined, options: MarkOptions): Promise<number> {
  const exercise = context.currentExercise(id);
  const workspace = context.workspace;
  workspace.requireStarted(exercise);
  const round = requireRound(workspace.progress.exercise(exercise.id), exercise.id, 'Marking a bug');
  if (isTimeUp(round, new Date()) && options.remove === undefined) {
    throw new UsageError(`time is up: no more marks. \`bugbash finish ${exercise.id}\` (or the next check) ends the interview and scores the marks you made.`);
  }
  if (options.remove !== undefined) {
    const number = Number(options.remove);
    if (!Number.isInteger(number)) throw new UsageError(`--remove takes the number of a mark (\`bugbash marks\` lists them); got "${options.remove}".`);
    const removed = removeMark(round, number);
    workspace.progress.save();
    context.print(options.json ? JSON.stringify({ exercise: exercise.id, removed }, null, 2) : `Removed mark ${removed.number} (${removed.file}:${removed.line}).`);
    return 0;
  }

  const given = [options.file, options.line, options.category, options.why];
  const { interactive } = await import('../prompts.js');
  let { file, line, to, category: cat, why } = options;
  if (given.some((value) => value === undefined)) {
    if (given.some((value) => value !== undefined) || !interactive()) {
      const missing = [
        ['--file', options.file],
        ['--line', options.line],
        ['--category', options.category],
        ['--why', options.why],
      ].filter(([, value]) => value === undefined);
      throw new UsageError(
        `mark needs ${missing.map(([flag]) => flag).join(', ')}: e.g. \`bugbash mark ${exercise.id} --file ${exercise.manifest.files[0]} --line 42 --category race --why "two charges both read the old balance"\`${interactive() ? ', or run `bugbash mark` with no flags to be asked' : ''}.`,
      );
    }
    const { askText, choose } = await import('../prompts.js');
    file =
      exercise.manifest.files.length === 1
        ? exercise.manifest.files[0]!
        : await choose('Which file?', exercise.manifest.files.map((candidate) => ({ name: candidate, value: candidate })));
    const lines = countLines(workspace.currentText(exercise, file) ?? '');
    line = await askText(`Line in ${file} (or a range, e.g. 42-45):`, validator((value) => value.split('-').map((part, i) => lineNumber(part, lines, i ? 'the end of the range' : 'the line'))));
    if (line.includes('-')) [line, to] = line.split('-').map((part) => part.trim());
    cat = await choose('Category?', BUG_CATEGORIES.map((value) => ({ name: value, value })));
    why = await askText('Why is it a bug? (one line)', validator(explanation));
  }

  const name = exerciseFile(exercise, workspace.exerciseDir(exercise), file!);
  const current = workspace.currentText(exercise, name);
  if (current === undefined) throw new UsageError(`${name} is deleted in your workspace; \`bugbash reset ${exercise.id}\` restores it.`);
  const lineCount = countLines(current);
  const from = lineNumber(line!, lineCount, '--line');
  const until = to !== undefined ? lineNumber(to, lineCount, '--to') : from;
  if (until < from) throw new UsageError(`--to ${until} is above --line ${from}: give the range top to bottom.`);
  const served = workspace.servedText(exercise, name);
  const mark = addMark(round, {
    file: name,
    line: from,
    to: until,
    served: { line: servedLine(served, current, from), to: Math.max(servedLine(served, current, from), servedLine(served, current, until)) },
    category: category(cat!),
    why: explanation(why!),
    at: new Date().toISOString(),
  });
  workspace.progress.save();
  if (options.json) context.print(JSON.stringify({ exercise: exercise.id, mark }, null, 2));
  else context.print(`Marked ${style.code(`${mark.file}:${mark.line}${mark.to !== mark.line ? `-${mark.to}` : ''}`)} as mark ${mark.number} (${mark.category}). It is scored when the round ends; \`bugbash marks\` lists your marks.`);
  return 0;
}

export function marksCommand(context: CommandContext, id: string | undefined, options: { json?: boolean }): number {
  const exercise = context.currentExercise(id);
  const round = requireRound(context.workspace.progress.exercise(exercise.id), exercise.id, 'Listing marks');
  if (options.json) {
    context.print(JSON.stringify({ exercise: exercise.id, marks: round.marks }, null, 2));
    return 0;
  }
  context.print(style.bold(`Your marks in ${exercise.id}:`));
  context.print(renderMarks(round.marks));
  if (round.marks.length > 0) context.print(style.dim(`\n\`bugbash mark ${exercise.id} --remove N\` removes one; \`bugbash finish ${exercise.id}\` scores them.`));
  return 0;
}
