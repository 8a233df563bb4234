import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import type { Hunk } from '../catalog/markers.js';
import { drawBugs, isPooled, plantedCount, plantedFiles } from '../catalog/pool.js';
import type { CodeChecker } from '../grading/code-check.js';
import { materialise, type Implementation } from '../grading/implementation.js';
import type { CheckResult } from '../grading/verdict.js';

/**
 * Composition of a bug pool. One attempt of a pooled exercise is served the reference with
 * its drawn bugs' hunks applied, so `author validate` proves, besides every bug on its own,
 * that the bugs compose: each set of bugs an attempt can plant type-checks, and grading it
 * finds exactly those bugs present, each by its own tests, with every guard passing.
 *
 * Hunks of different bugs cannot overlap or touch: the marker diff merges adjacent changes
 * into one hunk, and a hunk carrying two bugs' markers is already a marker error.
 */

/** At most this many draws are graded one by one; a larger pool is proven on every pair and a sample. */
export const MAX_COMBINATIONS = 200;
/** Draws graded besides every pair when a pool has more than MAX_COMBINATIONS draws. */
export const SAMPLED_DRAWS = 24;
/** Bundled pooled exercises declare at least this many bugs, so attempts differ. */
export const MIN_BUNDLED_POOL = 9;

export interface Composition {
  /** Implementations to grade in validate's one run: the reference with each set's hunks. */
  implementations: Implementation[];
  errors: string[];
  warnings: string[];
  /** What is proven: "every draw" (all combinations of `plant` bugs) or "pairs and a sample". */
  coverage?: { plant: number; pool: number; mode: 'every-draw' | 'pairs-and-sample'; sets: number };
  /** True for a result of one of `implementations`. */
  owns(result: CheckResult): boolean;
  /** Errors from the graded sets; `blamed` are tests failing on the reference (reported there). */
  judge(results: CheckResult[], blamed: Map<string, string>): string[];
}

/** Number of k-element subsets of n elements (exact for the sizes a pool has). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) result = (result * (n - i + 1)) / i;
  return Math.round(result);
}

/** Every k-element subset of `items`, in lexicographic order of positions. */
export function combinations<T>(items: T[], k: number): T[][] {
  const out: T[][] = [];
  const pick = (start: number, chosen: T[]) => {
    if (chosen.length === k) {
      out.push([...chosen]);
      return;
    }
    for (let i = start; i <= items.length - (k - chosen.length); i++) pick(i + 1, [...chosen, items[i]!]);
  };
  pick(0, []);
  return out;
}

/**
 * The sets of bugs to prove for a pool: every draw of `plant` bugs when there are at most
 * MAX_COMBINATIONS, else every pair plus the draws of seeds 1, 2, … (SAMPLED_DRAWS distinct
 * ones): a fixed sample, the same on every run.
 */
export function setsToProve(exerciseId: string, pool: string[], plant: number): { mode: 'every-draw' | 'pairs-and-sample'; sets: string[][] } {
  if (plant < 2) return { mode: 'every-draw', sets: [] };
  if (binomial(pool.length, plant) <= MAX_COMBINATIONS) return { mode: 'every-draw', sets: combinations(pool, plant) };
  const sets = plant === 2 ? [] : combinations(pool, 2);
  const seen = new Set(sets.map((set) => set.join('\0')));
  const sampled: string[][] = [];
  for (let seed = 1; sampled.length < SAMPLED_DRAWS && seed <= SAMPLED_DRAWS * 20; seed++) {
    const draw = drawBugs(exerciseId, pool, plant, seed);
    if (seen.has(draw.join('\0'))) continue;
    seen.add(draw.join('\0'));
    sampled.push(draw);
  }
  return { mode: 'pairs-and-sample', sets: [...sets, ...sampled] };
}

const NAME_PREFIX = 'planted:';

function describeSet(bugs: string[]): string {
  return bugs.map((bug) => `"${bug}"`).join(' + ');
}

/**
 * Builds and type-checks the composed variants of a pooled exercise; a non-pooled exercise
 * has nothing to compose. Sets that do not type-check are reported here and not graded.
 */
export async function composeBugs(exercise: Exercise, hunks: Hunk[], checker: CodeChecker): Promise<Composition> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const sets = new Map<string, string[]>();
  const composition: Composition = {
    implementations: [],
    errors,
    warnings,
    owns: (result) => sets.has(result.implementation),
    judge: (results, blamed) => results.flatMap((result) => judgeSet(sets.get(result.implementation), result, blamed)),
  };
  if (!isPooled(exercise)) return composition;
  const manifestPath = path.join(exercise.dir, 'exercise.json');
  const pool = exercise.manifest.bugs.map((bug) => bug.id);
  if (pool.length < MIN_BUNDLED_POOL) {
    const message = `${manifestPath}: bugs: a pool of ${pool.length} bugs planting ${plantedCount(exercise)} per attempt; pooled exercises declare at least ${MIN_BUNDLED_POOL} bugs (e.g. "plant": 6 of 9), so that attempts differ`;
    (exercise.set.bundled ? errors : warnings).push(message);
  }
  const plan = setsToProve(exercise.id, pool, plantedCount(exercise));
  composition.coverage = { plant: plantedCount(exercise), pool: pool.length, mode: plan.mode, sets: plan.sets.length };
  for (const bugs of plan.sets) {
    const name = `${NAME_PREFIX}${bugs.join('+')}`;
    // Only which bugs are present matters here: a bug's other tests are skipped once one failed.
    const implementation: Implementation = { kind: 'variant', name, dir: materialise(exercise, 'planted', plantedFiles(exercise, bugs, hunks)), bail: 'bug' };
    const problems = await checker.check(implementation.dir);
    if (problems.length > 0) {
      for (const problem of problems) {
        errors.push(
          `the bugs ${describeSet(bugs)} planted together do not type-check: ${problem.file}${problem.line ? `:${problem.line}:${problem.column}` : ''}: ${problem.message}; an attempt can draw them together, so each bug's change must compile beside every other bug's`,
        );
      }
      continue;
    }
    sets.set(name, bugs);
    composition.implementations.push(implementation);
  }
  return composition;
}

/** A graded set must have exactly its bugs present, no guard failing and no problem. */
function judgeSet(bugs: string[] | undefined, result: CheckResult, blamed: Map<string, string>): string[] {
  if (!bugs) return [];
  const label = `the bugs ${describeSet(bugs)} planted together`;
  const errors: string[] = [];
  for (const problem of result.problems) errors.push(`${label}: ${problem.message}`);
  for (const bug of result.bugs) {
    const failures = bug.failures.filter((failure) => !blamed.has(`"${failure.test}" (${bug.id})`));
    if (bugs.includes(bug.id)) {
      if (bug.tests.total > 0 && bug.failures.length === 0) {
        const others = bugs.filter((other) => other !== bug.id);
        errors.push(`${label}: no test of "${bug.id}" fails, so beside ${describeSet(others)} the bug is not caught (the other bugs' changes hide it); an attempt drawing them would judge "${bug.id}" fixed while it is present`);
      }
    } else if (failures.length > 0) {
      errors.push(`${label}: tests of "${bug.id}" fail too (${failures.map((failure) => `"${failure.test}"`).join(', ')}), a bug this set does not plant: each bug must be caught by its own tests only`);
    }
  }
  const regressions = result.regressions.filter((failure) => !blamed.has(`guard "${failure.test}"`));
  if (regressions.length > 0) {
    errors.push(`${label}: the guard${regressions.length === 1 ? '' : 's'} ${regressions.map((failure) => `"${failure.test}"`).join(', ')} fail${regressions.length === 1 ? 's' : ''}: a learner who drew them would be told they broke working behaviour they never touched`);
  }
  return errors;
}
