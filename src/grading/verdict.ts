/**
 * The one result type of the grader. Every front end (terminal, --json, watch, validate,
 * progress) renders or stores this; none of them looks at vitest directly.
 */
export type BugStatus = 'fixed' | 'present' | 'not-checked';

export interface TestFailure {
  /** The hidden test's name (a behaviour, e.g. "a retried charge is not debited twice"). */
  test: string;
  kind: 'failed' | 'stuck' | 'not-run';
  symptom: string;
  interleaving?: string[];
  steps?: string[];
  expected?: string;
  actual?: string;
  seed?: number;
  /** The failing ordering as transition keys (replayable with `explore({ replay })`). */
  schedule?: string[];
  /** How the failing ordering was found, e.g. "exhaustive, failed on ordering 12". */
  exploration?: string;
  /** Where in the learner's files it went wrong, when an error pointed there ("processor.ts:42:7"). */
  location?: string;
}

export interface BugVerdict {
  id: string;
  title: string;
  category: string;
  status: BugStatus;
  tests: { passed: number; total: number };
  failures: TestFailure[];
  /** Names of the bug's tests that passed (authors use them: a test that passes on its own bug asserts too little). */
  passing: string[];
}

export interface Problem {
  /** `file`: a learner file is a symlink, a folder or not a regular file; `import`: the code imports the reference or harness. */
  kind: 'syntax' | 'type' | 'api' | 'file' | 'import' | 'load' | 'stuck' | 'memory' | 'unhandled' | 'crash' | 'no-tests';
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/**
 * How a race test's scenarios were explored: `exhaustive` means every distinct ordering of
 * its transitions ran (a proof over all of them); `sampled` means the space was larger than
 * the budget and `runs` orderings were drawn with a fixed seed.
 */
export interface TestExploration {
  test: string;
  /** The bug the test belongs to; absent for a guard. */
  bug?: string;
  mode: 'exhaustive' | 'sampled';
  /** Complete orderings the exhaustive search ran (all of them when exhaustive). */
  orderings: number;
  /** Sampled orderings, when sampled. */
  runs?: number;
  seed?: number;
  ms: number;
}

export interface CheckResult {
  exercise: string;
  /** Which code was graded: "workspace", "reference", "starter", "bug:<id>", "custom". */
  implementation: string;
  solved: boolean;
  bugs: BugVerdict[];
  /** Guards that failed: behaviour the starter got right and this code broke. */
  regressions: TestFailure[];
  /** Hidden tests of behaviour the starter already got right. */
  guards: { passed: number; total: number };
  /** Anything that stopped the code from being graded normally. */
  problems: Problem[];
  durationMs: number;
  /** Time spent inside this implementation's hidden tests (the sum over its tests). */
  testsMs: number;
  /** The three slowest hidden tests, for authors keeping a suite within its budget. */
  slowestTests: { test: string; ms: number }[];
  /** Every test that explored orderings, and how. */
  exploration: TestExploration[];
  /** Only when asked for (validate): every hidden test, by file, in the order its file defines them. */
  tests?: { file: string; name: string }[];
}

/** A verdict without its timings: what must be identical for the same code. */
export function withoutTimings(result: CheckResult): Omit<CheckResult, 'durationMs' | 'testsMs' | 'slowestTests' | 'exploration'> & { exploration: Omit<TestExploration, 'ms'>[] } {
  const { durationMs: _duration, testsMs: _tests, slowestTests: _slowest, exploration, ...rest } = result;
  return { ...rest, exploration: exploration.map(({ ms: _ms, ...explored }) => explored) };
}

export function fixedCount(result: CheckResult): number {
  return result.bugs.filter((bug) => bug.status === 'fixed').length;
}
