import type { ValidationReport } from '../authoring/validate.js';
import { style, symbols } from './style.js';

export function renderValidation(report: ValidationReport): string {
  const out: string[] = [];
  const head = report.ok ? style.ok(`${symbols.fixed} ${report.id}: valid`) : style.bad(`${symbols.present} ${report.id}: ${report.errors.length} problem${report.errors.length === 1 ? '' : 's'}`);
  out.push(`${head}${style.dim(`  (${(report.durationMs / 1000).toFixed(1)} s)`)}`);
  if (report.bugs.length > 0) {
    out.push(`  ${report.bugs.length} bugs, ${report.bugs.reduce((n, b) => n + b.tests, 0)} bug tests, ${report.guards} guards; reference passed ${report.referenceRuns}× `);
  }
  if (report.matrix.length > 0) {
    const groups = [...report.bugs.map((bug) => bug.id), 'guards'];
    const first = Math.max(...report.matrix.map((row) => row.implementation.length), 14);
    out.push('', `  isolation matrix (rows: code graded; columns: tests that failed; ✘n = n failing tests)`);
    out.push(`  ${''.padEnd(first)}  ${groups.map((group) => group.padEnd(Math.max(group.length, 4))).join('  ')}`);
    for (const row of report.matrix) {
      const cells = groups.map((group) => {
        const count = row.failing[group] ?? 0;
        const width = Math.max(group.length, 4);
        const text = (count > 0 ? `✘${count}` : '·').padEnd(width);
        const expected = row.expected.includes(group);
        return count > 0 === expected ? (count > 0 ? style.ok(text) : style.dim(text)) : style.bad(text);
      });
      out.push(`  ${(row.ok ? row.implementation : style.bad(row.implementation)).padEnd(first)}  ${cells.join('  ')}`);
    }
  }
  if (report.timings.length > 0) {
    const slowest = [...report.timings].sort((a, b) => b.seconds - a.seconds)[0]!;
    out.push(style.dim(`  all implementations graded in one vitest run; slowest project ${slowest.implementation}`));
  }
  for (const error of report.errors) out.push(style.bad(`  ${symbols.present} ${error}`));
  for (const warning of report.warnings) out.push(style.warn(`  ! ${warning}`));
  return out.join('\n');
}
