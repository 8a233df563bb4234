import path from 'node:path';
import { hiddenSuites, type Exercise } from '../catalog/catalog.js';
import { cacheRoot, compiledPath } from '../paths.js';
import type { SerializedFault, SuiteJob } from './protocol.js';
import { CodeChecker, type CodeProblem } from './code-check.js';
import type { Implementation } from './implementation.js';
import { heapLimitMb, isOutOfMemory, SuiteHost, type SuiteRun, type TestRecord } from './suite-run.js';
import type { BugVerdict, CheckResult, Problem, TestExploration, TestFailure } from './verdict.js';

const HARNESS = compiledPath('harness/index.js');

export interface GradeOptions {
  /** Run the suites this many times in one process (flake detection). Default 1. */
  repeat?: number;
  /** Reuse a live vitest host (watch mode); otherwise one is started and closed. */
  host?: SuiteHost;
  /** Reuse a ts-morph project (watch mode, validate). */
  checker?: CodeChecker;
  /** Skip the type and API check (the reference in validate has its own). */
  skipCodeCheck?: boolean;
  /** Shift generated ids and random draws (validate's perturbation check). */
  perturb?: boolean;
  /** Run each file's tests in a shuffled order (validate's state-reuse check). */
  shuffle?: boolean;
  /** List every hidden test in each result (`tests`), by file in definition order. */
  listTests?: boolean;
}

export function suiteJob(exercise: Exercise, implementations: Implementation[], options: Pick<GradeOptions, 'repeat' | 'perturb' | 'shuffle'> = {}): SuiteJob {
  return {
    root: exercise.dir,
    include: hiddenSuites(exercise).map((file) => `hidden/${file.split(path.sep).join('/')}`),
    harness: HARNESS,
    referenceDir: exercise.solutionDir,
    implementations: implementations.map(({ name, dir, only, bail }) => ({ name, dir, ...(only ? { only } : {}), ...(bail ? { bail } : {}) })),
    cacheDir: path.join(cacheRoot(), 'vite'),
    repeat: options.repeat ?? 1,
    perturb: options.perturb ?? false,
    shuffle: options.shuffle ?? false,
  };
}

/** Grades one implementation: code check, then the hidden suites. */
export async function grade(exercise: Exercise, implementation: Implementation, options: GradeOptions = {}): Promise<CheckResult> {
  const [results] = await gradeAll(exercise, [implementation], options);
  return results![0]!;
}

/**
 * Grades several implementations of one exercise in a single vitest process (one vitest
 * project each), so validate's variants share one start-up. Returns results per repetition,
 * each in the order of `implementations`.
 */
export async function gradeAll(exercise: Exercise, implementations: Implementation[], options: GradeOptions = {}): Promise<CheckResult[][]> {
  const startedAt = Date.now();
  const ownHost = !options.host;
  const host = options.host ?? new SuiteHost();
  try {
    const repeat = options.repeat ?? 1;
    // The suites start at once and the type check runs beside them: on two cores a check
    // costs the longer of the two, not their sum. Code that does not compile is not graded:
    // its run is stopped as soon as the checker says so.
    const running = host.run(suiteJob(exercise, implementations, options));
    const checker = options.checker ?? new CodeChecker(exercise);
    const codeProblems = new Map<string, CodeProblem[]>();
    if (!options.skipCodeCheck) {
      for (const implementation of implementations) codeProblems.set(implementation.name, await checker.check(implementation.dir));
    }
    const runnable = implementations.filter((implementation) => !(codeProblems.get(implementation.name) ?? []).length);
    if (runnable.length === 0) void host.kill();
    const run: SuiteRun | undefined = runnable.length > 0 ? await running : undefined;
    const durationMs = Date.now() - startedAt;
    return Array.from({ length: repeat }, (_, repetition) =>
      implementations.map((implementation) => {
        const problems = codeProblems.get(implementation.name) ?? [];
        if (problems.length > 0 || !run) return notCheckable(exercise, implementation, problems, durationMs);
        const verdict = verdictFor(exercise, implementation, run, repetition, durationMs);
        if (options.listTests) verdict.tests = testsOf(run, implementation.name);
        return verdict;
      }),
    );
  } finally {
    // Ending the process tree after the run also ends whatever the learner's code started.
    if (ownHost) await host.kill();
  }
}

export function notCheckable(exercise: Exercise, implementation: Implementation, problems: CodeProblem[], durationMs: number): CheckResult {
  return {
    exercise: exercise.id,
    implementation: implementation.name,
    solved: false,
    bugs: exercise.bugs.map((bug) => ({ id: bug.id, title: bug.title, category: bug.category, status: 'not-checked', tests: { passed: 0, total: 0 }, failures: [], passing: [] })),
    regressions: [],
    guards: { passed: 0, total: 0 },
    problems: problems.map((problem) => ({ ...problem })),
    durationMs,
    testsMs: 0,
    slowestTests: [],
    exploration: [],
  };
}

/** Every test of one project, by file in definition order (the order vitest collected them). */
function testsOf(run: SuiteRun, project: string): { file: string; name: string }[] {
  const records = [...(run.repetitions[0] ?? new Map<string, TestRecord>()).values()].filter((record) => record.project === project);
  const files = [...new Set(records.map((record) => record.file))].sort();
  return files.flatMap((file) => records.filter((record) => record.file === file).map((record) => ({ file, name: record.name })));
}

export function verdictFor(exercise: Exercise, implementation: Implementation, run: SuiteRun, repetition: number, durationMs: number): CheckResult {
  // An attempt of a pooled exercise is graded on its drawn bugs. The other bugs' code is the
  // reference's, so their tests hold behaviour the served code already gets right: for this
  // attempt they are guards, and a change that breaks one is a regression.
  const drawn = new Set(exercise.bugs.map((bug) => bug.id));
  const undrawn = new Set(exercise.draw ? exercise.manifest.bugs.filter((bug) => !drawn.has(bug.id)).map((bug) => bug.id) : []);
  const records = [...(run.repetitions[repetition] ?? run.repetitions.at(-1) ?? new Map<string, TestRecord>()).values()]
    .filter((record) => record.project === implementation.name)
    .map((record) => (record.bug && undrawn.has(record.bug) ? { ...record, bug: undefined, guard: true } : record));
  const problems: Problem[] = [];
  const loadFailures = new Map<string, string>();
  for (const moduleError of run.moduleErrors.filter((error) => error.project === implementation.name)) {
    const fault = moduleError.errors[0];
    const message = fault ? describeFault(fault, implementation.dir) : 'the suite could not be loaded';
    loadFailures.set(moduleError.file, message);
    problems.push({ kind: 'load', message: `loading your code failed: ${message}`, ...locate(fault, implementation.dir) });
  }
  const forbidden = run.forbiddenImports.filter((entry) => entry.project === implementation.name);
  for (const entry of [...new Map(forbidden.map((entry) => [`${entry.importer}\0${entry.specifier}`, entry])).values()]) {
    problems.push({
      kind: 'import',
      file: path.relative(implementation.dir, entry.importer),
      message: `your code imports the ${entry.what} ("${entry.specifier}"): the hidden tests compare your code with the reference, so it may only import its own files and libraries`,
    });
  }
  if (run.stopped?.reason === 'memory' || (run.outOfMemory && !run.stopped)) {
    problems.push({ kind: 'memory', message: run.stopped?.message ?? `your code ran out of memory (limit ${heapLimitMb()} MB)` });
  } else if (run.stopped) {
    const names = run.stopped.tests.filter((test) => test.project === implementation.name).map((test) => `"${test.name}"`);
    if (names.length > 0 || run.stopped.tests.length === 0) {
      problems.push({ kind: run.stopped.reason === 'crash' || run.stopped.reason === 'killed' ? 'crash' : 'stuck', message: `${run.stopped.message}${names.length ? ` — while running ${names.join(', ')}` : ''}; the run was stopped` });
    }
  }
  // The same floating rejection fires in every run of a property: report it once, with a count.
  const unhandled = new Map<string, { fault: SerializedFault; tests: Set<string>; count: number }>();
  for (const fault of run.unhandled) {
    const key = describeFault(fault, implementation.dir);
    const entry = unhandled.get(key) ?? { fault, tests: new Set<string>(), count: 0 };
    entry.count += 1;
    if (fault.test) entry.tests.add(fault.test);
    unhandled.set(key, entry);
  }
  for (const [description, { fault, tests, count }] of unhandled) {
    const during = tests.size > 0 ? ` during ${[...tests].map((t) => `"${t}"`).join(', ')}` : '';
    problems.push({
      kind: 'unhandled',
      message: `${description} was never caught${count > 1 ? ` (${count} times)` : ''}${during}: a rejected promise nobody awaited. In production Node.js ends the process on an unhandled rejection.`,
      ...locate(fault, implementation.dir),
    });
  }
  if (records.length === 0 && problems.length === 0) problems.push({ kind: 'no-tests', message: 'no hidden test ran' });

  const failureOf = (record: TestRecord): TestFailure => failureFor(record, implementation.dir, loadFailures.get(record.file));
  const bugs: BugVerdict[] = exercise.bugs.map((bug) => {
    const tests = records.filter((record) => record.bug === bug.id);
    const passed = tests.filter((record) => record.state === 'passed');
    const failures = tests.filter((record) => record.state !== 'passed').map(failureOf);
    return {
      id: bug.id,
      title: bug.title,
      category: bug.category,
      status: tests.length > 0 && failures.length === 0 ? 'fixed' : 'present',
      tests: { passed: passed.length, total: tests.length },
      failures,
      passing: passed.map((record) => record.name),
    };
  });
  const guards = records.filter((record) => !record.bug);
  const regressions = guards.filter((record) => record.state !== 'passed' && record.state !== 'skipped').map(failureOf);
  return {
    exercise: exercise.id,
    implementation: implementation.name,
    solved: bugs.every((bug) => bug.status === 'fixed') && regressions.length === 0 && problems.length === 0,
    bugs,
    regressions,
    guards: { passed: guards.length - regressions.length, total: guards.length },
    problems,
    durationMs,
    testsMs: Math.round(records.reduce((sum, record) => sum + record.durationMs, 0)),
    slowestTests: [...records]
      .sort((a, b) => b.durationMs - a.durationMs)
      .slice(0, 3)
      .map((record) => ({ test: record.name, ms: Math.round(record.durationMs) })),
    exploration: records.flatMap((record) => explorationOf(record)),
  };
}

/** One entry per exploring test: sampled if any of its scenarios was, orderings summed. */
function explorationOf(record: TestRecord): TestExploration[] {
  const explored = (record.exploration ?? []).filter((e) => e.mode !== 'replay');
  if (explored.length === 0) return [];
  const sampled = explored.filter((e) => e.mode === 'sampled');
  const entry: TestExploration = {
    test: record.name,
    mode: sampled.length > 0 ? 'sampled' : 'exhaustive',
    orderings: explored.reduce((sum, e) => sum + e.orderings, 0),
    ms: explored.reduce((sum, e) => sum + e.ms, 0),
  };
  if (record.bug) entry.bug = record.bug;
  if (sampled.length > 0) {
    entry.runs = sampled.reduce((sum, e) => sum + (e.runs ?? 0), 0);
    entry.seed = sampled[0]!.seed;
  }
  return [entry];
}

function failureFor(record: TestRecord, implDir: string, loadFailure: string | undefined): TestFailure {
  if (record.state === 'stuck') {
    return { test: record.name, kind: 'stuck', symptom: 'never finished: your code ran synchronously without ever returning (an infinite loop?), so the run was stopped' };
  }
  if (record.state === 'skipped') return { test: record.name, kind: 'not-run', symptom: 'not run: skipped after an earlier test of its file failed' };
  if (record.state === 'not-run' || record.state === 'pending') {
    return { test: record.name, kind: 'not-run', symptom: loadFailure ? `not run: loading your code failed (${loadFailure})` : 'not run: the run was stopped before this test' };
  }
  const fault = record.errors[0];
  const location = locate(fault, implDir);
  const base: TestFailure = record.failure
    ? { test: record.name, kind: 'failed', ...record.failure }
    : { test: record.name, kind: 'failed', symptom: fault ? symptomOf(fault) : 'failed' };
  if (location.file) base.location = `${location.file}:${location.line}:${location.column}`;
  return base;
}

function symptomOf(fault: SerializedFault): string {
  const exit = /process\.exit unexpectedly called with "?([^"]*)"?/.exec(fault.message);
  if (exit) return `your code called process.exit(${exit[1]}): library code must report errors, never end the process`;
  if (/Test timed out in/.test(fault.message)) return 'timed out: the call never settled';
  if (isOutOfMemory(fault.message)) return `your code ran out of memory (limit ${heapLimitMb()} MB)`;
  if (fault.name === 'AssertionError') return fault.message;
  return `your code threw ${fault.name}: ${fault.message}`;
}

function describeFault(fault: SerializedFault, implDir: string): string {
  const where = locate(fault, implDir);
  const text = symptomOf(fault).replace(/^your code threw /, '');
  return where.file ? `${text} at ${where.file}:${where.line}:${where.column}` : text;
}

/** The first stack frame inside the learner's files, as a relative file:line:col. */
function locate(fault: SerializedFault | undefined, implDir: string): { file?: string; line?: number; column?: number } {
  if (!fault?.stack) return {};
  const prefix = implDir.endsWith(path.sep) ? implDir : implDir + path.sep;
  for (const line of fault.stack.split('\n')) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!match) continue;
    const file = match[1]!.replace(/^file:\/\//, '');
    if (file.startsWith(prefix)) return { file: path.relative(implDir, file), line: Number(match[2]), column: Number(match[3]) };
  }
  return {};
}
