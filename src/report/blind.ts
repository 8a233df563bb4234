import type { BlindProblem, BlindView } from '../interview/blind.js';
import { indent, style, symbols } from './style.js';

/** `check` and `watch` during a blind round: what an interviewer would say, nothing more. */
export function renderBlind(view: BlindView): string {
  const out: string[] = [];
  if (!view.graded) {
    out.push(style.bad(`${symbols.present} Your code does not compile or load, so the hidden tests did not run:`), '');
    for (const problem of view.problems) out.push(indent(renderBlindProblem(problem)));
    out.push('', style.dim('Fix these first, then check again.'));
    return out.join('\n');
  }
  for (const regression of view.regressions) {
    out.push(`${style.warn(symbols.regression)} ${style.warn('you broke working behaviour:')} ${regression.behaviour}`);
    out.push(indent(regression.symptom + (regression.location ? style.dim(`  (at ${regression.location})`) : ''), 4));
  }
  for (const problem of view.problems) out.push(`${style.bad(symbols.present)} ${renderBlindProblem(problem)}`);
  if (out.length > 0) out.push('');
  out.push(blindSummary(view));
  return out.join('\n');
}

export function blindSummary(view: BlindView): string {
  const { total, remaining } = view.bugs;
  const bugs = `${remaining} of ${total} bug${total === 1 ? '' : 's'} remain`;
  if (view.solved) return style.ok(style.bold(`${symbols.fixed} ${bugs}, nothing broken.`));
  const parts = [bugs];
  if (view.regressions.length) parts.push(`${view.regressions.length} regression${view.regressions.length > 1 ? 's' : ''}`);
  if (view.problems.length) parts.push(`${view.problems.length} problem${view.problems.length > 1 ? 's' : ''}`);
  return style.bold(`${parts.join(', ')}.`);
}

function renderBlindProblem(problem: BlindProblem): string {
  const where = problem.file ? `${problem.file}${problem.line ? `:${problem.line}:${problem.column ?? 1}` : ''}  ` : '';
  return `${style.code(where)}${problem.message}`;
}
