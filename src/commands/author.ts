import path from 'node:path';
import { validateExercise } from '../authoring/validate.js';
import { UsageError } from '../errors.js';
import { grade } from '../grading/grade.js';
import { renderCheck } from '../report/check.js';
import { style } from '../report/style.js';
import { renderValidation } from '../report/validation.js';
import type { CommandContext } from './context.js';

type ValidateCommandOptions = { all?: boolean; runs?: number; budget?: number; json?: boolean; verbose?: boolean; watch?: boolean; mutate?: boolean; quick?: boolean };

export async function authorValidateCommand(context: CommandContext, ids: string[], options: ValidateCommandOptions): Promise<number> {
  if (options.watch) return authorValidateWatch(context, ids, options);
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
      mutate: options.mutate,
      quick: options.quick,
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
  const { overlayOnReference } = await import('../authoring/overlay.js');
  const { verdictForAuthor } = await import('../authoring/voice.js');
  const overlay = overlayOnReference(exercise, dir);
  const result = verdictForAuthor(await grade(exercise, overlay.implementation));
  if (options.json) {
    context.print(JSON.stringify({ ...result, overlaid: overlay.overlaid, fromReference: overlay.fromReference, ignored: overlay.ignored }, null, 2));
  } else {
    context.print(style.dim(`graded ${overlay.overlaid.join(', ')} from ${path.relative(process.cwd(), path.resolve(dir)) || '.'}${overlay.fromReference.length ? `, the reference's ${overlay.fromReference.join(', ')}` : ''}`));
    if (overlay.ignored.length) context.print(style.warn(`not graded (not in exercise.json "files"): ${overlay.ignored.join(', ')}`));
    context.print(renderCheck(result, { verbose: true, revealTitles: true, author: true }));
  }
  return result.solved ? 0 : 1;
}

export async function authorNewCommand(context: CommandContext, id: string, options: { dir?: string; template?: string }): Promise<number> {
  const { scaffoldExercise, TEMPLATES } = await import('../authoring/scaffold.js');
  const template = options.template ?? 'money';
  if (!(TEMPLATES as readonly string[]).includes(template)) throw new UsageError(`unknown template "${template}": use one of ${TEMPLATES.join(', ')}`);
  const root = path.resolve(options.dir ?? context.options.sets?.[0] ?? '.');
  const files = scaffoldExercise(root, id, template as (typeof TEMPLATES)[number]);
  context.print(`Created exercise "${id}" (template ${template}) in ${root}:`);
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
  return report.passed ? 0 : 1;
}

/** Validates, then again on every save under the exercises' folders and references, until Ctrl-C. */
async function authorValidateWatch(context: CommandContext, ids: string[], options: ValidateCommandOptions): Promise<number> {
  const { watchAndRun } = await import('../authoring/watch.js');
  context.trustSets = true;
  const catalog = context.catalog;
  const all = [...catalog.exercises.map((e) => ({ id: e.id, set: e.set, dir: e.dir, solutionDir: e.solutionDir })), ...catalog.broken.map((e) => ({ id: e.id, set: e.set, dir: path.join(e.set.root, 'exercises', e.id), solutionDir: path.join(e.set.root, 'solutions', e.id) }))];
  const targets = ids.length > 0
    ? ids.map((id) => {
        const found = all.find((e) => e.id === id);
        if (!found) context.exercise(id);
        return found!;
      })
    : all;
  if (targets.length === 0) throw new UsageError('no exercises to validate: pass ids, or --sets DIR for a set');
  let exitCode = 0;
  const dirs = targets.flatMap((target) => [target.dir, target.solutionDir]);
  const stop = watchAndRun(dirs, async (changed) => {
    const affected = changed.length === 0 ? targets : targets.filter((target) => changed.some((file) => file.startsWith(target.dir + path.sep) || file.startsWith(target.solutionDir + path.sep)));
    if (changed.length > 0) context.print(style.dim(`\nchanged: ${[...new Set(changed.map((file) => path.relative(process.cwd(), file)))].join(', ')}`));
    const reports = [];
    for (const target of affected) {
      const report = await validateExercise(target.set, target.id, { runs: options.runs, budgetSeconds: options.budget, mutate: options.mutate, quick: options.quick, onStep: options.json ? undefined : (step) => process.stderr.write(style.dim(`  ${step}\n`)) });
      reports.push(report);
      context.print(options.json ? JSON.stringify(report) : renderValidation(report, options.verbose));
    }
    exitCode = reports.every((report) => report.ok) ? 0 : 1;
    if (!options.json) context.print(style.dim(`watching ${targets.map((t) => t.id).join(', ')} for changes (Ctrl-C to stop)…`));
  });
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await stop();
  return exitCode;
}
