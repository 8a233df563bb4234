import path from 'node:path';
import { validateExercise } from '../authoring/validate.js';
import { UsageError } from '../errors.js';
import { grade } from '../grading/grade.js';
import { directoryImplementation } from '../grading/implementation.js';
import { renderCheck } from '../report/check.js';
import { style } from '../report/style.js';
import { renderValidation } from '../report/validation.js';
import type { CommandContext } from './context.js';

export async function authorValidateCommand(context: CommandContext, ids: string[], options: { all?: boolean; runs?: number; budget?: number; json?: boolean; verbose?: boolean }): Promise<number> {
  context.trustSets = true;
  const catalog = context.catalog;
  const targets =
    ids.length > 0
      ? ids.map((id) => {
          const found = catalog.exercises.find((e) => e.id === id) ?? catalog.broken.find((e) => e.id === id);
          if (!found) context.exercise(id);
          return { id, set: found!.set };
        })
      : [...catalog.exercises.map((e) => ({ id: e.id, set: e.set })), ...catalog.broken.map((e) => ({ id: e.id, set: e.set }))];
  if (targets.length === 0) throw new UsageError('no exercises to validate: pass ids, or --sets DIR for a set');
  const reports = [];
  for (const target of targets) {
    if (!options.json) process.stderr.write(style.dim(`validating ${target.id}…\n`));
    const report = await validateExercise(target.set, target.id, {
      runs: options.runs,
      budgetSeconds: options.budget,
      onStep: options.json ? undefined : (step) => process.stderr.write(style.dim(`  ${step}\n`)),
    });
    reports.push(report);
    if (!options.json) context.print(renderValidation(report, options.verbose) + '\n');
  }
  if (options.json) context.print(JSON.stringify({ ok: reports.every((r) => r.ok), exercises: reports }, null, 2));
  else context.print(reports.every((r) => r.ok) ? style.ok(`All ${reports.length} exercise${reports.length === 1 ? '' : 's'} valid.`) : style.bad(`${reports.filter((r) => !r.ok).length} of ${reports.length} exercises have problems.`));
  return reports.every((r) => r.ok) ? 0 : 1;
}

export async function authorGradeCommand(context: CommandContext, id: string, dir: string, options: { json?: boolean }): Promise<number> {
  context.trustSets = true;
  const exercise = context.exercise(id);
  const result = await grade(exercise, directoryImplementation(path.resolve(dir), 'custom'));
  context.print(options.json ? JSON.stringify(result, null, 2) : renderCheck(result, { verbose: true, revealTitles: true }));
  return result.solved ? 0 : 1;
}

export async function authorNewCommand(context: CommandContext, id: string, options: { dir?: string }): Promise<number> {
  const { scaffoldExercise } = await import('../authoring/scaffold.js');
  const root = path.resolve(options.dir ?? context.options.sets?.[0] ?? '.');
  const files = scaffoldExercise(root, id);
  context.print(`Created exercise "${id}" in ${root}:`);
  for (const file of files) context.print(`  ${path.relative(process.cwd(), file)}`);
  context.print(style.dim(`\nNext: edit it, then \`bugbash author validate ${id} --sets ${path.relative(process.cwd(), root) || '.'}\`.`));
  return 0;
}

export async function authorMutateCommand(context: CommandContext, id: string, options: { json?: boolean; max?: number }): Promise<number> {
  const { mutateExercise } = await import('../authoring/mutate.js');
  const { renderMutation } = await import('../report/mutation.js');
  context.trustSets = true;
  const exercise = context.exercise(id);
  const progress = !options.json && process.stderr.isTTY;
  const report = await mutateExercise(exercise, {
    max: options.max,
    onProgress: options.json ? undefined : (done: number, total: number) => process.stderr.write(progress ? `\r${style.dim(`mutants graded: ${done}/${total}`)}` : `mutants graded: ${done}/${total}\n`),
  });
  if (progress) process.stderr.write('\n');
  context.print(options.json ? JSON.stringify(report, null, 2) : renderMutation(report));
  return 0;
}
