import fc from 'fast-check';
import { Env } from './env.js';
import { LearnerFailure, type FailureDetails } from './failure.js';
import { failureReport } from './tests.js';

export interface ExploreOptions {
  /** Fixed seed: the same code always meets the same interleavings. Default 1. */
  seed?: number;
  /** How many interleavings to try. Default 100. */
  runs?: number;
}

/**
 * Runs `scenario` under many interleavings chosen by fast-check's scheduler (fixed seed,
 * bounded runs). The scenario starts operations with `env.run`, awaits `env.outcomes` or
 * `env.settle`, then checks the result. On failure, fast-check shrinks to a minimal
 * interleaving, and the learner sees that interleaving step by step.
 */
export async function explore(options: ExploreOptions, scenario: (env: Env) => Promise<void>): Promise<void> {
  const seed = options.seed ?? 1;
  const runs = options.runs ?? 100;
  const survey = Number(process.env.BUGBASH_SURVEY_SEEDS ?? 0);
  if (survey > 0) await surveySeeds(survey, runs, scenario);
  let lastFailure: { env: Env; error: unknown } | undefined;
  let stuck: LearnerFailure | undefined;
  const property = fc.asyncProperty(fc.scheduler(), async (scheduler) => {
    // Once an operation was found stuck, shrinking cannot make the report clearer, and each
    // stuck run costs an idle wait: fail the remaining runs at once and keep the first trace.
    if (stuck) throw stuck;
    // Yield to the event loop between interleavings, so the per-test timer can still fire
    // (and name what never settled) when every run is pure microtasks.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const env = new Env(scheduler);
    try {
      await scenario(env);
    } catch (error) {
      lastFailure = { env, error };
      if (error instanceof LearnerFailure && error.details.symptom.startsWith('timed out:')) stuck = error;
      throw error;
    }
  });
  const result = await fc.check(property, { seed, numRuns: runs });
  if (!result.failed || !lastFailure) return;
  const { env, error } = lastFailure;
  const details: FailureDetails =
    error instanceof LearnerFailure ? { ...error.details } : { symptom: failureReport(error).symptom };
  details.interleaving = details.interleaving?.length ? details.interleaving : env.trace;
  details.seed = seed;
  throw new LearnerFailure(details);
}

/**
 * Benchmark mode (`npm run bench`): how often this scenario's budget of `runs` interleavings
 * finds a failure, over `seeds` different seeds. Appends one JSON line to
 * $BUGBASH_SURVEY_OUT; the test itself then runs as usual with its fixed seed.
 */
async function surveySeeds(seeds: number, runs: number, scenario: (env: Env) => Promise<void>): Promise<void> {
  const { appendFileSync } = await import('node:fs');
  const { expect } = await import('vitest');
  let found = 0;
  let interleavings = 0;
  const startedAt = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const property = fc.asyncProperty(fc.scheduler(), async (scheduler) => {
      interleavings += 1;
      await scenario(new Env(scheduler));
    });
    const result = await fc.check(property, { seed, numRuns: runs, endOnFailure: true });
    if (result.failed) found += 1;
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const line = { test: expect.getState().currentTestName ?? 'unknown', runs, seeds, found, interleavings, interleavingsPerSecond: Math.round(interleavings / seconds) };
  if (process.env.BUGBASH_SURVEY_OUT) appendFileSync(process.env.BUGBASH_SURVEY_OUT, `${JSON.stringify(line)}\n`);
}
