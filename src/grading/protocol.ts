/** Messages between the grader (parent) and the process that hosts vitest (child). */
import type { FailureReport } from '../harness/failure.js';
import type { ExplorationRecord } from '../harness/tests.js';

export interface SuiteJob {
  /** Exercise directory: the hidden suites live under it. */
  root: string;
  /** Globs of the hidden suites, relative to root. */
  include: string[];
  /** Absolute path of the harness module that `bugbash/harness` resolves to. */
  harness: string;
  /** Directory `@reference/*` resolves to. */
  referenceDir: string;
  /**
   * One vitest project per implementation: `@impl/*` resolves into its dir. With `only`, the
   * project runs one test alone: the `index`-th test `file` defines (validate's check that
   * no test needs state an earlier test left).
   */
  implementations: { name: string; dir: string; only?: { file: string; index: number }; bail?: Bail }[];
  cacheDir: string;
  /** Run the whole job this many times (flake detection); results are reported per repetition. */
  repeat?: number;
  /** Shift generated ids and random draws in the hidden tests (validate's perturbation check). */
  perturb?: boolean;
  /** Run the tests of each file in a shuffled order, with a fixed seed (validate's state-reuse check). */
  shuffle?: boolean;
}

/**
 * Skipping tests that cannot change what a run is for: `file` skips the rest of a file's
 * tests once one failed (the mutation gate: only whether a mutant is killed matters); `bug`
 * skips a bug's other tests in the file once one failed, never a guard (validate's pooled
 * sets: only which bugs are present matters).
 */
export type Bail = 'file' | 'bug';

export type TestState = 'passed' | 'failed' | 'skipped' | 'pending';

export interface TestInfo {
  /** Stable id: project name + module + full test name. */
  key: string;
  project: string;
  file: string;
  name: string;
  fullName: string;
  bug?: string;
  guard: boolean;
  timeoutMs?: number;
}

export type WorkerEvent =
  | { type: 'ready' }
  | { type: 'collected'; test: TestInfo }
  | { type: 'started'; key: string; project: string }
  | { type: 'result'; key: string; project: string; state: TestState; failure?: FailureReport; exploration?: ExplorationRecord[]; errors: SerializedFault[]; durationMs: number }
  | { type: 'module-error'; project: string; file: string; errors: SerializedFault[] }
  | { type: 'unhandled'; errors: SerializedFault[] }
  | { type: 'run-end'; repetition: number }
  /** Learner code imported the reference, the hidden suites or the harness; the import was refused. */
  | { type: 'forbidden-import'; project: string; importer: string; specifier: string; what: 'reference' | 'harness' | 'hidden suites' }
  | { type: 'fatal'; message: string };

export type ParentMessage = { type: 'prepare'; job: SuiteJob } | { type: 'run'; job: SuiteJob } | { type: 'exit' };

/** What the CLI sends the supervisor: the host's messages, and `kill` (end the run and everything it started). */
export type SupervisorMessage = ParentMessage | { type: 'kill' };

/** What the supervisor sends the CLI: the host's events, CPU time per host thread (ms), and how the host ended. */
export type SupervisorEvent =
  | WorkerEvent
  | { type: 'cpu'; threads: Record<string, number> }
  | { type: 'host-exit'; code: number | null; signal: NodeJS.Signals | null };

export interface SerializedFault {
  name: string;
  message: string;
  stack?: string;
  project?: string;
  test?: string;
}
