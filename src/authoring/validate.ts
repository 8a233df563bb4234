import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exerciseHunks, loadExercise, type Exercise, type ExerciseSet } from '../catalog/catalog.js';
import { serve } from '../catalog/markers.js';
import { markValidated, type StampedMutation } from '../catalog/stamp.js';
import { ExerciseFormatError } from '../errors.js';
import { CodeChecker } from '../grading/code-check.js';
import { gradeAll } from '../grading/grade.js';
import { fixtureImplementation, referenceImplementation, starterImplementation, variantImplementation, type Implementation } from '../grading/implementation.js';
import { loadFixtures, type Fixture } from '../catalog/fixtures.js';
import type { CheckResult, TestExploration } from '../grading/verdict.js';
import { visibleTestProblems } from './visible-check.js';
import { composeBugs } from './compose.js';
import { emphasisProblems } from './emphasis.js';
import { mutateExercise, type MutationReport } from './mutate.js';
import { checkHiddenTypes, hiddenSourceFiles } from './hidden-check.js';
import { hiddenImportProblems } from './hidden-imports.js';
import { forAuthor, verdictForAuthor } from './voice.js';
import { DEFAULT_LEAK_WORDS, findLeaks, findProseLeaks } from './leaks.js';

export interface ValidateOptions {
  /** How many times the reference runs (flake detection). Default 5. */
  runs?: number;
  /** Seconds one implementation's hidden suites may take before a warning. Default 10. */
  budgetSeconds?: number;
  /** Extra words that must not appear in served code. */
  leakWords?: string[];
  /** Also run the mutation gate (`--mutate`): mutants of the reference the hidden tests must kill. */
  mutate?: boolean;
  /**
   * The authoring inner loop (`--quick`): everything up to the isolation matrix, fixtures and
   * pooled draws, without the reference-only re-runs (flakes, perturbation, shuffled and
   * alone). Incomplete, so it never writes the stamp.
   */
  quick?: boolean;
  onStep?: (step: string) => void;
}

export interface MatrixRow {
  /** "starter", "bug:<id>" */
  implementation: string;
  /** Per bug id: failing tests of that bug; "guards": failing guards. */
  failing: Record<string, number>;
  expected: string[];
  ok: boolean;
}

export interface FixtureRow {
  /** "alternative:<name>" or "wrong:<name>" */
  implementation: string;
  /** Bugs the grader reported present (not fixed). */
  present: string[];
  /** Bugs it had to leave present (wrong fixes), [] for alternatives. */
  expected: string[];
  regressions: number;
  ok: boolean;
}

export interface ValidationReport {
  id: string;
  ok: boolean;
  errors: string[];
  warnings: string[];
  bugs: { id: string; category: string; tests: number }[];
  guards: number;
  matrix: MatrixRow[];
  /** Every fixture graded: alternatives solved, wrong fixes with their bugs present. */
  fixtures: FixtureRow[];
  /** A bug pool: how many sets of bugs an attempt can plant were proven, and how they were chosen. */
  composition?: { plant: number; pool: number; mode: 'every-draw' | 'pairs-and-sample'; sets: number };
  /** How the reference's race tests were explored (exhaustive proof or sampled). */
  exploration: TestExploration[];
  referenceRuns: number;
  /** The mutation gate, when validate ran with --mutate (and everything else was sound). */
  mutation?: MutationReport;
  timings: { implementation: string; seconds: number }[];
  /**
   * The verdicts of the implementations graded otherwise than they must be (a reference that
   * fails, a variant caught by other tests, a fixture not as declared), as a learner would get
   * them: `-v` prints each with its diffs and interleavings.
   */
  unexpected: CheckResult[];
  durationMs: number;
}

/** Every check of `author validate` for one exercise; problems are collected, never thrown. */
export async function validateExercise(set: ExerciseSet, id: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const startedAt = Date.now();
  const report: ValidationReport = { id, ok: false, errors: [], warnings: [], bugs: [], guards: 0, matrix: [], fixtures: [], exploration: [], referenceRuns: 0, timings: [], unexpected: [], durationMs: 0 };
  const step = options.onStep ?? (() => undefined);
  let loaded: Exercise | undefined;
  const finish = () => {
    report.errors = report.errors.map(forAuthor);
    report.warnings = report.warnings.map(forAuthor);
    report.ok = report.errors.length === 0;
    // Only a complete validation lets an external set be served. The bundled set is stamped
    // too: npm test refuses a bundled exercise edited since its last validation with --mutate.
    if (report.ok && loaded && report.referenceRuns > 0 && !options.quick) markValidated(loaded, report.mutation && stampedMutation(report.mutation));
    report.durationMs = Date.now() - startedAt;
    return report;
  };

  step('format');
  let exercise: Exercise;
  try {
    exercise = loadExercise(set, id);
    loaded = exercise;
  } catch (error) {
    if (!(error instanceof ExerciseFormatError)) throw error;
    report.errors.push(...error.message.split('\n'));
    return finish();
  }

  step('markers');
  const declared = new Set(exercise.bugs.map((bug) => bug.id));
  const { hunks, problems } = exerciseHunks(exercise);
  report.errors.push(...problems);
  const references = new Map(exercise.manifest.files.map((file) => [file, readFileSync(path.join(exercise.solutionDir, file), 'utf8').split('\n')]));
  for (const hunk of hunks) {
    const where = `${path.join(exercise.starterDir, hunk.file)}:${hunk.starterLine}`;
    if (hunk.markers.length === 0) report.errors.push(`${where}: this change from the reference has no "// @bug <id>" marker; mark it, or make the line identical to the reference`);
    if (hunk.markers.length > 1) report.errors.push(`${where}: one change carries markers of ${hunk.markers.map((m) => `"${m}"`).join(' and ')}; separate the bugs' changes by at least one unchanged line`);
    for (const marker of hunk.markers) if (!declared.has(marker)) report.errors.push(`${where}: marker names "${marker}", which exercise.json does not declare (declared: ${[...declared].join(', ')})`);
    const reference = references.get(hunk.file)!.slice(hunk.referenceStart, hunk.referenceEnd);
    if (hunk.markers.length === 1 && reference.join('\n') === hunk.starterLines.join('\n')) {
      report.errors.push(`${where}: the change marked "${hunk.markers[0]}" is identical to the reference, so the served code does not contain the bug`);
    }
  }
  for (const bug of exercise.bugs) {
    if (!hunks.some((hunk) => hunk.markers.includes(bug.id))) report.errors.push(`${path.join(exercise.starterDir)}: bug "${bug.id}" is declared in exercise.json but no "// @bug ${bug.id}" marker is in the starter`);
  }

  step('wall clock in hidden code');
  report.errors.push(...wallClockUses(exercise));

  step('imports of hidden code');
  report.errors.push(...hiddenImportProblems(exercise));

  step('leaks');
  const leakWords = [...DEFAULT_LEAK_WORDS, ...(options.leakWords ?? [])];
  for (const file of exercise.manifest.files) {
    const served = serve(readFileSync(path.join(exercise.starterDir, file), 'utf8'));
    for (const leak of findLeaks(file, served, leakWords)) {
      report.errors.push(`${path.join(exercise.starterDir, file)}:${leak.line}: served code contains "${leak.word}", which hints at a bug: ${leak.text}`);
    }
  }
  const emphasis = emphasisProblems(exercise);
  report.errors.push(...emphasis.errors);
  report.warnings.push(...emphasis.warnings);
  for (const leak of findProseLeaks(exercise.briefPath, readFileSync(exercise.briefPath, 'utf8'))) {
    report.errors.push(`${exercise.briefPath}:${leak.line}: the brief says "${leak.word}", which points at a planted bug; describe the behaviour the code must have instead: ${leak.text}`);
  }
  exercise.bugs.forEach((bug, bugIndex) =>
    bug.hints.forEach((hint, hintIndex) => {
      for (const leak of findProseLeaks('', hint)) {
        report.errors.push(`${path.join(exercise.dir, 'exercise.json')}: bugs[${bugIndex}].hints[${hintIndex}] (of "${bug.id}") says "${leak.word}": a hint leads towards the symptom, it never names a planted bug: ${leak.text}`);
      }
    }),
  );
  if (report.errors.length > 0) return finish();

  const { fixtures, problems: fixtureProblems } = loadFixtures(exercise);
  report.errors.push(...fixtureProblems);
  if (report.errors.length > 0) return finish();

  step('type and API check');
  const checker = new CodeChecker(exercise);
  const fixtureImplementations = new Map(fixtures.map((fixture) => [`${fixture.kind}:${fixture.name}`, { fixture, implementation: fixtureImplementation(exercise, fixture) }]));
  const implementations: Implementation[] = [
    referenceImplementation(exercise),
    starterImplementation(exercise),
    ...exercise.bugs.map((bug) => variantImplementation(exercise, bug.id, hunks)),
    ...[...fixtureImplementations.values()].map(({ implementation }) => implementation),
  ];
  for (const implementation of implementations) {
    for (const problem of await checker.check(implementation.dir)) {
      const label = implementation.kind === 'variant' ? `the single-bug variant "${implementation.bug}"` : implementation.kind === 'fixture' ? `the fixture ${implementation.name}` : `the ${implementation.name}`;
      report.errors.push(`${label}: ${problem.file}${problem.line ? `:${problem.line}:${problem.column}` : ''}: ${problem.message}`);
    }
  }
  step('hidden suites and helpers type-check against the reference and the harness');
  for (const problem of await checkHiddenTypes(exercise)) {
    report.errors.push(`${problem.file}:${problem.line}:${problem.column}: the hidden code does not type-check (with @impl/* as the reference and bugbash/harness as the harness): ${problem.message}`);
  }
  // A bug pool: the sets of bugs an attempt can plant, type-checked here and graded in the same run.
  const composition = await composeBugs(exercise, hunks, checker);
  report.errors.push(...composition.errors);
  report.warnings.push(...composition.warnings);
  implementations.push(...composition.implementations);
  if (composition.coverage) report.composition = composition.coverage;
  if (report.errors.length > 0) return finish();

  step(`hidden suites: reference, starter, every single-bug variant${fixtures.length ? ` and ${fixtures.length} fixtures` : ''}${composition.implementations.length ? ` and ${composition.implementations.length} sets of pooled bugs` : ''}`);
  const [results] = await gradeAll(exercise, implementations, { checker, skipCodeCheck: true, listTests: true });
  const byName = new Map(results!.map((result) => [result.implementation, result]));
  const reference = byName.get('reference')!;
  describeTests(exercise, reference, report);
  checkReference(reference, report);
  report.exploration = reference.exploration;
  // A test that fails on the reference fails everywhere: that is one root cause, already
  // reported, not a problem of every variant and fixture.
  const blamed = failingTests(reference);
  const stop = stopProblem(reference);
  if (stop) {
    report.unexpected = [verdictForAuthor(reference)];
    report.errors.push(`the other implementations were not judged: the run was stopped on the reference (${stop.message.split(' — ')[0]}); fix that first`);
    return finish();
  }
  const lenient: LenientTest[] = [];
  buildMatrix(exercise, results!.filter((result) => !fixtureImplementations.has(result.implementation) && !composition.owns(result)), report, blamed, lenient);
  report.errors.push(...composition.judge(results!, blamed));
  for (const result of results!) {
    const entry = fixtureImplementations.get(result.implementation);
    if (entry) checkFixture(entry.fixture, result, report, blamed);
  }
  checkLenientTests(lenient, fixtures, results!, report);
  report.timings = results!.map((result) => ({ implementation: result.implementation, seconds: result.testsMs / 1000 }));
  const notAsTheyMust = new Set([...report.matrix, ...report.fixtures].filter((row) => !row.ok).map((row) => row.implementation));
  report.unexpected = results!
    .filter((result) => (result.implementation === 'reference' ? !result.solved : notAsTheyMust.has(result.implementation)))
    .map(({ tests: _tests, ...result }) => verdictForAuthor(result));

  if (exercise.manifest.visibleTests) {
    step('visible tests: they pass on the reference, and on the served code only the entry bug\'s fail');
    report.errors.push(...(await visibleTestProblems(exercise, hunks)));
  }

  if (options.quick) {
    step('quick: the reference-only re-runs (flakes, perturbation, shuffled and alone) are left out, and no stamp is written');
    report.referenceRuns = 1;
    return finish();
  }

  const runs = options.runs ?? 5;
  if (runs > 1) {
    step(`reference ${runs - 1} more times (flake check)`);
    const repeated = await gradeAll(exercise, [referenceImplementation(exercise)], { checker, skipCodeCheck: true, repeat: runs - 1 });
    repeated.forEach(([result], index) => checkRepeatedReference(reference, result!, report, index + 2));
  }
  report.referenceRuns = runs;

  step('reference with generated ids and random draws shifted (perturbation)');
  const [[perturbed]] = await gradeAll(exercise, [referenceImplementation(exercise)], { checker, skipCodeCheck: true, perturb: true });
  if (perturbed && !perturbed.solved && byName.get('reference')!.solved) {
    const failing = [
      ...perturbed.bugs.flatMap((bug) => bug.failures.map((failure) => `"${failure.test}" (${bug.id})`)),
      ...perturbed.regressions.map((failure) => `guard "${failure.test}"`),
    ];
    report.errors.push(
      `the reference fails ${failing.join(', ')} once its generated ids and random draws are shifted: the test hard-codes a generated value (an id like "…0002", a drawn number), so a correct fix that draws one more id would be judged broken; compare what the brief fixes (statuses, amounts, the id a call returned) instead`,
    );
  }
  // Both in one vitest run: the reference with each file's tests shuffled, and the reference
  // once more per test, with that test alone in its file.
  step('reference with the tests of each file in a shuffled order, and each test alone (state left by another test)');
  const alone = aloneImplementations(exercise, reference.tests ?? []);
  const [[shuffled, ...aloneResults]] = await gradeAll(exercise, [referenceImplementation(exercise), ...alone.map((entry) => entry.implementation)], { checker, skipCodeCheck: true, shuffle: true });
  const reliesOnOthers = new Set<string>();
  if (shuffled) {
    for (const [test, symptom] of failingTests(shuffled)) {
      if (blamed.has(test)) continue;
      reliesOnOthers.add(test);
      report.errors.push(
        `the test ${test} passes on the reference in file order but fails when the tests of its file run in another order (${symptom}): it relies on state left by another test (a module-level variable, store, clock or instance); build what it needs inside the test, or in a beforeEach`,
      );
    }
  }
  aloneResults.forEach((result, index) => {
    for (const [test, symptom] of failingTests(result)) {
      if (blamed.has(test) || reliesOnOthers.has(test) || symptom.startsWith('not run:')) continue;
      report.errors.push(
        `the test ${test} (${alone[index]!.file}) passes on the reference with the other tests of its file but fails when it runs alone (${symptom}): it relies on state an earlier test left (a module-level variable, store, clock or instance); build what it needs inside the test, or in a beforeEach`,
      );
    }
  });
  if (options.mutate && report.errors.length === 0) {
    step('mutation gate: mutants of the reference, each graded like a learner\'s fix');
    report.mutation = await mutateExercise(exercise);
    report.errors.push(...mutationProblems(exercise, report.mutation));
    report.warnings.push(...mutationWarnings(report.mutation));
  }
  const budget = options.budgetSeconds ?? 10;
  const duration = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`);
  for (const result of results!) {
    if (result.testsMs / 1000 <= budget) continue;
    const slowest = result.slowestTests.map((t) => `"${t.test}" ${duration(t.ms)}`).join(', ');
    report.warnings.push(`the hidden tests of ${result.implementation} took ${duration(result.testsMs)}, over the ${budget} s budget; slowest: ${slowest}`);
  }
  return finish();
}

function stampedMutation(mutation: MutationReport): StampedMutation {
  return { score: mutation.score, threshold: mutation.threshold, passed: mutation.passed, mutants: mutation.total - mutation.equivalent, survived: mutation.survived, equivalent: mutation.equivalent };
}

function mutationProblems(exercise: Exercise, mutation: MutationReport): string[] {
  if (mutation.passed) return [];
  const survivors = mutation.survivors.map((survivor) => `${path.join(exercise.solutionDir, survivor.mutant.file)}:${survivor.mutant.line} ${survivor.mutant.description} (key "${survivor.mutant.key}")`);
  return [
    `the mutation score of the hidden tests is ${mutation.score.toFixed(1)}%, below the ${mutation.threshold}% gate (exercise.json → mutation.threshold): ${mutation.survived} of ${mutation.total - mutation.equivalent} mutants of the reference survive every hidden test: ${survivors.join('; ')}. Each is a change a learner's code could make unnoticed: add a hidden test that fails on it, or, if no behaviour the brief fixes can tell it from the reference, mark it equivalent with a "// mutate-ignore: <why>" comment on its line or exercise.json → mutation.equivalent [{ "mutant": "<key>", "why": "…" }] (\`bugbash author mutate ${exercise.id}\` shows each as a diff)`,
  ];
}

function mutationWarnings(mutation: MutationReport): string[] {
  return [
    ...mutation.killedEquivalents.map((result) => `the mutant "${result.mutant.key}" is marked equivalent ("${result.equivalent}"), yet the hidden test${result.killedBy.length > 1 ? 's' : ''} of ${result.killedBy.join(', ')} kill it: it is not equivalent; remove the mark`),
    ...mutation.unknownMarks.map((key) => `exercise.json → mutation.equivalent names "${key}", which is no mutant of the reference (the line changed?): update the key from \`author mutate\`, or remove the mark`),
  ];
}

/** The reference once per hidden test, each running that test alone in its file. */
function aloneImplementations(exercise: Exercise, tests: { file: string; name: string }[]): { file: string; implementation: Implementation }[] {
  const seen = new Map<string, number>();
  return tests.map((test, n) => {
    const index = seen.get(test.file) ?? 0;
    seen.set(test.file, index + 1);
    return { file: test.file, implementation: { ...referenceImplementation(exercise), name: `alone:${n}`, only: { file: test.file, index } } };
  });
}

/** Timing sources a hidden test must not depend on: verdicts would change with machine load. */
const WALL_CLOCK = [
  { pattern: /\bDate\.now\s*\(/, what: 'Date.now()' },
  { pattern: /\bnew Date\s*\(\s*\)/, what: 'new Date() without arguments' },
  { pattern: /\bperformance\.now\s*\(/, what: 'performance.now()' },
  { pattern: /\b(?:setTimeout|setInterval)\s*\(/, what: 'a real timer' },
];
const WALL_CLOCK_OK = /bugbash:\s*wall-clock-ok/;

function wallClockUses(exercise: Exercise): string[] {
  const problems: string[] = [];
  for (const file of hiddenSourceFiles(exercise)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (WALL_CLOCK_OK.test(line) || WALL_CLOCK_OK.test(lines[index - 1] ?? '')) return;
      const code = line.replace(/\/\/.*$/, '');
      for (const { pattern, what } of WALL_CLOCK) {
        if (pattern.test(code)) {
          problems.push(`${file}:${index + 1}: hidden code uses ${what}: a verdict must not depend on the machine's clock or speed; use FakeClock (or explore's timers), or mark a deliberate use with a "// bugbash: wall-clock-ok <why>" comment`);
        }
      }
    });
  }
  return problems;
}


function checkFixture(fixture: Fixture, original: CheckResult, report: ValidationReport, blamed: Map<string, string>): void {
  const result = withoutBlamed(original, blamed, fixture.present);
  const where = `fixtures/${fixture.kind === 'alternative' ? 'alternatives' : 'wrong'}/${fixture.name}`;
  const present = result.bugs.filter((bug) => bug.status !== 'fixed').map((bug) => bug.id);
  const row: FixtureRow = { implementation: result.implementation, present, expected: fixture.present, regressions: result.regressions.length, ok: false };
  for (const problem of result.problems) report.errors.push(`the fixture ${where}: ${problem.message}`);
  if (fixture.kind === 'alternative') {
    for (const bug of present) {
      const failure = result.bugs.find((b) => b.id === bug)?.failures[0];
      report.errors.push(`the correct alternative fix ${where} is judged "${bug}" still present ("${failure?.test}": ${failure?.symptom.split('\n')[0]}): a test demands more than the brief, or only the reference's way of fixing it`);
    }
    for (const regression of result.regressions) report.errors.push(`the correct alternative fix ${where} fails the guard "${regression.test}": ${regression.symptom.split('\n')[0]}`);
  } else {
    for (const bug of fixture.present.filter((bug) => !present.includes(bug))) {
      report.errors.push(`the wrong fix ${where} is judged "${bug}" fixed${fixture.why ? ` (${fixture.why})` : ''}: every test of "${bug}" passes on it, so a learner would be taught this fix is right; add a test that fails on it`);
    }
    for (const bug of present.filter((bug) => !fixture.present.includes(bug))) {
      const failure = result.bugs.find((b) => b.id === bug)?.failures[0];
      report.errors.push(`the wrong fix ${where} is also judged "${bug}" present ("${failure?.test}"), but it only touches ${fixture.present.join(', ')}: the tests blame the wrong bug`);
    }
  }
  row.ok = result.problems.length === 0 && (fixture.kind === 'alternative' ? present.length === 0 && result.regressions.length === 0 : present.length === fixture.present.length && fixture.present.every((bug) => present.includes(bug)));
  report.fixtures.push(row);
}

/** The result without the tests that already fail on the reference (reported there, once). */
function withoutBlamed(result: CheckResult, blamed: Map<string, string>, keep: string[]): CheckResult {
  if (blamed.size === 0) return result;
  return {
    ...result,
    bugs: result.bugs.map((bug) => {
      if (keep.includes(bug.id)) return bug;
      const failures = bug.failures.filter((failure) => !blamed.has(`"${failure.test}" (${bug.id})`));
      return { ...bug, failures, status: failures.length === 0 && bug.tests.total > 0 ? 'fixed' : bug.status };
    }),
    regressions: result.regressions.filter((failure) => !blamed.has(`guard "${failure.test}"`)),
  };
}

function describeTests(exercise: Exercise, reference: CheckResult, report: ValidationReport): void {
  report.bugs = reference.bugs.map((bug) => ({ id: bug.id, category: bug.category, tests: bug.tests.total }));
  for (const bug of reference.bugs) {
    if (bug.tests.total === 0) report.errors.push(`bug "${bug.id}" has no hidden test: add one with bug("${bug.id}", "…", async () => { … }) in ${exercise.hiddenDir}`);
  }
}

/** Failing tests of a result, named as in messages ("\"name\" (bug-id)", "guard \"name\""), with their first symptom line. */
function failingTests(result: CheckResult): Map<string, string> {
  const failing = new Map<string, string>();
  for (const bug of result.bugs) for (const failure of bug.failures) failing.set(`"${failure.test}" (${bug.id})`, failure.symptom.split('\n')[0]!);
  for (const failure of result.regressions) failing.set(`guard "${failure.test}"`, failure.symptom.split('\n')[0]!);
  return failing;
}

/** A problem that stopped the whole run (a hang, a crash): every test after it is "not run". */
function stopProblem(result: CheckResult): CheckResult['problems'][number] | undefined {
  return result.problems.find((problem) => problem.kind === 'stuck' || problem.kind === 'crash');
}

function checkReference(reference: CheckResult, report: ValidationReport): void {
  if (reference.solved) return;
  const stop = stopProblem(reference);
  // After a stop, the tests that never ran are the stop's consequence, not causes of their own.
  const failing = [...failingTests(reference)]
    .filter(([, symptom]) => !(stop && symptom.startsWith('not run:')))
    .map(([test, symptom]) => `${test}: ${symptom}`);
  report.errors.push(`the reference fails its own hidden tests: ${[...failing, ...reference.problems.map((problem) => problem.message)].join('; ')}`);
}

/** Only a test whose verdict changes between runs is flaky; one that fails every time was reported once, on run 1. */
function checkRepeatedReference(first: CheckResult, again: CheckResult, report: ValidationReport, run: number): void {
  const before = failingTests(first);
  const now = failingTests(again);
  const changed = [
    ...[...now].filter(([test]) => !before.has(test)).map(([test, symptom]) => `${test} fails on run ${run} (${symptom}) but passed on run 1`),
    ...[...before].filter(([test]) => !now.has(test)).map(([test]) => `${test} failed on run 1 but passes on run ${run}`),
  ];
  const newProblems = again.problems.filter((problem) => !first.problems.some((p) => p.message === problem.message));
  if (changed.length === 0 && newProblems.length === 0) return;
  report.errors.push(
    `a flaky hidden test: the same reference gets a different verdict on run ${run}: ${[...changed, ...newProblems.map((problem) => problem.message)].join('; ')}; use fixed seeds, FakeClock and explore instead of the wall clock or real timers`,
  );
}

/** A bug test that passes on its own bug's single-bug variant. */
interface LenientTest {
  bug: string;
  test: string;
}

/**
 * A bug test that passes with its bug planted asserts too little — unless it targets a class
 * of wrong fix the planted code does not show (a lock never released after a failure): then
 * a wrong-fix fixture of that bug must fail it, which proves it asserts something.
 */
function checkLenientTests(lenient: LenientTest[], fixtures: Fixture[], results: CheckResult[], report: ValidationReport): void {
  for (const { bug, test } of lenient) {
    const caught = fixtures.some((fixture) => {
      if (fixture.kind !== 'wrong' || !fixture.present.includes(bug)) return false;
      const result = results.find((r) => r.implementation === `wrong:${fixture.name}`);
      return result?.bugs.find((b) => b.id === bug)?.failures.some((failure) => failure.test === test) ?? false;
    });
    if (caught) continue;
    report.errors.push(
      `the test "${test}" of "${bug}" passes on that bug's own single-bug variant, and no wrong-fix fixture of "${bug}" fails it: it asserts too little (a test that asserts nothing, or only a type), tests other behaviour (then make it a guard), or targets a wrong fix of the bug (then add that wrong fix under fixtures/wrong/ with "present": ["${bug}"])`,
    );
  }
}

function buildMatrix(exercise: Exercise, results: CheckResult[], report: ValidationReport, blamed: Map<string, string>, lenient: LenientTest[]): void {
  // The same tests failing on several implementations (a scenario that times out everywhere,
  // a guard every variant breaks) are one root cause: one line naming every implementation.
  const crossings = new Map<string, { labels: string[]; message: string }>();
  const cross = (key: string, label: string, message: string) => {
    const entry = crossings.get(key) ?? { labels: [], message };
    entry.labels.push(label);
    crossings.set(key, entry);
  };
  const stopped = results.some((result) => stopProblem(result));
  for (const original of results) {
    if (original.implementation === 'reference') continue;
    const result = withoutBlamed(original, blamed, original.implementation === 'starter' ? exercise.bugs.map((bug) => bug.id) : [original.implementation.replace(/^bug:/, '')]);
    const failing: Record<string, number> = {};
    for (const bug of result.bugs) failing[bug.id] = bug.failures.length;
    failing.guards = result.regressions.length;
    const expected = result.implementation === 'starter' ? exercise.bugs.map((bug) => bug.id) : [result.implementation.replace(/^bug:/, '')];
    const unexpected = Object.entries(failing).filter(([group, count]) => count > 0 && !expected.includes(group)).map(([group]) => group);
    const missed = expected.filter((bug) => !(failing[bug]! > 0));
    const label = result.implementation === 'starter' ? 'the starter' : `the single-bug variant "${expected[0]}"`;
    for (const bug of missed) report.errors.push(`${label}: no test of "${bug}" fails, so the bug is not caught (its tests pass with the bug present)`);
    if (result.implementation.startsWith('bug:')) {
      const own = result.bugs.find((b) => b.id === expected[0]);
      for (const name of own?.passing ?? []) lenient.push({ bug: expected[0]!, test: name });
    }
    for (const group of unexpected) {
      // Tests a stopped run never reached are the stop's consequence, reported once as its problem.
      const failures = (group === 'guards' ? result.regressions : (result.bugs.find((b) => b.id === group)?.failures ?? [])).filter((f) => !(stopped && f.kind === 'not-run'));
      if (failures.length === 0) continue;
      const names = failures.map((f) => `"${f.test}"`).join(', ');
      const slow = failures.every((f) => /^timed out\b/.test(f.symptom)) ? '; they time out here, so if they are slow rather than wrong, raise their timeout or shrink the scenario' : '';
      cross(`fail\0${group}\0${names}`, label, `${group === 'guards' ? 'guard' : `tests of "${group}"`} fail too (${names})${slow}: each bug must be caught by its own tests only`);
    }
    for (const problem of result.problems) cross(`problem\0${problem.message}`, label, problem.message);
    report.matrix.push({ implementation: result.implementation, failing, expected, ok: unexpected.length === 0 && missed.length === 0 && result.problems.length === 0 });
  }
  for (const { labels, message } of crossings.values()) report.errors.push(`${labels.length === 1 ? labels[0] : `${labels.length} implementations (${labels.join(', ')})`}: ${message}`);
  report.guards = results.find((result) => result.implementation === 'reference')?.guards.total ?? 0;
}
