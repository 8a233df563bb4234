import { Env, liveEnvs, operationContext, QUICK_IDLE_ROUNDS, STUCK_AFTER_IDLE_ROUNDS } from './env.js';
import { LearnerFailure, type FailureDetails } from './failure.js';
import { Controller, independent, nextMacrotask, nextTimerTick, realClearTimeout, realSetTimeout, type Footprint, type PendingTransition } from './schedule.js';
import { currentTest, failureReport, recordExploration, resetRandomness } from './tests.js';

export interface ExploreOptions {
  /** Seed of the sampled fallback (and its record). Default 1. */
  seed?: number;
  /**
   * Most complete orderings the exhaustive search may run before it gives up and the
   * scenario is sampled instead. Default 3,000.
   */
  orderings?: number;
  /** Orderings the sampled fallback runs (PCT priorities, fixed seed). Default 300. */
  runs?: number;
  /** `now` pins simultaneous starts for every `env.run` of the scenario (default `explored`). */
  arrivals?: 'explored' | 'now';
  /** Replays one schedule (a list of transition keys, as a failure reports it). For authors. */
  replay?: string[];
}

/** How a scenario was explored: what a passing verdict is worth. */
export type Exploration =
  | { mode: 'exhaustive'; orderings: number }
  | { mode: 'sampled'; orderings: number; runs: number; seed: number }
  | { mode: 'replay'; orderings: 1 };

type Scenario = (env: Env) => Promise<void>;

interface RunResult {
  env: Env;
  /** Keys of the released transitions, in order. */
  schedule: string[];
  /** Operations whose transition was released, in order (for counting preemptions). */
  operations: number[];
  complete: boolean;
  failure?: unknown;
}

/** Chooses which enabled transition runs next; null ends the run (nothing worth exploring). */
interface Chooser {
  choose(enabled: readonly PendingTransition[], depth: number, last: number | undefined): string | null;
  observe(depth: number, footprint: Footprint): void;
}

/**
 * Runs `scenario` under every distinct ordering of its transitions (arrivals, steps,
 * timers), found by a depth-first search with sleep sets: two orderings that differ only in
 * the order of independent transitions (different keys, or reads of the same key, with no
 * in-process memory written) are the same ordering and run once. When more than `orderings`
 * complete runs are needed, the scenario is sampled instead with PCT priorities and a fixed
 * seed. Either way the result is recorded on the test, and a failure is shrunk to the
 * ordering with the fewest switches between operations that still fails.
 */
export async function explore(options: ExploreOptions, scenario: Scenario): Promise<void> {
  const startedAt = performance.now();
  const test = currentTest();
  const seed = options.seed ?? 1;
  const budget = options.orderings ?? 3_000;
  const sampledRuns = options.runs ?? 300;
  const run = (chooser: Chooser) => {
    if (test.ended) throw new ExplorationAbandoned();
    test.orderingsRun = (test.orderingsRun ?? 0) + 1;
    return runOnce(scenario, chooser, options.arrivals ?? 'explored');
  };
  const finish = (exploration: Exploration, failed?: RunResult) => {
    if (test.ended) throw new ExplorationAbandoned();
    recordExploration({ ...exploration, ms: Math.round(performance.now() - startedAt) });
    if (failed) throw asFailure(failed, exploration, seed);
  };

  if (options.replay) {
    const result = await run(new PreferenceChooser(options.replay));
    return finish({ mode: 'replay', orderings: 1 }, result.failure ? result : undefined);
  }

  const search = new SleepSetSearch();
  let orderings = 0;
  for (;;) {
    const result = await run(search);
    if (result.complete) orderings += 1;
    if (result.failure !== undefined) return finish({ mode: 'exhaustive', orderings }, await shrink(scenario, options, result));
    if (!search.next()) return finish({ mode: 'exhaustive', orderings });
    if (orderings >= budget) break;
  }

  const expectedLength = search.firstLength;
  for (let index = 0; index < sampledRuns; index++) {
    const result = await run(new PctChooser(seed * 100_003 + index, expectedLength));
    if (result.failure !== undefined) {
      return finish({ mode: 'sampled', orderings, runs: index + 1, seed }, await shrink(scenario, options, result));
    }
  }
  finish({ mode: 'sampled', orderings, runs: sampledRuns, seed });
}

/** Thrown into an exploration whose test already ended (timed out): nobody waits for it. */
class ExplorationAbandoned extends Error {
  constructor() {
    super('the test ended before this exploration finished');
    this.name = 'ExplorationAbandoned';
  }
}

/** One run of the scenario on a fresh Env, releasing one transition at a time. */
async function runOnce(scenario: Scenario, chooser: Chooser, arrivals: 'explored' | 'now'): Promise<RunResult> {
  // Each ordering is a fresh world: generated ids and random draws start over, so a replay
  // meets exactly the same values.
  resetRandomness();
  const controller = new Controller();
  const env = new Env(controller);
  env.defaultArrival = arrivals;
  const result: RunResult = { env, schedule: [], operations: [], complete: false };
  let done = false;
  let scenarioError: unknown;
  const restoreTimers = virtualTimers(env, controller);
  try {
    void Promise.resolve()
      .then(() => scenario(env))
      .then(
        () => {
          done = true;
        },
        (error: unknown) => {
          done = true;
          scenarioError = error ?? new Error('the scenario failed');
        },
      );
    // Taken once the scenario has built its world (and tracked the implementation).
    let before: string | undefined;
    let released: { key: string; operation: number; thread: string; touches: PendingTransition['touches'] } | undefined;
    let idleRounds = 0;
    for (let depth = 0; ; ) {
      await controller.quiesce();
      before ??= env.memory.fingerprint();
      if (released) {
        // The transition ran to the next wait of everything it woke: now its footprint is known.
        const after = env.memory.fingerprint();
        chooser.observe(depth, { ...released, memoryWrite: after !== before });
        before = after;
        released = undefined;
        depth += 1;
      }
      if (env.violation) {
        result.failure = new LearnerFailure({ symptom: env.violation.symptom, interleaving: env.violation.interleaving });
        return result;
      }
      if (done) break;
      const enabled = controller.enabled();
      if (enabled.length === 0) {
        // Nothing waits on the world, yet the scenario has not finished: something awaits a
        // promise nobody will resolve (a lock never released) — or a real timer or I/O.
        idleRounds += 1;
        await (idleRounds <= QUICK_IDLE_ROUNDS ? nextMacrotask() : nextTimerTick());
        if (idleRounds > STUCK_AFTER_IDLE_ROUNDS) {
          const stuck = env.pending();
          const what = stuck.length > 0 ? `${stuck.join(', ')} never settled` : 'the test never finished';
          result.failure = new LearnerFailure({
            symptom: `timed out: ${what} — something it awaits is never resolved (a lock never released?)`,
            interleaving: [...env.trace],
          });
          return result;
        }
        continue;
      }
      idleRounds = 0;
      const key = chooser.choose(enabled, depth, result.operations.at(-1));
      if (key === null) return result;
      const transition = controller.release(key);
      result.schedule.push(key);
      result.operations.push(transition.operation);
      released = { key, operation: transition.operation, thread: transition.thread, touches: transition.touches };
    }
    result.complete = true;
    if (scenarioError !== undefined) result.failure = scenarioError;
    else {
      // An invariant may break in the scenario's own last writes, after the final quiescence.
      const violation = env.violation as Env['violation'];
      if (violation) result.failure = new LearnerFailure({ symptom: violation.symptom, interleaving: violation.interleaving });
    }
    return result;
  } finally {
    restoreTimers();
    // Thousands of orderings each build an Env: only the one running stays listed for a timeout report.
    liveEnvs.delete(env);
  }
}

interface SearchNode {
  /** Keys enabled at this point, in order. */
  enabled: string[];
  /** The strand of each enabled key. */
  threads: Map<string, string>;
  /**
   * Keys that must be explored from here (DPOR): the first choice, plus every transition
   * found racing with a later one of this ordering.
   */
  backtrack: Set<string>;
  /** Transitions that need not run here: an equivalent ordering already ran them first. */
  sleep: Map<string, Footprint>;
  /** Transitions already explored from here, with what they touched. */
  done: Map<string, Footprint>;
  chosen: string;
  footprint?: Footprint;
}

/**
 * Depth-first search over orderings with dynamic partial-order reduction (Flanagan and
 * Godefroid, POPL 2005) and sleep sets (Godefroid, 1996). From each point only the
 * transitions in its backtrack set are explored: the first one, plus, for every pair of
 * dependent transitions of different operations that ran in one order and could have run in
 * the other (a race, found on each run's trace with vector clocks), the later one's operation
 * at the point before the earlier one. Sleep sets then keep equivalent orderings from running
 * twice: after the subtree of t, t sleeps in its later siblings' subtrees until a transition
 * dependent on it runs. Every class of equivalent orderings is run at least once, and
 * complete runs are pairwise inequivalent.
 */
class SleepSetSearch implements Chooser {
  private nodes: SearchNode[] = [];
  private replayDepth = 0;
  firstLength = 0;

  choose(enabled: readonly PendingTransition[], depth: number, last: number | undefined): string | null {
    const keys = enabled.map((transition) => transition.key);
    if (depth < this.replayDepth) {
      const node = this.nodes[depth]!;
      // Same prefix, same enabled set, unless the code under test is not deterministic.
      return keys.includes(node.chosen) ? node.chosen : null;
    }
    const sleep = depth === 0 ? new Map<string, Footprint>() : this.childSleep(this.nodes[depth - 1]!);
    const candidates = keys.filter((key) => !sleep.has(key));
    if (candidates.length === 0) return null;
    const chosen = preferred(candidates, enabled, last);
    const threads = new Map(enabled.map((transition) => [transition.key, transition.thread]));
    this.nodes[depth] = { enabled: keys, threads, backtrack: new Set([chosen]), sleep, done: new Map(), chosen };
    this.nodes.length = depth + 1;
    this.firstLength = Math.max(this.firstLength, depth + 1);
    return chosen;
  }

  observe(depth: number, footprint: Footprint): void {
    this.nodes[depth]!.footprint = footprint;
  }

  private childSleep(parent: SearchNode): Map<string, Footprint> {
    const sleep = new Map<string, Footprint>();
    const taken = parent.footprint!;
    for (const [key, footprint] of [...parent.sleep, ...parent.done]) {
      if (key !== parent.chosen && independent(footprint, taken)) sleep.set(key, footprint);
    }
    return sleep;
  }

  /**
   * Adds backtrack points for the races of the ordering that just ran: for each transition j,
   * the latest earlier transition i of another operation that is dependent on j and not
   * already ordered before j by other dependencies. At the point before i, j's operation
   * must be tried first; if it was not enabled there, every enabled transition is.
   */
  private addRaces(): void {
    const events = this.nodes.filter((node) => node.footprint).map((node) => node.footprint!);
    const clocks: Map<string, number>[] = [];
    const lastOfThread = new Map<string, number>();
    events.forEach((event, j) => {
      const previous = lastOfThread.get(event.thread);
      const clock = new Map(previous === undefined ? [] : clocks[previous]!);
      for (let i = j - 1; i >= 0; i--) {
        const earlier = events[i]!;
        if (earlier.thread === event.thread || independent(earlier, event)) continue;
        if ((clock.get(earlier.thread) ?? -1) >= i) continue;
        this.backtrackBefore(i, event.thread);
        for (const [thread, index] of clocks[i]!) clock.set(thread, Math.max(clock.get(thread) ?? -1, index));
      }
      clock.set(event.thread, j);
      clocks[j] = clock;
      lastOfThread.set(event.thread, j);
    });
  }

  private backtrackBefore(depth: number, thread: string): void {
    const node = this.nodes[depth]!;
    const own = node.enabled.filter((key) => node.threads.get(key) === thread);
    for (const key of own.length > 0 ? own : node.enabled) node.backtrack.add(key);
  }

  /** Moves to the next unexplored branch; false when the whole tree has been run. */
  next(): boolean {
    this.addRaces();
    for (let depth = this.nodes.length - 1; depth >= 0; depth--) {
      const node = this.nodes[depth]!;
      if (node.footprint) node.done.set(node.chosen, node.footprint);
      const candidate = node.enabled.find((key) => node.backtrack.has(key) && !node.done.has(key) && !node.sleep.has(key));
      if (candidate !== undefined) {
        node.chosen = candidate;
        node.footprint = undefined;
        this.nodes.length = depth + 1;
        this.replayDepth = depth + 1;
        return true;
      }
    }
    return false;
  }
}

/** Keeps running the operation that ran last when it can: fewer switches read better. */
function preferred(candidates: string[], enabled: readonly PendingTransition[], last: number | undefined): string {
  if (last !== undefined) {
    const same = candidates.find((key) => enabled.find((t) => t.key === key)?.operation === last);
    if (same !== undefined) return same;
  }
  return candidates[0]!;
}

/**
 * PCT (Burckhardt et al., ASPLOS 2010): every operation gets a random priority, the highest
 * enabled one runs, and at a few random depths the running operation drops below all others.
 * Finds a bug of depth d with probability at least 1/(n·k^(d−1)) per run.
 */
class PctChooser implements Chooser {
  private readonly random: () => number;
  private readonly priorities = new Map<string, number>();
  private readonly changePoints: Set<number>;
  private lowered = 0;

  constructor(seed: number, expectedLength: number, depth = 3) {
    this.random = mulberry32(seed);
    const length = Math.max(2, expectedLength);
    this.changePoints = new Set(Array.from({ length: depth - 1 }, () => Math.floor(this.random() * length)));
  }

  choose(enabled: readonly PendingTransition[], depth: number): string | null {
    for (const transition of enabled) {
      if (!this.priorities.has(transition.thread)) this.priorities.set(transition.thread, 1_000 + this.random());
    }
    let best = enabled[0]!;
    for (const transition of enabled) if (this.priorities.get(transition.thread)! > this.priorities.get(best.thread)!) best = transition;
    if (this.changePoints.has(depth)) this.priorities.set(best.thread, -++this.lowered);
    return best.key;
  }

  observe(): void {}
}

/** Follows a schedule where it can; where its next key is not enabled, the first one that is. */
class PreferenceChooser implements Chooser {
  private index = 0;
  constructor(private readonly schedule: readonly string[]) {}

  choose(enabled: readonly PendingTransition[]): string | null {
    const wanted = this.schedule[this.index];
    this.index += 1;
    return enabled.find((t) => t.key === wanted)?.key ?? enabled[0]!.key;
  }

  observe(): void {}
}

/** Switches from one operation to another: what a reader has to follow. */
function switches(operations: number[]): number {
  let count = 0;
  for (let i = 1; i < operations.length; i++) if (operations[i] !== operations[i - 1]) count += 1;
  return count;
}

const SHRINK_REPLAYS = 80;

/**
 * Shrinks a failing ordering: swaps adjacent transitions of different operations while the
 * scenario still fails and the ordering has fewer switches, so the trace a learner reads
 * has as few back-and-forths as the failure allows.
 */
async function shrink(scenario: Scenario, options: ExploreOptions, failed: RunResult): Promise<RunResult> {
  // A stuck operation reads the same in every ordering, and each replay costs an idle wait.
  if (failed.failure instanceof LearnerFailure && failed.failure.details.symptom.startsWith('timed out:')) return failed;
  let best = failed;
  let replays = 0;
  let improved = true;
  while (improved && replays < SHRINK_REPLAYS) {
    improved = false;
    for (let i = 0; i + 1 < best.schedule.length && replays < SHRINK_REPLAYS; i++) {
      if (best.operations[i] === best.operations[i + 1]) continue;
      const candidate = [...best.schedule];
      [candidate[i], candidate[i + 1]] = [candidate[i + 1]!, candidate[i]!];
      replays += 1;
      const result = await runOnce(scenario, new PreferenceChooser(candidate), options.arrivals ?? 'explored');
      if (result.failure !== undefined && sameKind(result.failure, failed.failure) && switches(result.operations) < switches(best.operations)) {
        best = result;
        improved = true;
        break;
      }
    }
  }
  return best;
}

function sameKind(a: unknown, b: unknown): boolean {
  return failureReport(a).symptom.split('\n')[0] === failureReport(b).symptom.split('\n')[0];
}

function asFailure(failed: RunResult, exploration: Exploration, seed: number): LearnerFailure {
  const error = failed.failure;
  const details: FailureDetails = error instanceof LearnerFailure ? { ...error.details } : { symptom: failureReport(error).symptom };
  details.interleaving = details.interleaving?.length ? details.interleaving : [...failed.env.trace];
  if (exploration.mode === 'sampled') details.seed = seed;
  details.schedule = failed.schedule;
  details.exploration = exploration.mode === 'exhaustive' ? `exhaustive, failed on ordering ${exploration.orderings}` : exploration.mode === 'sampled' ? `sampled, failed on run ${exploration.runs} (seed ${seed})` : 'replay';
  return new LearnerFailure(details);
}

/**
 * Timers set inside an operation are transitions too: they fire when the explorer releases
 * them, not when the wall clock says, so backoff and polling code is explored and replayed
 * like any other wait.
 */
function virtualTimers(env: Env, controller: Controller): () => void {
  const originalSet = globalThis.setTimeout;
  const originalClear = globalThis.clearTimeout;
  const virtual = new WeakSet<object>();
  const patchedSet = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const operation = operationContext.getStore();
    if (!operation || operation.env !== env || typeof callback !== 'function') return realSetTimeout(() => (callback as (...a: unknown[]) => void)(...args), ms);
    const timer = controller.timer(operation.number, `${operation.label}: timer of ${ms ?? 0} ms fires`, () => callback(...args));
    const handle = {
      cancel: timer.cancel,
      ref: () => handle,
      unref: () => handle,
      hasRef: () => true,
      refresh: () => handle,
      [Symbol.toPrimitive]: () => 0,
    };
    virtual.add(handle);
    return handle as unknown as NodeJS.Timeout;
  }) as unknown as typeof setTimeout;
  const patchedClear = ((handle: unknown) => {
    if (handle && typeof handle === 'object' && virtual.has(handle)) (handle as { cancel(): void }).cancel();
    else realClearTimeout(handle as NodeJS.Timeout);
  }) as typeof clearTimeout;
  globalThis.setTimeout = patchedSet;
  globalThis.clearTimeout = patchedClear;
  return () => {
    globalThis.setTimeout = originalSet;
    globalThis.clearTimeout = originalClear;
  };
}

function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
