import type { MutantResult, MutationReport } from '../authoring/mutate.js';
import { style } from './style.js';

export function renderMutation(report: MutationReport): string {
  const out: string[] = [];
  const score = `${report.score.toFixed(1)}%`;
  const gate = report.passed ? style.ok(`passes the ${report.threshold}% gate`) : style.bad(`below the ${report.threshold}% gate`);
  const equivalent = report.equivalent > 0 ? `, ${report.equivalent} marked equivalent and not counted` : '';
  out.push(
    style.bold(`${report.exercise}: mutation score ${report.passed ? style.ok(score) : style.warn(score)}`) +
      ` — ${gate}` +
      style.dim(`  (${report.killed} killed, ${report.timeouts} timed out, ${report.survived} survived of ${report.total - report.equivalent}${equivalent}; ${(report.durationMs / 1000).toFixed(1)} s)`),
  );
  out.push('');
  for (const [operator, { total, killed }] of Object.entries(report.byOperator).sort()) {
    out.push(`  ${operator.padEnd(14)} ${String(killed).padStart(3)}/${String(total).padEnd(3)} killed`);
  }
  const mutant = (result: MutantResult, colour: (text: string) => string) => {
    out.push('', colour(`#${result.mutant.id} ${result.mutant.operator} at ${result.mutant.file}:${result.mutant.line}: ${result.mutant.description}`));
    out.push(style.dim(`  key: ${result.mutant.key}`));
    for (const line of (result.diff ?? '').split('\n').filter(Boolean)) {
      out.push(line.startsWith('+') ? style.added(`  ${line}`) : line.startsWith('-') ? style.removed(`  ${line}`) : style.dim(`  ${line}`));
    }
  };
  if (report.survivors.length > 0) {
    out.push('', style.bold('Surviving mutants — each is a missing test, or a change no behaviour can tell from the reference:'));
    for (const survivor of report.survivors) mutant(survivor, style.warn);
    out.push(
      '',
      style.dim('Add a hidden test that fails on each, or, for one that cannot change any behaviour the brief fixes, mark it equivalent: a "// mutate-ignore: <why>" comment on (or above) its line in the reference, or exercise.json → mutation.equivalent: [{ "mutant": "<key>", "why": "…" }].'),
    );
  }
  if (report.killedEquivalents.length > 0) {
    out.push('', style.bold('Marked equivalent, yet a test kills them (remove the mark):'));
    for (const result of report.killedEquivalents) mutant(result, style.warn);
  }
  for (const key of report.unknownMarks) out.push('', style.warn(`exercise.json → mutation.equivalent names no mutant of the reference (remove or update it): ${key}`));
  return out.join('\n');
}
