import { createTwoFilesPatch } from 'diff';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { DEFAULT_MUTATION_THRESHOLD } from '../catalog/manifest.js';
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
  /** Why the author says it is equivalent (exercise.json's mutation.equivalent, or a mutate-ignore comment). */
  equivalent?: string;
}

export interface MutationReport {
  exercise: string;
  /** Every mutant graded, equivalent ones included. */
  total: number;
  /** Marked equivalent by the author: graded, but not counted in the score. */
  equivalent: number;
  /** Of the mutants counted (not equivalent): */
  killed: number;
  survived: number;
  timeouts: number;
  /** killed + timeouts over the mutants counted, as a percentage with one decimal. */
  score: number;
  /** The gate: the score must reach this (exercise.json's mutation.threshold, default 90). */
  threshold: number;
  passed: boolean;
  byOperator: Record<string, { total: number; killed: number }>;
  /** Surviving mutants not marked equivalent: each a missing test, or an equivalence to mark. */
  survivors: MutantResult[];
  /** Marked equivalent, yet a test kills them: the mark is wrong or stale. */
  killedEquivalents: MutantResult[];
  /** Keys in exercise.json's mutation.equivalent that name no mutant (the code moved on). */
  unknownMarks: string[];
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
  const sampled = options.max !== undefined && mutants.length > options.max;
  if (sampled) {
    const step = mutants.length / options.max!;
    mutants = Array.from({ length: options.max! }, (_, i) => mutants[Math.floor(i * step)]!);
  }

  const marks = new Map((exercise.manifest.mutation?.equivalent ?? []).map((mark) => [mark.mutant, mark.why]));
  const unknownMarks = [...marks.keys()].filter((key) => !mutants.some((mutant) => mutant.key === key));
  const equivalentOf = (mutant: Mutant) => marks.get(mutant.key) ?? mutant.ignored;

  const results = new Map<number, MutantResult>();
  const implementationOf = (mutant: Mutant): Implementation => {
    const files = new Map(originals);
    files.set(mutant.file, applyMutant(originals.get(mutant.file)!, mutant));
    // Only whether a mutant is killed matters: a file's other tests are skipped once one failed.
    return { kind: 'custom', name: `mutant-${mutant.id}`, dir: materialise(exercise, `mutant-${mutant.id}`, files), bail: 'file' };
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

  const all = mutants.map((mutant) => {
    const result = results.get(mutant.id)!;
    const equivalent = equivalentOf(mutant);
    return equivalent === undefined ? result : { ...result, equivalent };
  });
  for (const result of all) {
    if (result.status === 'killed') continue;
    const mutant = mutants.find((m) => m.id === result.mutant.id)!;
    const before = originals.get(mutant.file)!;
    result.diff = createTwoFilesPatch(`reference/${mutant.file}`, `mutant/${mutant.file}`, before, applyMutant(before, mutant), undefined, undefined, { context: 1 })
      .split('\n')
      .slice(2)
      .join('\n')
      .trimEnd();
  }
  const counted = all.filter((result) => result.equivalent === undefined);
  const byOperator: MutationReport['byOperator'] = {};
  for (const result of counted) {
    const entry = (byOperator[result.mutant.operator] ??= { total: 0, killed: 0 });
    entry.total += 1;
    if (result.status !== 'survived') entry.killed += 1;
  }
  const killed = counted.filter((r) => r.status === 'killed').length;
  const timeouts = counted.filter((r) => r.status === 'timeout').length;
  const score = counted.length === 0 ? 100 : Math.floor(((killed + timeouts) / counted.length) * 1000) / 10;
  const threshold = exercise.manifest.mutation?.threshold ?? DEFAULT_MUTATION_THRESHOLD;
  return {
    exercise: exercise.id,
    total: all.length,
    equivalent: all.length - counted.length,
    killed,
    survived: counted.length - killed - timeouts,
    timeouts,
    score,
    threshold,
    // Sampling (--max) proves nothing about the rest: only a full run can pass the gate.
    passed: score >= threshold && !sampled,
    byOperator,
    survivors: counted.filter((r) => r.status === 'survived'),
    killedEquivalents: all.filter((r) => r.equivalent !== undefined && r.status !== 'survived'),
    unknownMarks,
    durationMs: Date.now() - startedAt,
  };
}

function strip(mutant: Mutant): MutantResult['mutant'] {
  const { start: _start, end: _end, replacement: _replacement, ignored: _ignored, ...rest } = mutant;
  return rest;
}

function classify(result: CheckResult): Pick<MutantResult, 'status' | 'killedBy'> | 'unfinished' {
  const stuck = result.problems.some((problem) => problem.kind === 'stuck' || problem.kind === 'crash');
  const notRun = result.bugs.some((bug) => bug.failures.some((failure) => failure.kind === 'not-run'));
  if (stuck && notRun) return 'unfinished';
  if (stuck) return { status: 'timeout', killedBy: [] };
  const killedBy = [...result.bugs.filter((bug) => bug.failures.some((failure) => failure.kind !== 'not-run')).map((bug) => bug.id), ...(result.regressions.length > 0 ? ['guard'] : []), ...(result.problems.length > 0 ? ['error'] : [])];
  return killedBy.length > 0 ? { status: 'killed', killedBy } : { status: 'survived', killedBy: [] };
}
