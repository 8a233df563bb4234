import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { compiledPath } from '../paths.js';
import type { FailureReport } from '../harness/failure.js';
import type { ExplorationRecord } from '../harness/tests.js';
import { boundFailure, boundFault } from './bounds.js';
import type { SerializedFault, SuiteJob, SupervisorEvent, SupervisorMessage, TestInfo, TestState } from './protocol.js';

/** How much CPU time a single test may use past its own timeout before the learner's code is called stuck. */
const STUCK_GRACE_MS = 2_000;
/**
 * Wall-clock time is only a last resort (CPU time is what decides "stuck", so machine load
 * does not change a verdict): a test may take this many times its CPU allowance in wall time.
 */
const WALL_FACTOR = 8;
/** How much CPU time loading the suites (and importing the learner's code) may take. */
const LOAD_LIMIT_MS = 20_000;
/** An absolute cap on one run per implementation graded in it, whatever happens. */
const RUN_LIMIT_PER_IMPLEMENTATION_MS = 120_000;
/** The heap limit of the grading process and its worker threads, in MB ($BUGBASH_HEAP_LIMIT_MB). */
export function heapLimitMb(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.BUGBASH_HEAP_LIMIT_MB);
  return Number.isFinite(value) && value > 0 ? value : 512;
}

const OUT_OF_MEMORY = /ERR_WORKER_OUT_OF_MEMORY|reaching memory limit|heap out of memory|Allocation failed/;

export function isOutOfMemory(text: string | undefined): boolean {
  return text !== undefined && OUT_OF_MEMORY.test(text);
}

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
  /** Imports of the reference, hidden suites or harness from learner code (refused). */
  forbiddenImports: { project: string; importer: string; specifier: string; what: string }[];
  /** The learner's code exhausted the heap limit. */
  outOfMemory: boolean;
  /** Set when the run had to be stopped: what was running and why. */
  stopped?: { reason: 'stuck' | 'load' | 'limit' | 'crash' | 'memory' | 'killed'; message: string; tests: TestRecord[] };
  durationMs: number;
}

const SUPERVISOR = compiledPath('grading/supervisor.js');

/** How the grading process is isolated on this machine (docs/isolation.md). */
export type Isolation = 'pid-namespace' | 'process-group';

const NAMESPACE_FLAGS = [
  ['--pid', '--fork', '--mount-proc', '--kill-child'],
  // Without root: an unprivileged user namespace, where the kernel allows one.
  ['--user', '--map-root-user', '--pid', '--fork', '--mount-proc', '--kill-child'],
];
let namespaceFlags: string[] | null | undefined;

/** The `unshare` flags that work here, or null (probed once per process; $BUGBASH_ISOLATION=process-group turns it off). */
function unshareFlags(): string[] | null {
  if (namespaceFlags !== undefined) return namespaceFlags;
  namespaceFlags = null;
  if (process.platform === 'linux' && process.env.BUGBASH_ISOLATION !== 'process-group') {
    for (const flags of NAMESPACE_FLAGS) {
      const probe = spawnSync('unshare', [...flags, 'true'], { stdio: 'ignore', timeout: 5_000 });
      if (probe.status === 0) {
        namespaceFlags = flags;
        break;
      }
    }
  }
  return namespaceFlags;
}

export function isolation(): Isolation {
  return unshareFlags() ? 'pid-namespace' : 'process-group';
}

/** CPU ms per host thread at one moment, as the supervisor measured it. */
type CpuSample = Record<string, number>;

/** The most CPU time any one thread used since `since` (a stuck test keeps one thread busy). */
function busiestThreadSince(now: CpuSample, since: CpuSample): number {
  let most = 0;
  for (const [tid, ms] of Object.entries(now)) most = Math.max(most, ms - (since[tid] ?? 0));
  return most;
}

/**
 * One grading process tree for one job: the CLI → a supervisor (in its own PID namespace
 * where the kernel allows it) → the vitest host, whose worker threads run the learner's
 * code. A test that never yields is found by its CPU time and the whole tree is killed; the
 * tree is killed after every run as well, so nothing the learner's code started outlives it.
 */
export class SuiteHost {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private exited?: Promise<void>;
  private preparedJob?: SuiteJob;
  private tests = new Map<string, TestRecord>();
  private started = new Map<string, { at: number; cpu: CpuSample }>();
  private cpu: CpuSample | undefined;
  private listener?: (event: SupervisorEvent) => void;
  private exitListener?: (code: number | null, signal: NodeJS.Signals | null) => void;
  private hostEnded = false;
  private stderr = '';
  private runLimitMs = RUN_LIMIT_PER_IMPLEMENTATION_MS;

  /** Starts the process tree early (vitest's import and start-up overlap with other work). */
  warm(): Promise<void> {
    if (this.ready) return this.ready;
    const flags = unshareFlags();
    const command = flags ? 'unshare' : process.execPath;
    const args = flags ? [...flags, process.execPath, SUPERVISOR] : [SUPERVISOR];
    const child = spawn(command, args, {
      // Its own process group: killing the group ends the supervisor, the host and every
      // child the learner's code started without detaching.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', BUGBASH_HEAP_LIMIT_MB: String(heapLimitMb()) },
    });
    this.child = child;
    this.hostEnded = false;
    this.stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8_000);
    });
    child.on('message', (event: SupervisorEvent) => {
      if (event.type === 'cpu') this.cpu = event.threads;
      else if (event.type === 'host-exit') this.hostEnded = true;
      this.listener?.(event);
    });
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.on('exit', (code, signal) => {
      // Whatever the supervisor left (it was killed by the learner's code), the group goes too.
      this.killGroup(child);
      this.exitListener?.(code, signal);
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (event: SupervisorEvent) => {
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

  /** Creates vitest for the job ahead of the run (watch mode: while the learner edits). */
  prepare(job: SuiteJob): void {
    this.warm()
      .then(() => {
        if (this.preparedJob || !this.alive) return;
        this.preparedJob = job;
        this.child!.send({ type: 'prepare', job } satisfies SupervisorMessage);
      })
      .catch(() => undefined);
  }

  /** Runs the job once (or `repeat` times); a host runs one job. Kill or close it afterwards. */
  run(job: SuiteJob): Promise<SuiteRun> {
    this.runLimitMs = RUN_LIMIT_PER_IMPLEMENTATION_MS * Math.max(1, job.implementations.length) * (job.repeat ?? 1);
    return this.execute(job, job.repeat ?? 1);
  }

  /** Keeps the collected tests, forgets how they ended (before a new repetition). */
  private resetOutcomes(): void {
    this.tests = new Map([...this.tests].map(([key, test]) => [key, { ...test, state: 'not-run' as const, errors: [], failure: undefined, exploration: undefined, durationMs: 0 }]));
  }

  private async execute(job: SuiteJob, repetitions: number): Promise<SuiteRun> {
    const startedAt = Date.now();
    const result: SuiteRun = { repetitions: [], moduleErrors: [], unhandled: [], forbiddenImports: [], outOfMemory: false, durationMs: 0 };
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
    let lastEventCpu: CpuSample = { ...this.cpu };
    const startCpu: CpuSample = { ...this.cpu };
    const noteMemory = (...texts: (string | undefined)[]) => {
      if (texts.some(isOutOfMemory)) result.outOfMemory = true;
    };

    return new Promise<SuiteRun>((resolve) => {
      let finished = false;
      const finish = (stopped?: SuiteRun['stopped']) => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        this.listener = undefined;
        this.exitListener = undefined;
        if (stopped) {
          result.stopped = stopped;
          if (result.repetitions.length < repetitions) result.repetitions.push(this.snapshot());
        }
        result.durationMs = Date.now() - startedAt;
        // The verdict is handed back once the tree is gone: nothing of the run outlives it.
        if (stopped) void this.kill().then(() => resolve(result));
        else resolve(result);
      };

      const stopStuck = (keys: string[]) => {
        const tests = keys.map((key) => ({ ...this.tests.get(key)!, state: 'stuck' as const }));
        for (const test of tests) this.tests.set(test.key, test);
        finish({ reason: 'stuck', message: 'a test never finished and never yielded: synchronous code that does not return (an infinite loop?)', tests });
      };

      // CPU time (per host thread, measured by the supervisor) decides; where it cannot be
      // measured, or as a last resort, the wall clock with a generous factor.
      const over = (allowanceMs: number, since: { at: number; cpu: CpuSample }, now: number) =>
        (this.cpu !== undefined && busiestThreadSince(this.cpu, since.cpu) > allowanceMs) || now - since.at > allowanceMs * (this.cpu !== undefined ? WALL_FACTOR : 1);

      const watchdog = setInterval(() => {
        const now = Date.now();
        const stuck = [...this.started].filter(([key, since]) => over((this.tests.get(key)?.timeoutMs ?? 5_000) + STUCK_GRACE_MS, since, now));
        if (stuck.length > 0) {
          stopStuck(stuck.map(([key]) => key));
        } else if (sawTest && over(this.longestTimeout() + STUCK_GRACE_MS, { at: lastEventAt, cpu: lastEventCpu }, now)) {
          // vitest batches its updates, so a worker stuck in synchronous code may never have
          // reported the test as started: silence longer than any test may take means the same.
          stopStuck([...this.started.keys()]);
        } else if (!sawTest && over(LOAD_LIMIT_MS, { at: startedAt, cpu: startCpu }, now)) {
          finish({ reason: 'load', message: `loading the code did not finish within ${LOAD_LIMIT_MS / 1000} s of CPU time (an infinite loop at import?)`, tests: [] });
        } else if (now - startedAt > this.runLimitMs) {
          finish({ reason: 'limit', message: `the hidden suites did not finish within ${this.runLimitMs / 1000} s`, tests: [...this.started.keys()].map((key) => this.tests.get(key)!) });
        }
      }, 100);

      const ended = (how: string) => {
        noteMemory(this.stderr);
        if (result.outOfMemory) finish({ reason: 'memory', message: `your code ran out of memory (limit ${heapLimitMb()} MB)`, tests: [] });
        else finish({ reason: 'crash', message: `the grading process ended unexpectedly (${how})${this.stderr.trim() ? `: ${lastLines(this.stderr)}` : ''}`, tests: [] });
      };
      this.exitListener = (code, signal) => {
        // The supervisor itself ended before the host: only the learner's code kills it.
        if (!this.hostEnded) {
          finish({ reason: 'killed', message: `your code killed the process that supervises the grading (${signal ?? `exit code ${code}`}), e.g. with process.kill(process.ppid): library code must never signal other processes`, tests: [] });
        }
      };

      this.listener = (event) => {
        if (event.type === 'cpu') return;
        lastEventAt = Date.now();
        lastEventCpu = { ...this.cpu };
        switch (event.type) {
          case 'host-exit':
            ended(event.signal ?? `exit code ${event.code}`);
            break;
          case 'collected':
            sawTest = true;
            this.tests.set(event.test.key, { ...event.test, state: 'not-run', errors: [], durationMs: 0 });
            break;
          case 'started':
            sawTest = true;
            this.started.set(event.key, { at: Date.now(), cpu: { ...this.cpu } });
            break;
          case 'result': {
            this.started.delete(event.key);
            noteMemory(...event.errors.map((error) => error.message));
            const test = this.tests.get(event.key);
            if (test) this.tests.set(event.key, { ...test, state: event.state, failure: event.failure && boundFailure(event.failure), exploration: event.exploration, errors: event.errors.map(boundFault), durationMs: event.durationMs });
            break;
          }
          case 'module-error':
            sawTest = true;
            noteMemory(...event.errors.map((error) => error.message));
            result.moduleErrors.push({ project: event.project, file: event.file, errors: event.errors.map(boundFault) });
            break;
          case 'unhandled':
            noteMemory(...event.errors.map((error) => error.message));
            result.unhandled.push(...event.errors.filter((error) => !isOutOfMemory(error.message)).map(boundFault));
            break;
          case 'forbidden-import':
            result.forbiddenImports.push({ project: event.project, importer: event.importer, specifier: event.specifier, what: event.what });
            break;
          case 'run-end':
            result.repetitions.push(this.snapshot());
            this.resetOutcomes();
            if (result.repetitions.length >= repetitions) finish();
            break;
          case 'fatal':
            noteMemory(event.message);
            if (result.outOfMemory) finish({ reason: 'memory', message: `your code ran out of memory (limit ${heapLimitMb()} MB)`, tests: [] });
            else finish({ reason: 'crash', message: `the grading process failed: ${event.message.split('\n')[0]}`, tests: [] });
            break;
          case 'ready':
            break;
        }
      };
      this.preparedJob = job;
      child.send({ type: 'run', job } satisfies SupervisorMessage);
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

  private killGroup(child: ChildProcess): void {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }

  /** Ends the run and every process it started; resolves once the tree is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    this.child = undefined;
    this.ready = undefined;
    this.preparedJob = undefined;
    this.tests.clear();
    this.started.clear();
    if (!child || !exited || child.exitCode !== null || child.signalCode !== null) return;
    // The supervisor kills the learner's children by ancestry (also detached ones) and exits,
    // which ends a PID namespace; the group kill is the fallback.
    if (child.connected) child.send({ type: 'kill' } satisfies SupervisorMessage, () => undefined);
    const fallback = setTimeout(() => this.killGroup(child), child.connected ? 1_000 : 0);
    await exited;
    clearTimeout(fallback);
  }

  /** Closes vitest cleanly, then ends the tree. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return this.kill();
    const exited = this.exited!;
    child.send({ type: 'exit' } satisfies SupervisorMessage, () => undefined);
    const timer = setTimeout(() => void this.kill(), 3_000);
    await exited;
    clearTimeout(timer);
    await this.kill();
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ');
}
