import { createTwoFilesPatch } from 'diff';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { gradeAll } from '../grading/grade.js';
import { materialise, type Implementation } from '../grading/implementation.js';
import type { CheckResult } from '../grading/verdict.js';
import { applyMutant, generateMutants, type Mutant } from './mutants.js';

export interface MutantResult {
  mutant: Omit<Mutant, 'start' | 'end' | 'replacement'>;
  status: 'killed' | 'survived' | 'timeout';
  /** The hidden tests that killed it (bug ids or "guard"). */
  killedBy: string[];
  /** A unified diff of the mutant against the reference, for survivors. */
  diff?: string;
}

export interface MutationReport {
  exercise: string;
  total: number;
  killed: number;
  survived: number;
  timeouts: number;
  /** killed + timeouts over total, as a percentage with one decimal. */
  score: number;
  byOperator: Record<string, { total: number; killed: number }>;
  survivors: MutantResult[];
  durationMs: number;
}

export interface MutateOptions {
  /** At most this many mutants (taken evenly across the files). */
  max?: number;
  /** Mutants graded per vitest run. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Mutation testing of an exercise's hidden suites: mutants of the reference are graded like
 * any implementation; a mutant no test kills is either a missing test or a candidate bug.
 */
export async function mutateExercise(exercise: Exercise, options: MutateOptions = {}): Promise<MutationReport> {
  const startedAt = Date.now();
  const morph = await import('ts-morph');
  const project = new morph.Project({ useInMemoryFileSystem: true });
  const originals = new Map<string, string>();
  let mutants: Mutant[] = [];
  for (const file of exercise.manifest.files) {
    const text = readFileSync(path.join(exercise.solutionDir, file), 'utf8');
    originals.set(file, text);
    mutants.push(...generateMutants(morph, file, project.createSourceFile(`/${file}`, text), mutants.length));
  }
  if (options.max !== undefined && mutants.length > options.max) {
    const step = mutants.length / options.max;
    mutants = Array.from({ length: options.max }, (_, i) => mutants[Math.floor(i * step)]!);
  }

  const results = new Map<number, MutantResult>();
  const implementationOf = (mutant: Mutant): Implementation => {
    const files = new Map(originals);
    files.set(mutant.file, applyMutant(originals.get(mutant.file)!, mutant));
    return { kind: 'custom', name: `mutant-${mutant.id}`, dir: materialise(exercise, `mutant-${mutant.id}`, files) };
  };

  let queue = [...mutants];
  const batchSize = options.batchSize ?? 24;
  options.onProgress?.(0, mutants.length);
  while (queue.length > 0) {
    const batch = queue.slice(0, batchSize);
    queue = queue.slice(batchSize);
    const implementations = batch.map(implementationOf);
    const [graded] = await gradeAll(exercise, implementations, { skipCodeCheck: true });
    const unfinished: Mutant[] = [];
    graded!.forEach((result, index) => {
      const mutant = batch[index]!;
      const outcome = classify(result);
      if (outcome === 'unfinished') unfinished.push(mutant);
      else results.set(mutant.id, { mutant: strip(mutant), ...outcome });
    });
    // A mutant that loops forever stops the whole run: grade the rest of its batch again,
    // one at a time, so the stuck one is found and counted as a timeout.
    if (unfinished.length > 0) {
      if (unfinished.length === 1 || batch.length === 1) {
        for (const mutant of unfinished) results.set(mutant.id, { mutant: strip(mutant), status: 'timeout', killedBy: [] });
      } else {
        for (const mutant of unfinished) {
          const [[single]] = (await gradeAll(exercise, [implementationOf(mutant)], { skipCodeCheck: true })) as [[CheckResult]];
          const outcome = classify(single);
          results.set(mutant.id, { mutant: strip(mutant), ...(outcome === 'unfinished' ? { status: 'timeout' as const, killedBy: [] } : outcome) });
        }
      }
    }
    options.onProgress?.(results.size, mutants.length);
  }

  const all = mutants.map((mutant) => results.get(mutant.id)!);
  for (const result of all) {
    if (result.status !== 'survived') continue;
    const mutant = mutants.find((m) => m.id === result.mutant.id)!;
    const before = originals.get(mutant.file)!;
    result.diff = createTwoFilesPatch(`reference/${mutant.file}`, `mutant/${mutant.file}`, before, applyMutant(before, mutant), undefined, undefined, { context: 1 })
      .split('\n')
      .slice(2)
      .join('\n')
      .trimEnd();
  }
  const byOperator: MutationReport['byOperator'] = {};
  for (const result of all) {
    const entry = (byOperator[result.mutant.operator] ??= { total: 0, killed: 0 });
    entry.total += 1;
    if (result.status !== 'survived') entry.killed += 1;
  }
  const killed = all.filter((r) => r.status === 'killed').length;
  const timeouts = all.filter((r) => r.status === 'timeout').length;
  return {
    exercise: exercise.id,
    total: all.length,
    killed,
    survived: all.length - killed - timeouts,
    timeouts,
    score: all.length === 0 ? 100 : Math.round(((killed + timeouts) / all.length) * 1000) / 10,
    byOperator,
    survivors: all.filter((r) => r.status === 'survived'),
    durationMs: Date.now() - startedAt,
  };
}

function strip(mutant: Mutant): MutantResult['mutant'] {
  const { start: _start, end: _end, replacement: _replacement, ...rest } = mutant;
  return rest;
}

function classify(result: CheckResult): Pick<MutantResult, 'status' | 'killedBy'> | 'unfinished' {
  const stuck = result.problems.some((problem) => problem.kind === 'stuck' || problem.kind === 'crash');
  const notRun = result.bugs.some((bug) => bug.failures.some((failure) => failure.kind === 'not-run'));
  if (stuck && notRun) return 'unfinished';
  if (stuck) return { status: 'timeout', killedBy: [] };
  const killedBy = [...result.bugs.filter((bug) => bug.status !== 'fixed').map((bug) => bug.id), ...(result.regressions.length > 0 ? ['guard'] : []), ...(result.problems.length > 0 ? ['error'] : [])];
  return killedBy.length > 0 ? { status: 'killed', killedBy } : { status: 'survived', killedBy: [] };
}
