import { AsyncLocalStorage } from 'node:async_hooks';
import type { Scheduler } from 'fast-check';
import { fail } from './failure.js';

/**
 * How long an operation may stay pending while nothing else can make progress before it is
 * called stuck: a few quick rounds (microtask chains between steps), then rounds of one
 * timer tick each, so implementations that back off with short timers still finish.
 */
const QUICK_IDLE_ROUNDS = 20;
const STUCK_AFTER_IDLE_ROUNDS = QUICK_IDLE_ROUNDS + 200;

interface Operation {
  env: Env;
  label: string;
  settled: boolean;
}

/**
 * The world a hidden test builds around the implementation: its async boundaries
 * (store calls, network calls) and the operations the test starts.
 *
 * With a fast-check scheduler, every `step` resolves when the scheduler says so, so the
 * same seed always gives the same interleaving. Without one, steps resolve on the next
 * macrotask, in call order: a real async boundary, deterministic.
 */
/** Envs created by the running test, so a timeout can name the calls that never settled. */
export const liveEnvs = new Set<Env>();

/**
 * One AsyncLocalStorage for every Env: on Node 20 each instance that was ever used stays
 * attached to every later promise, so one per Env (one per explored interleaving) made
 * each run slower than the last.
 */
const operationContext = new AsyncLocalStorage<Operation>();

export class Env {
  readonly trace: string[] = [];
  private readonly operations: Operation[] = [];

  constructor(readonly scheduler?: Scheduler) {
    liveEnvs.add(this);
  }

  /** Starts an operation (a call into the implementation under test) under a label used in traces. */
  run<T>(label: string, call: () => Promise<T> | T): Promise<T> {
    const operation: Operation = { env: this, label, settled: false };
    this.operations.push(operation);
    return operationContext.run(operation, async () => {
      try {
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
  }

  /** The label of the operation the caller runs inside, if any. */
  currentLabel(): string | undefined {
    const operation = operationContext.getStore();
    return operation?.env === this ? operation.label : undefined;
  }

  /**
   * A real async boundary (a store or network round trip). `effect` runs when the step is
   * released, so the order of effects in the trace is the order in which they happened.
   */
  async step<T>(description: string, effect: () => T | Promise<T>): Promise<T> {
    const who = this.currentLabel();
    if (this.scheduler) {
      await this.scheduler.schedule(Promise.resolve(), who ? `${who}: ${description}` : description);
    } else {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const value = await effect();
    this.trace.push(`${who ? `${who}: ` : ''}${description}${value === undefined ? '' : ` → ${describeValue(value)}`}`);
    return value;
  }

  /** Adds a line to the trace, under the current operation's label (e.g. "waiting for lock acct_1"). */
  note(text: string): void {
    const who = this.currentLabel();
    this.trace.push(who ? `${who}: ${text}` : text);
  }

  /** Labels of operations that have not settled yet. */
  pending(): string[] {
    return this.operations.filter((op) => !op.settled).map((op) => op.label);
  }

  /**
   * Lets every started operation run to completion, releasing scheduled steps. An operation
   * that is still pending when nothing can make progress any more never settles (a lock that
   * is never released, a promise never resolved): that fails the test with its name.
   */
  async settle(): Promise<void> {
    let idleRounds = 0;
    while (this.pending().length > 0) {
      if (this.scheduler && this.scheduler.count() > 0) {
        await this.scheduler.waitIdle();
        idleRounds = 0;
        continue;
      }
      idleRounds += 1;
      await new Promise<void>((resolve) => (idleRounds <= QUICK_IDLE_ROUNDS ? setImmediate(resolve) : setTimeout(resolve, 1)));
      if (idleRounds > STUCK_AFTER_IDLE_ROUNDS) {
        const stuck = this.pending();
        fail(`timed out: ${stuck.join(', ')} never settled — something it awaits is never resolved (a lock never released?)`, {
          interleaving: this.trace,
        });
      }
    }
  }

  /** Waits for every operation, then returns how each one ended, in start order. */
  async outcomes<T>(promises: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
    const results = Promise.allSettled(promises);
    await this.settle();
    return results;
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 72 ? `${text.slice(0, 69)}...` : text;
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
