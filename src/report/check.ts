import type { BugVerdict, CheckResult, Problem, TestExploration, TestFailure } from '../grading/verdict.js';
import { fixedCount } from '../grading/verdict.js';
import { stateDiff } from './diff.js';
import { indent, style, symbols } from './style.js';

export interface CheckRenderOptions {
  /** Show every failing test of a bug, not only the first. */
  verbose?: boolean;
  /** Bugs are named by their titles only once fixed (or when the learner has seen the solution). */
  revealTitles?: boolean;
  /** Worded for an exercise's author (`author grade`): the code graded is not "yours". */
  author?: boolean;
}

/** The per-bug report of `check` and `watch`. */
export function renderCheck(result: CheckResult, options: CheckRenderOptions = {}): string {
  const out: string[] = [];
  const total = result.bugs.length;
  const codeProblems = result.problems.filter((p) => p.kind === 'syntax' || p.kind === 'type' || p.kind === 'api' || p.kind === 'file' || p.kind === 'import');
  // Problems found before any test ran (a run that refused an import is reported bug by bug).
  if (codeProblems.length > 0 && result.bugs.every((bug) => bug.status === 'not-checked')) {
    const compiles = codeProblems.every((p) => p.kind === 'file' || p.kind === 'import');
    const whose = options.author ? 'The graded' : 'Your';
    out.push(style.bad(`${symbols.present} ${compiles ? `${whose} files cannot be graded` : `${whose} code does not compile`}, so the hidden tests did not run:`), '');
    for (const problem of codeProblems) out.push(indent(renderProblem(problem)));
    out.push('', style.dim('Fix these first, then check again.'));
    return out.join('\n');
  }
  result.bugs.forEach((bug, index) => {
    out.push(renderBug(bug, index, total, options));
    if (options.verbose) for (const explored of result.exploration.filter((e) => e.bug === bug.id)) out.push(indent(renderExploration(explored), 4));
  });
  for (const regression of result.regressions) {
    out.push(`${style.warn(symbols.regression)} ${style.warn('regression')}  ${regression.test}`);
    out.push(indent(renderFailure(regression), 4));
  }
  for (const problem of result.problems) {
    out.push(`${style.bad(symbols.present)} ${renderProblem(problem)}`);
  }
  if (options.verbose) {
    const guards = result.exploration.filter((e) => !e.bug);
    if (guards.length > 0) {
      out.push(style.dim('race guards (behaviour the starter got right):'));
      for (const explored of guards) out.push(indent(renderExploration(explored), 4));
    }
  }
  out.push('');
  out.push(summaryLine(result));
  return out.join('\n');
}

function renderBug(bug: BugVerdict, index: number, total: number, options: CheckRenderOptions): string {
  const label = `bug ${index + 1} of ${total}`;
  if (bug.status === 'fixed') {
    return `${style.ok(symbols.fixed)} ${label}  ${style.ok('fixed')}  ${style.dim(bug.title)}`;
  }
  if (bug.status === 'not-checked') return `${symbols.notChecked} ${label}  not checked`;
  const lines = [`${style.bad(symbols.present)} ${label}  ${style.bad('still present')}  ${style.dim(`(${bug.category})`)}${options.revealTitles ? `  ${bug.title}` : ''}`];
  const failures = options.verbose ? bug.failures : bug.failures.slice(0, 1);
  for (const failure of failures) lines.push(indent(`${style.dim('test:')} ${failure.test}`, 4), indent(renderFailure(failure), 4));
  if (!options.verbose && bug.failures.length > 1) lines.push(indent(style.dim(`(${bug.failures.length - 1} more failing test${bug.failures.length > 2 ? 's' : ''} for this bug: --verbose shows them)`), 4));
  return lines.join('\n');
}

export function renderFailure(failure: TestFailure): string {
  const lines = [failure.symptom + (failure.location ? style.dim(`  (at ${failure.location})`) : '')];
  if (failure.exploration) lines.push(style.dim(`found by exploring orderings: ${failure.exploration}`));
  if (failure.steps?.length) {
    lines.push(style.dim('operations, in order:'));
    failure.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
  }
  if (failure.interleaving?.length) {
    lines.push(style.dim('what happened, in order:'));
    failure.interleaving.forEach((step, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${step}`));
  }
  if (failure.expected !== undefined && failure.actual !== undefined) {
    lines.push(style.dim(`expected (reference) ${style.removed('-')} vs yours ${style.added('+')}:`));
    lines.push(indent(stateDiff(failure.expected, failure.actual)));
  }
  return lines.join('\n');
}

/** What a race test's verdict is worth: a proof over every ordering, or a seeded sample. */
export function renderExploration(explored: TestExploration): string {
  const how =
    explored.mode === 'exhaustive'
      ? `every ordering tried (${explored.orderings})`
      : `${explored.runs} sampled orderings (seed ${explored.seed}) after ${explored.orderings} of an ordering space too large to try in full`;
  return style.dim(`${explored.mode === 'exhaustive' ? '∀' : '~'} ${explored.test}: ${how}`);
}

function renderProblem(problem: Problem): string {
  const where = problem.file ? `${problem.file}${problem.line ? `:${problem.line}:${problem.column ?? 1}` : ''}  ` : '';
  return `${style.code(where)}${problem.message}`;
}

export function summaryLine(result: CheckResult): string {
  const fixed = fixedCount(result);
  const total = result.bugs.length;
  if (result.solved) return style.ok(style.bold(`${symbols.fixed} Solved: all ${total} bugs fixed, nothing broken.`));
  const parts = [`${fixed} of ${total} bugs fixed`];
  if (result.regressions.length) parts.push(`${result.regressions.length} regression${result.regressions.length > 1 ? 's' : ''}`);
  if (result.problems.length) parts.push(`${result.problems.length} problem${result.problems.length > 1 ? 's' : ''}`);
  return style.bold(parts.join(', ') + '.');
}
