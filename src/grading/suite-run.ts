import { fork, type ChildProcess } from 'node:child_process';
import { compiledPath } from '../paths.js';
import type { FailureReport } from '../harness/failure.js';
import type { ExplorationRecord } from '../harness/tests.js';
import type { ParentMessage, SerializedFault, SuiteJob, TestInfo, TestState, WorkerEvent } from './protocol.js';

/** How long a single test may run past its own timeout before the learner's code is called stuck. */
const STUCK_GRACE_MS = 2_000;
/** How long loading the suites (and importing the learner's code) may take. */
const LOAD_LIMIT_MS = 20_000;
/** An absolute cap on one run per implementation graded in it, whatever happens. */
const RUN_LIMIT_PER_IMPLEMENTATION_MS = 120_000;

export interface TestRecord extends TestInfo {
  state: TestState | 'not-run' | 'stuck';
  failure?: FailureReport;
  exploration?: ExplorationRecord[];
  errors: SerializedFault[];
  durationMs: number;
}

/** What one run of the hidden suites produced, before it is turned into verdicts. */
export interface SuiteRun {
  /** Per repetition, every collected test with its outcome. */
  repetitions: Map<string, TestRecord>[];
  moduleErrors: { project: string; file: string; errors: SerializedFault[] }[];
  unhandled: SerializedFault[];
  /** Set when the run had to be stopped: what was running and why. */
  stopped?: { reason: 'stuck' | 'load' | 'limit' | 'crash'; message: string; tests: TestRecord[] };
  durationMs: number;
}

const WORKER = compiledPath('grading/suite-worker.js');

/**
 * One vitest host process. It can run a job once (a `check`) or stay alive for re-runs
 * (watch mode). A test that never yields is detected by a watchdog and the whole process
 * group is killed: a verdict always comes back.
 */
export class SuiteHost {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private tests = new Map<string, TestRecord>();
  private started = new Map<string, number>();
  private listener?: (event: WorkerEvent) => void;
  private exitListener?: (code: number | null, signal: NodeJS.Signals | null) => void;
  private stderr = '';
  private runLimitMs = RUN_LIMIT_PER_IMPLEMENTATION_MS;

  /** Starts the child early (vitest import and start-up overlap with other work). */
  warm(): Promise<void> {
    if (this.ready) return this.ready;
    const child = fork(WORKER, [], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    this.child = child;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8_000);
    });
    child.on('message', (event: WorkerEvent) => this.listener?.(event));
    child.on('exit', (code, signal) => this.exitListener?.(code, signal));
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (event: WorkerEvent) => {
        if (event.type === 'ready') {
          child.off('message', onMessage);
          resolve();
        }
      };
      child.on('message', onMessage);
      child.once('error', reject);
      child.once('exit', () => reject(new Error(`the grading process exited before it started: ${this.stderr.trim()}`)));
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  run(job: SuiteJob): Promise<SuiteRun> {
    this.runLimitMs = RUN_LIMIT_PER_IMPLEMENTATION_MS * Math.max(1, job.implementations.length) * (job.repeat ?? 1);
    return this.execute({ type: 'run', job }, job.repeat ?? 1);
  }

  rerun(changed: string[]): Promise<SuiteRun> {
    this.resetOutcomes();
    return this.execute({ type: 'rerun', changed }, 1);
  }

  /** Keeps the collected tests, forgets how they ended (before a new repetition or re-run). */
  private resetOutcomes(): void {
    this.tests = new Map([...this.tests].map(([key, test]) => [key, { ...test, state: 'not-run' as const, errors: [], failure: undefined, exploration: undefined, durationMs: 0 }]));
  }

  private async execute(message: ParentMessage, repetitions: number): Promise<SuiteRun> {
    const startedAt = Date.now();
    const result: SuiteRun = { repetitions: [], moduleErrors: [], unhandled: [], durationMs: 0 };
    const cancelled = (): SuiteRun => ({ ...result, stopped: { reason: 'crash', message: 'the run was cancelled', tests: [] }, durationMs: Date.now() - startedAt });
    try {
      await this.warm();
    } catch {
      return cancelled();
    }
    // kill() may have run while the host was starting (the code did not compile).
    const child = this.child;
    if (!child || !this.alive) return cancelled();
    let sawTest = false;
    let lastEventAt = Date.now();

    return new Promise<SuiteRun>((resolve) => {
      let finished = false;
      const finish = (stopped?: SuiteRun['stopped']) => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        this.listener = undefined;
        this.exitListener = undefined;
        if (stopped) {
          this.kill();
          result.stopped = stopped;
          if (result.repetitions.length < repetitions) result.repetitions.push(this.snapshot());
        }
        result.durationMs = Date.now() - startedAt;
        resolve(result);
      };

      const stopStuck = (keys: string[]) => {
        const tests = keys.map((key) => ({ ...this.tests.get(key)!, state: 'stuck' as const }));
        for (const test of tests) this.tests.set(test.key, test);
        finish({ reason: 'stuck', message: 'a test never finished and never yielded: synchronous code that does not return (an infinite loop?)', tests });
      };

      const watchdog = setInterval(() => {
        const now = Date.now();
        const stuck = [...this.started].filter(([key, since]) => now - since > (this.tests.get(key)?.timeoutMs ?? 5_000) + STUCK_GRACE_MS);
        if (stuck.length > 0) {
          stopStuck(stuck.map(([key]) => key));
        } else if (sawTest && now - lastEventAt > this.longestTimeout() + STUCK_GRACE_MS) {
          // vitest batches its updates, so a worker stuck in synchronous code may never have
          // reported the test as started: silence longer than any test may take means the same.
          stopStuck([...this.started.keys()]);
        } else if (!sawTest && now - startedAt > LOAD_LIMIT_MS) {
          finish({ reason: 'load', message: `loading the code did not finish within ${LOAD_LIMIT_MS / 1000} s (an infinite loop at import?)`, tests: [] });
        } else if (now - startedAt > this.runLimitMs) {
          finish({ reason: 'limit', message: `the hidden suites did not finish within ${this.runLimitMs / 1000} s`, tests: [...this.started.keys()].map((key) => this.tests.get(key)!) });
        }
      }, 100);

      this.exitListener = (code, signal) => {
        finish({ reason: 'crash', message: `the grading process ended unexpectedly (${signal ?? `exit code ${code}`})${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`, tests: [] });
      };

      this.listener = (event) => {
        lastEventAt = Date.now();
        switch (event.type) {
          case 'collected':
            sawTest = true;
            this.tests.set(event.test.key, { ...event.test, state: 'not-run', errors: [], durationMs: 0 });
            break;
          case 'started':
            sawTest = true;
            this.started.set(event.key, Date.now());
            break;
          case 'result': {
            this.started.delete(event.key);
            const test = this.tests.get(event.key);
            if (test) this.tests.set(event.key, { ...test, state: event.state, failure: event.failure, exploration: event.exploration, errors: event.errors, durationMs: event.durationMs });
            break;
          }
          case 'module-error':
            sawTest = true;
            result.moduleErrors.push({ project: event.project, file: event.file, errors: event.errors });
            break;
          case 'unhandled':
            result.unhandled.push(...event.errors);
            break;
          case 'run-end':
            result.repetitions.push(this.snapshot());
            this.resetOutcomes();
            if (result.repetitions.length >= repetitions) finish();
            break;
          case 'fatal':
            finish({ reason: 'crash', message: `the grading process failed: ${event.message.split('\n')[0]}`, tests: [] });
            break;
          case 'ready':
            break;
        }
      };
      child.send(message);
    });
  }

  private longestTimeout(): number {
    let longest = 5_000;
    for (const test of this.tests.values()) longest = Math.max(longest, test.timeoutMs ?? 0);
    return longest;
  }

  private snapshot(): Map<string, TestRecord> {
    return new Map([...this.tests].map(([key, test]) => [key, { ...test }]));
  }

  /** Kills the child and every process it started (vitest's workers share its process group). */
  kill(): void {
    const child = this.child;
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    this.child = undefined;
    this.ready = undefined;
    this.tests.clear();
    this.started.clear();
  }

  async close(): Promise<void> {
    if (!this.alive) return;
    const child = this.child!;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({ type: 'exit' } satisfies ParentMessage);
    const timer = setTimeout(() => this.kill(), 3_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
    this.ready = undefined;
  }
}
