import type { MutationReport } from '../authoring/mutate.js';
import { style } from './style.js';

export function renderMutation(report: MutationReport): string {
  const out: string[] = [];
  const score = `${report.score.toFixed(1)}%`;
  out.push(style.bold(`${report.exercise}: mutation score ${report.score >= 80 ? style.ok(score) : style.warn(score)}`) + style.dim(`  (${report.killed} killed, ${report.timeouts} timed out, ${report.survived} survived of ${report.total}; ${(report.durationMs / 1000).toFixed(1)} s)`));
  out.push('');
  for (const [operator, { total, killed }] of Object.entries(report.byOperator).sort()) {
    out.push(`  ${operator.padEnd(14)} ${String(killed).padStart(3)}/${String(total).padEnd(3)} killed`);
  }
  if (report.survivors.length > 0) {
    out.push('', style.bold(`Surviving mutants — each is a missing test or a candidate new bug:`));
    for (const survivor of report.survivors) {
      out.push('', style.warn(`#${survivor.mutant.id} ${survivor.mutant.operator} at ${survivor.mutant.file}:${survivor.mutant.line}: ${survivor.mutant.description}`));
      for (const line of (survivor.diff ?? '').split('\n')) {
        out.push(line.startsWith('+') ? style.added(`  ${line}`) : line.startsWith('-') ? style.removed(`  ${line}`) : style.dim(`  ${line}`));
      }
    }
  }
  return out.join('\n');
}
