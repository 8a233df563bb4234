import { createRequire, syncBuiltinESMExports } from 'node:module';
import { test } from 'vitest';
import { liveEnvs } from './env.js';
import { LearnerFailure, toReport, type FailureReport } from './failure.js';

/** What the grader reads from each hidden test (task.meta crosses the worker boundary). */
export interface HiddenTestMeta {
  bugbash: { kind: 'bug'; bug: string } | { kind: 'guard' };
  bugbashFailure?: FailureReport;
  /** How each `explore` of the test went: what a pass is worth. */
  bugbashExploration?: ExplorationRecord[];
}

/** One `explore` call: exhaustive (a proof over every ordering) or sampled (runs, seed). */
export interface ExplorationRecord {
  mode: 'exhaustive' | 'sampled' | 'replay';
  orderings: number;
  runs?: number;
  seed?: number;
  ms: number;
}

let recorded: ExplorationRecord[] = [];

/**
 * The running test's lifetime. An exploration started by a test stops as soon as the test
 * ended (it timed out): otherwise it would go on in the background, slowing the next tests
 * and recording its result on them.
 */
export interface TestLifetime {
  ended: boolean;
  /** Orderings an exploration of this test has run so far (set while one is under way). */
  orderingsRun?: number;
}
/** Outside a hidden test (our own unit tests of the harness) nothing ends an exploration. */
const OUTSIDE_A_TEST: TestLifetime = Object.freeze({ ended: false });
let lifetime: TestLifetime = OUTSIDE_A_TEST;

export function currentTest(): TestLifetime {
  return lifetime === OUTSIDE_A_TEST ? { ended: false } : lifetime;
}

/** What the running test explored so far (read by our own tests). */
export function explorations(): readonly ExplorationRecord[] {
  return recorded;
}

/** Called by `explore` when it finishes, passed or failed. */
export function recordExploration(record: ExplorationRecord): void {
  recorded.push(record);
}

export interface HiddenTestOptions {
  /** Milliseconds before the test is reported as never settling. Default 5000. */
  timeout?: number;
}

// Generous on purpose: only a call that never settles reaches it, and a verdict must not
// change because a loaded machine ran a slow but finite test a little slower.
const DEFAULT_TIMEOUT_MS = 5_000;
/** vitest's own timeout stays above ours, so ours (which names the stuck call) fires first. */
const VITEST_TIMEOUT_SLACK_MS = 3_000;

/** A hidden test that shows one bug: it fails while the bug is present and passes once fixed. */
export function bug(bugId: string, name: string, body: () => Promise<void> | void, options: HiddenTestOptions = {}): void {
  define({ bugbash: { kind: 'bug', bug: bugId } }, name, body, options);
}

/** A hidden test of behaviour the starter already gets right: if it fails, the learner broke something. */
export function guard(name: string, body: () => Promise<void> | void, options: HiddenTestOptions = {}): void {
  define({ bugbash: { kind: 'guard' } }, name, body, options);
}

/**
 * Learner code must never end the process. vitest already refuses process.exit, but its
 * error can be swallowed by the code under test (a catch-all around a call): we record
 * every call, so the test fails with a plain verdict whatever the code did with the error.
 */
const exitCalls: (string | number | null | undefined)[] = [];
const realExit = process.exit.bind(process);
process.exit = ((code?: string | number | null) => {
  exitCalls.push(code);
  throw new LearnerFailure({ symptom: `your code called process.exit(${code ?? ''}): library code must report errors, never end the process` });
}) as typeof process.exit;
void realExit;

/**
 * The same code must always get the same verdict, and verdicts show ids and values the code
 * generated: inside hidden tests, randomUUID and Math.random are seeded and restart at every
 * test. (Node's built-in ESM exports follow the module object after syncBuiltinESMExports.)
 */
const nodeCrypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
let generatedIds = 0;
let randomState = 1;
function deterministicUuid(): `${string}-${string}-${string}-${string}-${string}` {
  generatedIds += 1;
  return `00000000-0000-4000-8000-${generatedIds.toString(16).padStart(12, '0')}`;
}
nodeCrypto.randomUUID = deterministicUuid;
try {
  Object.defineProperty(globalThis.crypto, 'randomUUID', { value: deterministicUuid, configurable: true, writable: true });
} catch {
  // a runtime without a configurable Web Crypto keeps its own
}
Math.random = () => {
  // mulberry32
  randomState = (randomState + 0x6d2b79f5) | 0;
  let t = Math.imul(randomState ^ (randomState >>> 15), 1 | randomState);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
syncBuiltinESMExports();

/** Generated ids and random draws start over (each test, and each explored ordering). */
export function resetRandomness(): void {
  generatedIds = PERTURBED ? PERTURBED_ID_OFFSET : 0;
  randomState = PERTURBED ? PERTURBED_RANDOM_STATE : 1;
}

/**
 * `author validate` grades the reference once more with generated ids and random draws
 * shifted: a hidden test whose verdict changes then hard-codes a generated value, and would
 * judge a correct fix that draws one more id a regression.
 */
const PERTURBED = process.env.BUGBASH_PERTURB === '1';
const PERTURBED_ID_OFFSET = 7;
const PERTURBED_RANDOM_STATE = 97;

/**
 * Skipping what cannot change a verdict (BUGBASH_BAIL, set per project: grading/protocol.ts,
 * Bail): `file` skips a file's other tests once one failed; `bug` skips a bug's other tests
 * in the file once one of them failed, and never a guard.
 */
let failedInThisFile = false;
const failedBugsInThisFile = new Set<string>();

function skippable(meta: HiddenTestMeta): string | undefined {
  const bail = process.env.BUGBASH_BAIL;
  if (bail === 'file' && failedInThisFile) return 'an earlier test of this file failed';
  if (bail === 'bug' && meta.bugbash.kind === 'bug' && failedBugsInThisFile.has(meta.bugbash.bug)) return 'an earlier test of this bug failed';
  return undefined;
}

/** How many tests this file has defined so far; with BUGBASH_ONLY_TEST=n only the n-th (from 0) runs. */
let definedInThisFile = 0;

function define(meta: HiddenTestMeta, name: string, body: () => Promise<void> | void, options: HiddenTestOptions): void {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  const index = definedInThisFile++;
  const only = process.env.BUGBASH_ONLY_TEST;
  if (only !== undefined && Number(only) !== index) {
    test.skip(name, { meta: meta as never }, () => undefined);
    return;
  }
  test(name, { meta: meta as never, timeout: timeout + VITEST_TIMEOUT_SLACK_MS }, async ({ task, skip }) => {
    const skipped = skippable(meta);
    if (skipped) return skip(skipped);
    liveEnvs.clear();
    exitCalls.length = 0;
    recorded = [];
    const thisTest: TestLifetime = { ended: false };
    const timeoutFailure = (ms: number) => timeoutVerdict(ms, thisTest);
    lifetime = thisTest;
    resetRandomness();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutFailure(timeout)), timeout);
    });
    try {
      await Promise.race([Promise.resolve().then(body), timedOut]);
      // Invariants hold at every moment, also in tests that never asked for outcomes.
      for (const env of liveEnvs) if (!env.controller) env.assertInvariants();
      if (exitCalls.length > 0) {
        throw new LearnerFailure({ symptom: `your code called process.exit(${exitCalls[0] ?? ''}): library code must report errors, never end the process` });
      }
    } catch (error) {
      failedInThisFile = true;
      if (meta.bugbash.kind === 'bug') failedBugsInThisFile.add(meta.bugbash.bug);
      (task.meta as unknown as HiddenTestMeta).bugbashFailure = failureReport(error);
      throw error;
    } finally {
      thisTest.ended = true;
      lifetime = OUTSIDE_A_TEST;
      clearTimeout(timer);
      liveEnvs.clear();
      if (recorded.length > 0) (task.meta as unknown as HiddenTestMeta).bugbashExploration = recorded;
    }
  });
}

function timeoutVerdict(timeout: number, test: TestLifetime): LearnerFailure {
  if (test.orderingsRun !== undefined && test.orderingsRun > 0) {
    return new LearnerFailure({
      symptom: `timed out after ${timeout} ms while trying the orderings of concurrent requests (${test.orderingsRun} done): your code is slow in every ordering (a busy wait, a large loop per request?)`,
    });
  }
  const stuck = [...liveEnvs].flatMap((env) => env.pending());
  const trace = [...liveEnvs].flatMap((env) => env.trace);
  const what = stuck.length > 0 ? `${stuck.join(', ')} never settled` : 'the test never finished';
  return new LearnerFailure({ symptom: `timed out after ${timeout} ms: ${what}`, interleaving: trace });
}

/** Turns whatever a hidden test threw into the learner-facing report. */
export function failureReport(error: unknown): FailureReport {
  if (error instanceof LearnerFailure) return error.toReport();
  if (error instanceof Error && error.name === 'AssertionError') return { symptom: error.message };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const what = code !== undefined ? `${error.name} (${String(code)}): ${error.message}` : `${error.name}: ${error.message}`;
    return toReport({ symptom: `your code threw ${what}` });
  }
  return { symptom: `your code threw ${String(error)}` };
}
