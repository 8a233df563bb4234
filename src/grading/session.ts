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
    const problems = await this.checker.check(this.implementation.dir);
    if (problems.length > 0) return notCheckable(this.exercise, this.implementation, problems, Date.now() - startedAt);
    const run = this.hasRun && this.host.alive ? await this.host.rerun(changed) : await this.host.run(suiteJob(this.exercise, [this.implementation]));
    // A run that had to be stopped killed the host: the next check starts a fresh one.
    this.hasRun = this.host.alive;
    return verdictFor(this.exercise, this.implementation, run, 0, Date.now() - startedAt);
  }

  async close(): Promise<void> {
    await this.host.close().catch(() => this.host.kill());
  }
}
