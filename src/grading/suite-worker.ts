/**
 * The child process that hosts vitest for the grader. It runs in its own process group so
 * the grader can kill it (and vitest's workers) when learner code never yields; it reports
 * every test as an event, so whatever finished before a kill is still known.
 */
import path from 'node:path';
import type { TestCase, TestModule, Vitest } from 'vitest/node';
import type { HiddenTestMeta } from '../harness/tests.js';
import { moduleStatePlugin } from './module-state.js';
import type { ParentMessage, SerializedFault, SuiteJob, TestState, WorkerEvent } from './protocol.js';

const send = (event: WorkerEvent) => process.send?.(event);

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
      failure: meta.bugbashFailure,
      exploration: meta.bugbashExploration,
      errors: faults(result.errors),
      durationMs: testCase.diagnostic()?.duration ?? 0,
    });
  },
  onTestModuleEnd(module: TestModule) {
    const errors = module.errors();
    if (errors.length > 0) {
      send({ type: 'module-error', project: module.project.name, file: path.relative(currentJob!.root, module.moduleId), errors: faults(errors) });
    }
  },
  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ name?: string; message?: string; stack?: string; VITEST_TEST_NAME?: string }>) {
    if (unhandledErrors.length > 0) {
      send({ type: 'unhandled', errors: unhandledErrors.map((error) => ({ ...faults([error])[0]!, test: error.VITEST_TEST_NAME })) });
    }
  },
};

async function start(job: SuiteJob): Promise<void> {
  currentJob = job;
  // Read by the harness in vitest's workers, which inherit this environment.
  if (job.perturb) process.env.BUGBASH_PERTURB = '1';
  const { createVitest } = await import('vitest/node');
  const alias = (implDir: string) => [
    { find: /^@impl\/(.*)$/, replacement: `${implDir}/$1` },
    { find: /^@reference\/(.*)$/, replacement: `${job.referenceDir}/$1` },
    { find: /^bugbash\/harness$/, replacement: job.harness },
  ];
  vitest = await createVitest(
    'test',
    {
      root: job.root,
      config: false,
      watch: false,
      pool: 'threads',
      isolate: true,
      // Threads start faster than forks; a stuck thread is ended with the whole process group.
      maxWorkers: 2,
      fileParallelism: true,
      // Ordering and seeds are fixed by the suites; vitest must not shuffle or retry.
      sequence: { shuffle: false },
      retry: 0,
      passWithNoTests: false,
      reporters: [reporter],
      projects: job.implementations.map((implementation) => ({
        test: { name: implementation.name, root: job.root, include: job.include },
        resolve: { alias: alias(implementation.dir) },
        plugins: [moduleStatePlugin(implementation.dir)],
      })),
    },
    { cacheDir: job.cacheDir, logLevel: 'silent', server: { watch: null } },
  );
  const specifications = await vitest.getRelevantTestSpecifications();
  const repeat = job.repeat ?? 1;
  for (let repetition = 0; repetition < repeat; repetition++) {
    if (repetition === 0) await vitest.runTestSpecifications(specifications, true);
    else await vitest.rerunTestSpecifications(specifications, true);
    send({ type: 'run-end', repetition });
  }
}

async function rerun(changed: string[]): Promise<void> {
  if (!vitest) throw new Error('rerun before run');
  for (const file of changed) vitest.invalidateFile(file);
  await vitest.rerunTestSpecifications(await vitest.getRelevantTestSpecifications(), true);
  send({ type: 'run-end', repetition: 0 });
}

process.on('message', (message: ParentMessage) => {
  const work = message.type === 'run' ? start(message.job) : message.type === 'rerun' ? rerun(message.changed) : close();
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
