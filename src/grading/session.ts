import type { Exercise } from '../catalog/catalog.js';
import { verifyIntegrity } from '../catalog/integrity.js';
import { CancelledError } from '../errors.js';
import { CodeChecker } from './code-check.js';
import { notCheckable, suiteJob, verdictFor } from './grade.js';
import type { Implementation } from './implementation.js';
import type { SuiteJob } from './protocol.js';
import { SuiteHost } from './suite-run.js';
import type { CheckResult } from './verdict.js';

/**
 * Repeated checks of one implementation (watch mode). Every check runs in a fresh grading
 * process, so it grades exactly what is on disk and nothing the previous run started
 * survives it; the next process is started and prepared as soon as a check ends, so it is
 * ready by the next save. The ts-morph project stays alive between checks.
 */
export class GradingSession {
  private host = new SuiteHost();
  private readonly checker: CodeChecker;
  private readonly job: SuiteJob;
  private closed = false;

  constructor(
    readonly exercise: Exercise,
    readonly implementation: Implementation,
  ) {
    this.checker = new CodeChecker(exercise);
    this.job = suiteJob(exercise, [implementation]);
  }

  /** Starts vitest and the type checker ahead of the first check. */
  warm(): void {
    this.host.prepare(this.job);
  }

  /** Grades the files as they are now. Throws CancelledError when cancel() interrupted it. */
  async check(): Promise<CheckResult> {
    const startedAt = Date.now();
    // A previous run's code could have modified the package: verify before every check.
    verifyIntegrity(this.exercise);
    const host = this.host;
    host.prepare(this.job);
    // Run and type check side by side; a verdict on code that does not compile is the
    // compiler's, and the run it started is stopped.
    const running = host.run(this.job);
    const problems = await this.checker.check(this.implementation.dir);
    if (problems.length > 0) void host.kill();
    const run = await running;
    await host.kill();
    if (this.closed) throw new CancelledError();
    this.host = new SuiteHost();
    this.warm();
    if (problems.length > 0) return notCheckable(this.exercise, this.implementation, problems, Date.now() - startedAt);
    return verdictFor(this.exercise, this.implementation, run, 0, Date.now() - startedAt);
  }

  /** Stops a check in progress (its check() throws CancelledError) and ends the grading process. */
  async close(): Promise<void> {
    this.closed = true;
    await this.host.kill();
  }
}
