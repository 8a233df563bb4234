/**
 * The process that hosts vitest for the grader (under the supervisor, see supervisor.ts). The
 * learner's code runs in its worker threads; it reports every test as an event, so whatever
 * finished before a kill is still known.
 */
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import workerThreads from 'node:worker_threads';
import type { Plugin } from 'vite';
import type { TestCase, TestModule, TestSpecification, Vitest } from 'vitest/node';
import type { HiddenTestMeta } from '../harness/tests.js';
import { moduleStatePlugin } from './module-state.js';
import { boundFailure, boundFault } from './bounds.js';
import type { ParentMessage, SerializedFault, SuiteJob, TestState, WorkerEvent } from './protocol.js';

const send = (event: WorkerEvent) => process.send?.(event);
const SHUFFLE_SEED = 20_261_201;

// vitest reports a worker thread that ran out of heap only as "Worker exited unexpectedly";
// watching its threads for ERR_WORKER_OUT_OF_MEMORY lets the grader name the cause.
class WatchedWorker extends workerThreads.Worker {
  constructor(...args: ConstructorParameters<typeof workerThreads.Worker>) {
    super(...args);
    this.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') send({ type: 'fatal', message: `${error.code}: ${error.message}` });
    });
  }
}
workerThreads.Worker = WatchedWorker;
syncBuiltinESMExports();

let vitest: Vitest | undefined;
let currentJob: SuiteJob | undefined;

function testKey(testCase: TestCase): string {
  return `${testCase.project.name}::${path.relative(currentJob!.root, testCase.module.moduleId)}::${testCase.fullName}`;
}

function faults(errors: ReadonlyArray<{ name?: string; message?: string; stack?: string }> | undefined, extra: Partial<SerializedFault> = {}): SerializedFault[] {
  return (errors ?? []).map((error) => ({ name: error.name ?? 'Error', message: error.message ?? String(error), stack: error.stack, ...extra }));
}

const reporter = {
  onTestModuleCollected(module: TestModule) {
    for (const testCase of module.children.allTests()) {
      const meta = testCase.meta() as unknown as Partial<HiddenTestMeta>;
      const tag = meta.bugbash;
      send({
        type: 'collected',
        test: {
          key: testKey(testCase),
          project: testCase.project.name,
          file: path.relative(currentJob!.root, module.moduleId),
          name: testCase.name,
          fullName: testCase.fullName,
          bug: tag?.kind === 'bug' ? tag.bug : undefined,
          guard: tag?.kind === 'guard',
          timeoutMs: testCase.options.timeout,
        },
      });
    }
  },
  onTestCaseReady(testCase: TestCase) {
    send({ type: 'started', key: testKey(testCase), project: testCase.project.name });
  },
  onTestCaseResult(testCase: TestCase) {
    const result = testCase.result();
    const meta = testCase.meta() as unknown as Partial<HiddenTestMeta>;
    send({
      type: 'result',
      key: testKey(testCase),
      project: testCase.project.name,
      state: result.state as TestState,
      failure: meta.bugbashFailure && boundFailure(meta.bugbashFailure),
      exploration: meta.bugbashExploration,
      errors: faults(result.errors).map(boundFault),
      durationMs: testCase.diagnostic()?.duration ?? 0,
    });
  },
  onTestModuleEnd(module: TestModule) {
    const errors = module.errors();
    if (errors.length > 0) {
      send({ type: 'module-error', project: module.project.name, file: path.relative(currentJob!.root, module.moduleId), errors: faults(errors).map(boundFault) });
    }
  },
  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ name?: string; message?: string; stack?: string; VITEST_TEST_NAME?: string }>) {
    if (unhandledErrors.length > 0) {
      send({ type: 'unhandled', errors: unhandledErrors.map((error) => boundFault({ ...faults([error])[0]!, test: error.VITEST_TEST_NAME })) });
    }
  },
};

/** A path without vite's query (`/x/processor.ts?instance=2`) or a `file://` prefix. */
function bare(id: string): string {
  return id.replace(/^file:\/\//, '').replace(/[?#].*$/, '');
}

function within(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Marks the reference's modules loaded for the hidden suites (`@reference/*`), and only those. */
const REFERENCE_MARK = 'bugbash-reference';

function marked(id: string): string {
  return `${id}${id.includes('?') ? '&' : '?'}${REFERENCE_MARK}`;
}

function isMarked(id: string): boolean {
  return new RegExp(`[?&]${REFERENCE_MARK}(&|$)`).test(id);
}

/**
 * `@reference/*` and `bugbash/harness` exist for the hidden suites and the harness only. An
 * import of them, or of any file of the reference, the exercise or the harness, from the
 * learner's code is refused and reported: otherwise a learner file could re-export the
 * reference and be judged solved. The reference's modules loaded through `@reference/*` carry
 * a mark; loading a reference file without it (an import by absolute path, whose importer
 * vite does not pass on) is refused too.
 */
function importGuard(job: SuiteJob, implementation: { name: string; dir: string }): Plugin {
  const hiddenDir = path.join(job.root, 'hidden');
  const harnessDir = path.dirname(job.harness);
  const trusted = (importer: string) => within(importer, hiddenDir) || within(importer, harnessDir);
  const protectedRoots: [string, 'reference' | 'harness' | 'hidden suites'][] = [
    [job.referenceDir, 'reference'],
    [harnessDir, 'harness'],
    [job.root, 'hidden suites'],
  ];
  const refuse = (importer: string | undefined, specifier: string, what: 'reference' | 'harness' | 'hidden suites'): never => {
    send({ type: 'forbidden-import', project: implementation.name, importer: importer ?? '', specifier, what });
    throw new Error(`your code imports the ${what} ("${specifier}"${importer ? ` in ${path.basename(importer)}` : ''}): the hidden tests compare your code with the reference, so your code may not use it`);
  };
  const ownFile = (file: string) => within(file, implementation.dir);
  return {
    name: 'bugbash:import-guard',
    enforce: 'pre',
    async resolveId(source, importer) {
      const from = importer ? bare(importer) : undefined;
      const reference = /^@reference\/(.*)$/.exec(source);
      if (reference || source === 'bugbash/harness') {
        if (from && !trusted(from)) return refuse(from, source, reference ? 'reference' : 'harness');
        if (!reference) return job.harness;
        const resolved = await this.resolve(`${job.referenceDir}/${reference[1]}`, importer, { skipSelf: true });
        return resolved && !resolved.external ? marked(resolved.id) : resolved;
      }
      if (importer && isMarked(importer)) {
        // The reference's own imports stay marked (its ./types and the like).
        const resolved = await this.resolve(source, importer, { skipSelf: true });
        return resolved && !resolved.external && within(bare(resolved.id), job.referenceDir) ? marked(resolved.id) : resolved;
      }
      // Any other import from the learner's files: refuse it when it lands in our files.
      if (!from || !ownFile(from)) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      if (!resolved || resolved.external) return resolved;
      const target = bare(resolved.id);
      if (ownFile(target)) return resolved;
      for (const [root, what] of protectedRoots) if (within(target, root)) return refuse(from, source, what);
      return resolved;
    },
    load(id) {
      const file = bare(id);
      if (within(file, job.referenceDir) && !ownFile(file) && !isMarked(id)) refuse(undefined, file, 'reference');
      return null;
    },
  };
}

let prepared: Promise<TestSpecification[]> | undefined;

/** Creates vitest and finds the suites, ahead of the run (watch mode prepares while the learner types). */
function prepare(job: SuiteJob): Promise<TestSpecification[]> {
  prepared ??= (async () => {
    currentJob = job;
    // Read by the harness in vitest's workers, which inherit this environment.
    if (job.perturb) process.env.BUGBASH_PERTURB = '1';
    const { createVitest } = await import('vitest/node');
    vitest = await createVitest(
      'test',
      {
        root: job.root,
        config: false,
        watch: false,
        pool: 'threads',
        isolate: true,
        // Threads start faster than forks; a stuck thread is ended with the whole process.
        maxWorkers: 2,
        fileParallelism: true,
        // Ordering and seeds are fixed by the suites; vitest must not retry, and shuffles only
        // for validate's state-reuse check, with a fixed seed so its verdict is reproducible.
        sequence: job.shuffle ? { shuffle: { files: false, tests: true }, seed: SHUFFLE_SEED } : { shuffle: false },
        retry: 0,
        passWithNoTests: false,
        reporters: [reporter],
        projects: job.implementations.map((implementation) => ({
          test: {
            name: implementation.name,
            root: job.root,
            include: implementation.only ? [implementation.only.file] : job.include,
            // Read by the harness when the file defines its tests.
            env: {
              ...(implementation.only ? { BUGBASH_ONLY_TEST: String(implementation.only.index) } : {}),
              ...(implementation.bail ? { BUGBASH_BAIL: implementation.bail } : {}),
            },
          },
          resolve: { alias: [{ find: /^@impl\/(.*)$/, replacement: `${implementation.dir}/$1` }] },
          plugins: [importGuard(job, implementation), moduleStatePlugin(implementation.dir)],
        })),
      },
      { cacheDir: job.cacheDir, logLevel: 'silent', server: { watch: null } },
    );
    return vitest.getRelevantTestSpecifications();
  })();
  return prepared;
}

/** Runs the job once or `repeat` times. A host runs one job: the grader starts a fresh host for every check. */
async function run(job: SuiteJob): Promise<void> {
  const specifications = await prepare(job);
  const repeat = job.repeat ?? 1;
  for (let repetition = 0; repetition < repeat; repetition++) {
    if (repetition === 0) await vitest!.runTestSpecifications(specifications, true);
    else await vitest!.rerunTestSpecifications(specifications, true);
    send({ type: 'run-end', repetition });
  }
}

process.on('message', (message: ParentMessage) => {
  const work = message.type === 'prepare' ? prepare(message.job) : message.type === 'run' ? run(message.job) : close();
  work.catch((error: unknown) => {
    send({ type: 'fatal', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
  });
});

async function close(): Promise<void> {
  await vitest?.close();
  process.exit(0);
}

process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
