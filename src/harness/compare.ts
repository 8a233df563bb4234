import fc from 'fast-check';
import { Env } from './env.js';
import { errorCode } from './expect.js';
import { LearnerFailure, show } from './failure.js';

export type Side = 'reference' | 'yours';

export interface Comparison<System, Command> {
  /** What diverging means for the learner, e.g. "refunds diverged from the reference". */
  symptom: string;
  /** Random command sequences; shrunk to the shortest one that diverges. */
  commands: fc.Arbitrary<Command[]>;
  /** Builds a fresh system (implementation plus its fakes) for one side. */
  create(side: Side, env: Env): System;
  /** Applies one command; its result (or thrown error) is compared. */
  apply(system: System, command: Command): Promise<unknown>;
  /** The observable state after each command, compared too. */
  state?(system: System): unknown;
  /** One command in the learner's words, e.g. `charge("order-7", 500 usd)`. */
  describe(command: Command): string;
  /** How a thrown error is compared. Default: its `code`. */
  normaliseError?(error: unknown): unknown;
  seed?: number;
  runs?: number;
}

interface Divergence {
  steps: string[];
  expected: unknown;
  actual: unknown;
}

/**
 * Model-based comparison: applies the same random command sequence to the implementation
 * under test and to the reference, and reports the first command after which their results
 * or states differ.
 */
export async function compareWithReference<System, Command>(comparison: Comparison<System, Command>): Promise<void> {
  const normaliseError = comparison.normaliseError ?? ((error: unknown) => ({ error: errorCode(error) }));
  let lastDivergence: Divergence | undefined;

  const observe = async (system: System, command: Command) => {
    let result: unknown;
    try {
      result = { returned: await comparison.apply(system, command) };
    } catch (error) {
      result = normaliseError(error);
    }
    return comparison.state ? { result, state: comparison.state(system) } : { result };
  };

  const property = fc.asyncProperty(comparison.commands, async (commands) => {
    const reference = comparison.create('reference', new Env());
    const yours = comparison.create('yours', new Env());
    const steps: string[] = [];
    for (const command of commands) {
      steps.push(comparison.describe(command));
      const expected = await observe(reference, command);
      const actual = await observe(yours, command);
      if (show(expected) !== show(actual)) {
        lastDivergence = { steps: [...steps], expected, actual };
        return false;
      }
    }
    return true;
  });

  const seed = comparison.seed ?? 1;
  const result = await fc.check(property, { seed, numRuns: comparison.runs ?? 100 });
  if (!result.failed) return;
  if (!lastDivergence) {
    const error = result.errorInstance;
    throw error instanceof Error ? error : new Error(String(error));
  }
  throw new LearnerFailure({
    symptom: `${comparison.symptom} (after the last operation below)`,
    steps: lastDivergence.steps,
    expected: lastDivergence.expected,
    actual: lastDivergence.actual,
    seed,
  });
}
