import type { Exercise } from '../catalog/catalog.js';
import { CodeChecker } from './code-check.js';
import { notCheckable, suiteJob, verdictFor } from './grade.js';
import type { Implementation } from './implementation.js';
import { SuiteHost } from './suite-run.js';
import type { CheckResult } from './verdict.js';

/**
 * Repeated checks of one implementation (watch mode): one vitest host and one ts-morph
 * project stay alive between checks, and only changed files are invalidated.
 */
export class GradingSession {
  private readonly host = new SuiteHost();
  private readonly checker: CodeChecker;
  private hasRun = false;

  constructor(
    readonly exercise: Exercise,
    readonly implementation: Implementation,
  ) {
    this.checker = new CodeChecker(exercise);
  }

  /** Starts vitest and the type checker ahead of the first check. */
  warm(): void {
    this.host.warm().catch(() => undefined);
  }

  async check(changed: string[] = []): Promise<CheckResult> {
    const startedAt = Date.now();
    this.warm();
    // Re-run and type check side by side; a verdict on code that does not compile is the
    // compiler's, and the run it started is stopped.
    const running = this.hasRun && this.host.alive ? this.host.rerun(changed) : this.host.run(suiteJob(this.exercise, [this.implementation]));
    const problems = await this.checker.check(this.implementation.dir);
    if (problems.length > 0) {
      this.host.kill();
      this.hasRun = false;
      await running;
      return notCheckable(this.exercise, this.implementation, problems, Date.now() - startedAt);
    }
    const run = await running;
    // A run that had to be stopped killed the host: the next check starts a fresh one.
    this.hasRun = this.host.alive;
    return verdictFor(this.exercise, this.implementation, run, 0, Date.now() - startedAt);
  }

  async close(): Promise<void> {
    await this.host.close().catch(() => this.host.kill());
  }
}
