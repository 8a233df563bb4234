import type { CheckResult, Problem } from '../grading/verdict.js';

/**
 * What an interviewer would say about a check during a blind round: whether the code
 * compiles and loads (with file:line:col), how many planted bugs remain, and which working
 * behaviour was broken. Built field by field from the verdict, so nothing else (bug titles,
 * categories, test names, symptoms, traces) can reach blind output or blind JSON.
 */
export interface BlindView {
  exercise: string;
  blind: true;
  solved: boolean;
  /** False when the code did not compile or load, so the hidden tests could not say. */
  graded: boolean;
  bugs: { total: number; remaining: number };
  /** Broken behaviour the starter got right, named by the behaviour (the guard's name). */
  regressions: { behaviour: string; symptom: string; location?: string }[];
  problems: BlindProblem[];
}

export interface BlindProblem {
  kind: Problem['kind'];
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** The learner's code itself: the compiler's and loader's words carry no test names. */
const CODE_PROBLEMS = new Set<Problem['kind']>(['syntax', 'type', 'api', 'load']);

/** Problems whose messages name hidden tests: said in general terms instead. */
const GENERAL: Partial<Record<Problem['kind'], string>> = {
  stuck: 'your code never finished (an infinite loop, or a promise that never settles?), so the run was stopped',
  crash: 'the test run crashed while running your code (did it end the process?)',
  unhandled: 'a rejected promise was never caught: in production Node.js ends the process on an unhandled rejection',
  'no-tests': 'no hidden test ran',
};

export function blindView(result: CheckResult): BlindView {
  const graded = !result.bugs.some((bug) => bug.status === 'not-checked');
  const problems: BlindProblem[] = result.problems.map((problem) => {
    const where = { ...(problem.file ? { file: problem.file } : {}), ...(problem.line ? { line: problem.line, column: problem.column ?? 1 } : {}) };
    return { kind: problem.kind, message: CODE_PROBLEMS.has(problem.kind) ? problem.message : (GENERAL[problem.kind] ?? 'your code could not be graded normally'), ...where };
  });
  // A bug test that timed out is a hang an interviewer would point out, without saying where.
  const hung = result.bugs.some((bug) => bug.failures.some((failure) => failure.kind === 'stuck' || /timed out/.test(failure.symptom)));
  if (hung && !problems.some((problem) => problem.kind === 'stuck')) {
    problems.push({ kind: 'stuck', message: 'a call into your code never finished (a deadlock, or a promise that never settles?); the tests it was in count as failing' });
  }
  return {
    exercise: result.exercise,
    blind: true,
    solved: result.solved,
    graded,
    bugs: { total: result.bugs.length, remaining: result.bugs.filter((bug) => bug.status !== 'fixed').length },
    regressions: result.regressions.map((failure) => ({ behaviour: failure.test, symptom: failure.symptom, ...(failure.location ? { location: failure.location } : {}) })),
    problems,
  };
}
