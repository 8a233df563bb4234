/**
 * The grader words its verdicts for a learner ("your code threw…", "bugbash reset puts the
 * starter back"). `author validate` and `author grade` speak to the author of the exercise,
 * who graded the reference, a variant or a fixture, and whose hidden test may be what threw.
 * Verdicts stay data; this only rewords their text at the authoring edge.
 */
import type { CheckResult } from '../grading/verdict.js';

const REWORDINGS: [RegExp, string][] = [
  [/\byour code threw\b/g, 'the hidden test threw'],
  [/\bloading your code failed\b/g, 'loading the hidden suite (or the code it imports) failed'],
  [/\byour code called process\.exit\(/g, 'the graded code called process.exit('],
  [/\byour code is slow in every ordering\b/g, 'the graded code or the test is slow in every ordering'],
  [/\byour code ran synchronously without ever returning\b/g, 'the graded code or the hidden test ran synchronously without ever returning'],
  [/: restore it \(bugbash reset puts the starter back, after a backup\)/g, ': every file listed in exercise.json "files" must be there'],
  [/, yours is\b/g, ', the graded code has'],
  [/\bYour code\b/g, 'The graded code'],
  // Whatever else the grader says to a learner ("your code ran out of memory", "your code imports the reference").
  [/\byour code\b/g, 'the graded code'],
];

export function forAuthor(text: string): string {
  return REWORDINGS.reduce((reworded, [pattern, replacement]) => reworded.replace(pattern, replacement), text);
}

/** The same verdict with its messages worded for the author. */
export function verdictForAuthor(result: CheckResult): CheckResult {
  const failure = <T extends { symptom: string }>(f: T): T => ({ ...f, symptom: forAuthor(f.symptom) });
  return {
    ...result,
    bugs: result.bugs.map((bug) => ({ ...bug, failures: bug.failures.map(failure) })),
    regressions: result.regressions.map(failure),
    problems: result.problems.map((problem) => ({ ...problem, message: forAuthor(problem.message) })),
  };
}
