import { AsyncLocalStorage } from 'node:async_hooks';
import { fail, LearnerFailure } from './failure.js';
import { markWorld, MemoryProbe } from './memory.js';
import { Controller, EVERYTHING, nextMacrotask, nextTimerTick, type Touch } from './schedule.js';

/**
 * How long an operation may stay pending while nothing else can make progress before it is
 * called stuck: a few quick rounds (microtask chains between steps), then rounds of one
 * timer tick each, so implementations that back off with short timers still finish.
 */
const QUICK_IDLE_ROUNDS = 20;
const STUCK_AFTER_IDLE_ROUNDS = QUICK_IDLE_ROUNDS + 200;

interface Operation {
  env: Env;
  /** 1, 2, … in start order; 0 is the test itself (calls made outside `env.run`). */
  number: number;
  label: string;
  settled: boolean;
  promise?: Promise<unknown>;
}

export interface RunOptions {
  /**
   * `explored` (default under `explore`): the operation's arrival is a transition like any
   * other, so it may start before, between or after every step of the others.
   * `now`: it starts at once, when `run` is called (pin simultaneous starts).
   */
  arrival?: 'explored' | 'now';
}

/** An invariant broken at some step: the first one wins. */
export interface Violation {
  symptom: string;
  interleaving: string[];
}

/** Envs created by the running test, so a timeout can name the calls that never settled. */
export const liveEnvs = new Set<Env>();

/**
 * One AsyncLocalStorage for every Env: on Node 20 each instance that was ever used stays
 * attached to every later promise, so one per Env (one per explored interleaving) made
 * each run slower than the last.
 */
const operationContext = new AsyncLocalStorage<Operation>();

/**
 * The world a hidden test builds around the implementation: its async boundaries (store
 * calls, network calls), the operations the test starts, and the invariants that must hold
 * after every write.
 *
 * Under `explore` the Env has a controller: every arrival, step and timer of an operation
 * waits until the explorer releases it. Without one (`new Env()`), steps resolve on the next
 * macrotask in call order: a real async boundary, deterministic.
 */
export class Env {
  readonly trace: string[] = [];
  private readonly operations: Operation[] = [];
  private readonly invariants: { description: string; check: () => boolean | string | void }[] = [];
  private readonly subjects: object[] = [];
  readonly memory = new MemoryProbe(() => this.subjects);
  /** Arrivals default for `run` when the option is not given. */
  defaultArrival: 'explored' | 'now' = 'explored';
  violation?: Violation;
  private readonly testOperation: Operation;

  constructor(readonly controller?: Controller) {
    markWorld(this);
    liveEnvs.add(this);
    this.testOperation = { env: this, number: 0, label: '', settled: true };
  }

  /**
   * Starts an operation (a call into the implementation under test) under a label used in
   * traces. Under `explore` its start is itself explored (see RunOptions).
   */
  run<T>(label: string, call: () => Promise<T> | T, options: RunOptions = {}): Promise<T> {
    const operation: Operation = { env: this, number: this.operations.length + 1, label, settled: false };
    this.operations.push(operation);
    const arrival = options.arrival ?? this.defaultArrival;
    const arrives = this.controller && arrival === 'explored' ? this.controller.request(operation.number, 'arrive', `${label} arrives`, []) : undefined;
    const promise = operationContext.run(operation, async () => {
      try {
        if (arrives) {
          await arrives;
          this.trace.push(`${label} arrives`);
        }
        const value = await call();
        this.trace.push(`${label} returned ${describeValue(value)}`);
        return value;
      } catch (error) {
        this.trace.push(`${label} failed with ${describeError(error)}`);
        throw error;
      } finally {
        operation.settled = true;
      }
    });
    operation.promise = promise;
    return promise;
  }

  /** The label of the operation the caller runs inside, if any. */
  currentLabel(): string | undefined {
    const operation = operationContext.getStore();
    return operation?.env === this ? operation.label : undefined;
  }

  /** The operation the caller runs inside: a started one, or the test itself. */
  currentOperation(): { number: number; label: string } {
    const operation = operationContext.getStore();
    return operation?.env === this ? operation : this.testOperation;
  }

  /**
   * A real async boundary (a store or network round trip). `effect` runs when the step is
   * released, so the order of effects in the trace is the order in which they happened.
   * `touches` says what the step reads and writes; a step that declares nothing is ordered
   * against every other step (correct, but the explorer then has more orderings to try).
   */
  async step<T>(description: string, effect: () => T | Promise<T>, touches: readonly Touch[] = EVERYTHING): Promise<T> {
    const operation = this.currentOperation();
    const who = operation.label;
    if (this.controller) {
      await this.controller.request(operation.number, 'step', who ? `${who}: ${description}` : description, touches);
    } else {
      await nextMacrotask();
    }
    let value: T;
    try {
      value = await effect();
    } catch (error) {
      // A step can land and then fail (a write whose reply was lost): trace it and check the
      // invariants all the same, then pass the error on.
      this.trace.push(`${who ? `${who}: ` : ''}${description} → ${describeError(error)}`);
      if (touches.some((touch) => touch.write)) this.checkInvariants();
      throw error;
    }
    this.trace.push(`${who ? `${who}: ` : ''}${description}${value === undefined ? '' : ` → ${describeValue(value)}`}`);
    if (touches.some((touch) => touch.write)) this.checkInvariants();
    return value;
  }

  /** Adds a line to the trace, under the current operation's label (e.g. "waiting for lock acct_1"). */
  note(text: string): void {
    const who = this.currentLabel();
    this.trace.push(who ? `${who}: ${text}` : text);
  }

  /**
   * A rule that must hold at every moment, checked after every step that writes. `check`
   * returns true (or nothing) when it holds, false or a description of what broke when not.
   * A broken invariant fails the test with the step where it broke and the trace up to it.
   */
  invariant(description: string, check: () => boolean | string | void): void {
    this.invariants.push({ description, check });
  }

  /**
   * Tells the explorer where the implementation keeps in-process state: an instance built
   * by the world. Its fields (maps of in-flight keys, busy flags, lock chains) are compared
   * before and after every transition. Without a tracked instance every transition is taken
   * to change memory, which is correct but explores far more orderings.
   */
  track<T extends object>(subject: T): T {
    this.subjects.push(subject);
    return subject;
  }

  checkInvariants(): void {
    if (this.violation) return;
    for (const { description, check } of this.invariants) {
      let verdict: boolean | string | void;
      try {
        verdict = check();
      } catch (error) {
        verdict = `checking it threw ${describeError(error)}`;
      }
      if (verdict === true || verdict === undefined) continue;
      const step = this.trace.at(-1) ?? 'the start';
      const why = typeof verdict === 'string' ? `: ${verdict}` : '';
      this.violation = { symptom: `${description} — broken right after "${step}"${why}`, interleaving: [...this.trace] };
      return;
    }
  }

  /** Fails the test if an invariant broke. */
  assertInvariants(): void {
    if (this.violation) throw new LearnerFailure({ symptom: this.violation.symptom, interleaving: this.violation.interleaving });
  }

  /** Labels of operations that have not settled yet. */
  pending(): string[] {
    return this.operations.filter((op) => !op.settled).map((op) => op.label);
  }

  /**
   * Lets every started operation run to completion. An operation that is still pending when
   * nothing can make progress any more never settles (a lock that is never released, a
   * promise never resolved): that fails the test with its name.
   */
  async settle(): Promise<void> {
    if (this.controller) {
      // The explorer releases transitions; it fails the run itself if nothing can move.
      while (this.operations.some((op) => !op.settled)) await Promise.allSettled(this.operations.map((op) => op.promise));
      this.assertInvariants();
      return;
    }
    let idleRounds = 0;
    while (this.pending().length > 0) {
      idleRounds += 1;
      await (idleRounds <= QUICK_IDLE_ROUNDS ? nextMacrotask() : nextTimerTick());
      if (idleRounds > STUCK_AFTER_IDLE_ROUNDS) {
        const stuck = this.pending();
        fail(`timed out: ${stuck.join(', ')} never settled — something it awaits is never resolved (a lock never released?)`, {
          interleaving: this.trace,
        });
      }
    }
    this.assertInvariants();
  }

  /** Waits for every operation, then returns how each one ended, in start order. */
  async outcomes<T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
    const results = Promise.allSettled(promises);
    await this.settle();
    return results;
  }
}

export { QUICK_IDLE_ROUNDS, STUCK_AFTER_IDLE_ROUNDS, operationContext };

/** Longest rendering of one value in a trace line. */
const TRACE_VALUE_CHARS = 72;

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > TRACE_VALUE_CHARS ? `${value.slice(0, TRACE_VALUE_CHARS - 3)}...` : value);
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > TRACE_VALUE_CHARS ? `${text.slice(0, TRACE_VALUE_CHARS - 3)}...` : text;
  } catch {
    return String(value);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return code !== undefined ? `${error.name} ${String(code)}` : `${error.name}: ${error.message}`;
  }
  return String(error);
}
