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
  let lastFailure: { env: Env; error: unknown } | undefined;
  const property = fc.asyncProperty(fc.scheduler(), async (scheduler) => {
    const env = new Env(scheduler);
    try {
      await scenario(env);
    } catch (error) {
      lastFailure = { env, error };
      throw error;
    }
  });
  const result = await fc.check(property, { seed, numRuns: options.runs ?? 100 });
  if (!result.failed || !lastFailure) return;
  const { env, error } = lastFailure;
  const details: FailureDetails =
    error instanceof LearnerFailure ? { ...error.details } : { symptom: failureReport(error).symptom };
  details.interleaving = details.interleaving?.length ? details.interleaving : env.trace;
  details.seed = seed;
  throw new LearnerFailure(details);
}
