import type { ValidationReport } from '../authoring/validate.js';
import { renderCheck } from './check.js';
import { indent, style, symbols } from './style.js';

export function renderValidation(report: ValidationReport, verbose = false): string {
  const out: string[] = [];
  const head = report.ok ? style.ok(`${symbols.fixed} ${report.id}: valid`) : style.bad(`${symbols.present} ${report.id}: ${report.errors.length} problem${report.errors.length === 1 ? '' : 's'}`);
  out.push(`${head}${style.dim(`  (${(report.durationMs / 1000).toFixed(1)} s)`)}`);
  if (report.bugs.length > 0) {
    out.push(`  ${report.bugs.length} bugs, ${report.bugs.reduce((n, b) => n + b.tests, 0)} bug tests, ${report.guards} guards; reference passed ${report.referenceRuns}× `);
  }
  if (report.matrix.length > 0) {
    // Columns are numbered (bug ids can be long); the legend maps numbers to ids.
    const groups = [...report.bugs.map((bug) => bug.id), 'guards'];
    const headers = groups.map((group, i) => (group === 'guards' ? 'G' : String(i + 1)));
    const first = Math.max(...report.matrix.map((row) => row.implementation.length), 14);
    out.push('', `  isolation matrix (rows: code graded; columns: tests that failed; ✘n = n failing tests)`);
    out.push(`  ${''.padEnd(first)}  ${headers.map((h) => h.padEnd(4)).join('')}`);
    for (const row of report.matrix) {
      const cells = groups.map((group) => {
        const count = row.failing[group] ?? 0;
        const text = (count > 0 ? `✘${count}` : '·').padEnd(4);
        const expected = row.expected.includes(group);
        return count > 0 === expected ? (count > 0 ? style.ok(text) : style.dim(text)) : style.bad(text);
      });
      const label = row.implementation.padEnd(first);
      out.push(`  ${row.ok ? label : style.bad(label)}  ${cells.join('')}`);
    }
    out.push(style.dim(`  ${groups.map((group, i) => `${headers[i]} ${group}${group === 'guards' ? '' : ` (${report.bugs[i]!.category}, ${report.bugs[i]!.tests} tests)`}`).join(' · ')}`));
  }
  if (report.composition) {
    const { plant, pool, mode, sets } = report.composition;
    const how = mode === 'every-draw' ? `every draw (${sets} set${sets === 1 ? '' : 's'} of ${plant})` : `every pair and a fixed sample of draws (${sets} sets)`;
    out.push(`  bug pool: ${plant} of ${pool} bugs planted per attempt; ${how} graded together, each with exactly its bugs present`);
  }
  if (report.fixtures.length > 0) {
    const alternatives = report.fixtures.filter((row) => row.implementation.startsWith('alternative:'));
    const wrong = report.fixtures.filter((row) => row.implementation.startsWith('wrong:'));
    const bad = report.fixtures.filter((row) => !row.ok).length;
    out.push(`  fixtures: ${alternatives.length} correct alternatives solved, ${wrong.length} wrong fixes with their bug present${bad ? style.bad(` (${bad} not as declared)`) : ''}`);
    if (verbose) {
      for (const row of report.fixtures) {
        const what = row.implementation.startsWith('wrong:') ? `present: ${row.present.join(', ') || 'none'} (must: ${row.expected.join(', ')})` : row.present.length ? `present: ${row.present.join(', ')}` : 'solved';
        out.push(`    ${row.ok ? style.ok(symbols.fixed) : style.bad(symbols.present)} ${row.implementation}  ${style.dim(what)}`);
      }
    }
  }
  if (report.exploration.length > 0) {
    const exhaustive = report.exploration.filter((e) => e.mode === 'exhaustive');
    const share = Math.round((100 * exhaustive.length) / report.exploration.length);
    out.push(`  race tests: ${exhaustive.length} of ${report.exploration.length} explored exhaustively (${share} %), ${report.exploration.reduce((n, e) => n + e.orderings + (e.runs ?? 0), 0)} orderings on the reference`);
    if (verbose) {
      for (const e of report.exploration) {
        const how = e.mode === 'exhaustive' ? `every ordering (${e.orderings})` : `sampled: ${e.runs} runs, seed ${e.seed}, after ${e.orderings} exhaustive`;
        out.push(style.dim(`    ${e.mode === 'exhaustive' ? '∀' : '~'} ${e.test}: ${how}, ${e.ms} ms`));
      }
    }
  }
  if (report.mutation) {
    const m = report.mutation;
    const line = `  mutation gate: ${m.score.toFixed(1)}% of ${m.total - m.equivalent} mutants killed${m.equivalent ? ` (${m.equivalent} marked equivalent)` : ''}, gate ${m.threshold}%, ${(m.durationMs / 1000).toFixed(1)} s`;
    out.push(m.passed ? line : style.bad(line));
    if (verbose) for (const survivor of m.survivors) out.push(style.dim(`    survived: ${survivor.mutant.key}`));
  }
  if (report.timings.length > 0) {
    const slowest = [...report.timings].sort((a, b) => b.seconds - a.seconds)[0]!;
    out.push(style.dim(`  all implementations graded in one vitest run; the slowest spent ${slowest.seconds.toFixed(1)} s in tests (${slowest.implementation})`));
  }
  for (const error of report.errors) out.push(style.bad(`  ${symbols.present} ${error}`));
  if (verbose) {
    // The same report a learner gets, with diffs and interleavings, for each implementation
    // graded otherwise than it must be.
    for (const result of report.unexpected) {
      out.push('', style.bold(`  what ${result.implementation === 'reference' ? 'the reference' : result.implementation} got from the hidden tests:`));
      out.push(indent(renderCheck(result, { verbose: true, revealTitles: true, author: true }), 4));
    }
  }
  for (const warning of report.warnings) out.push(style.warn(`  ! ${warning}`));
  return out.join('\n');
}
