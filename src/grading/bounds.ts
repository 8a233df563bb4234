/**
 * Bounds on what a test may report: values the learner's code returns can be huge (a 50 MB
 * string), and a report must stay readable and cheap to send between processes.
 */
import type { FailureReport } from '../harness/failure.js';
import type { SerializedFault } from './protocol.js';

/** How much of one value a report carries (expected, actual, a trace step, a message). */
export const VALUE_LIMIT = 10_000;
/** How much all the values of one test's report carry together. */
const REPORT_LIMIT = 50_000;

export function cap(text: string, limit = VALUE_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters not shown)`;
}

/** Bounds what a test reports, so huge values (a 50 MB string) cannot flood the report. */
export function boundFailure(failure: FailureReport): FailureReport {
  let budget = REPORT_LIMIT;
  const take = (text: string) => {
    const capped = cap(text, Math.max(200, Math.min(VALUE_LIMIT, budget)));
    budget -= capped.length;
    return capped;
  };
  const bounded: FailureReport = { ...failure, symptom: take(failure.symptom) };
  if (failure.expected !== undefined) bounded.expected = take(failure.expected);
  if (failure.actual !== undefined) bounded.actual = take(failure.actual);
  for (const list of ['interleaving', 'steps'] as const) {
    const steps = failure[list];
    if (!steps) continue;
    const kept: string[] = [];
    for (const step of steps) {
      if (budget <= 0) {
        kept.push(`… (${steps.length - kept.length} more steps not shown)`);
        break;
      }
      kept.push(take(step));
    }
    bounded[list] = kept;
  }
  return bounded;
}

export function boundFault(fault: SerializedFault): SerializedFault {
  return { ...fault, message: cap(fault.message), stack: fault.stack && cap(fault.stack) };
}
