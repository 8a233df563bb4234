import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { grade } from '../../src/grading/grade.js';
import { directoryImplementation } from '../../src/grading/implementation.js';
import { isolation } from '../../src/grading/suite-run.js';
import { findExercise, loadCatalog } from '../../src/catalog/catalog.js';
import { renderCheck } from '../../src/report/check.js';
import type { CheckResult } from '../../src/grading/verdict.js';
import { tempDir } from '../support/cli.js';
import { processesWith } from '../support/processes.js';
import { BASIC_SET, fixtureExercise } from '../support/fixtures.js';

const exercise = fixtureExercise();
const reference = readFileSync(path.join(exercise.solutionDir, 'wallet.ts'), 'utf8');

/** A learner folder whose wallet.ts is the reference with `edit` applied. */
function learner(edit: (text: string) => string = (text) => text): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'wallet.ts'), edit(reference));
  return dir;
}

const gradeDir = (dir: string): Promise<CheckResult> => grade(exercise, directoryImplementation(dir, 'workspace'));
/** Puts `code` at the start of withdraw (after its validation passes, so every test reaches it). */
const inWithdraw = (code: string) => (text: string) => text.replace('return this.serialised(walletId, async () => {', `${code}\n    return this.serialised(walletId, async () => {`);

describe('learner code cannot reach the reference or the harness', () => {
  it('a literal import of @reference/* is a clear problem before any test runs', async () => {
    const result = await gradeDir(learner(() => `export * from '@reference/wallet';\n`));
    expect(result.solved).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'import', file: 'wallet.ts', line: 1, message: expect.stringContaining('your code imports the reference') })]);
    expect(renderCheck(result)).toContain('Your files cannot be graded');
  });

  it('a computed import of @reference/* at run time is refused and reported, never solved', async () => {
    // Delegates to the reference: before the fix this was judged solved.
    const dir = learner((text) =>
      text.replace(
        /async withdraw\(walletId: string, amount: number\): Promise<number> \{/,
        `private ref?: Promise<{ withdraw(walletId: string, amount: number): Promise<number> }>;

  async withdraw(walletId: string, amount: number): Promise<number> {
    this.ref ??= import(['@reference', 'wallet'].join('/')).then((module: { Wallet: typeof Wallet }) => new module.Wallet(this.balances));
    return (await this.ref).withdraw(walletId, amount);`,
      ),
    );
    const result = await gradeDir(dir);
    expect(result.solved).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'import', file: 'wallet.ts', message: expect.stringContaining('your code imports the reference ("@reference/wallet")') }));
  });

  it('a computed import of bugbash/harness is refused', async () => {
    const result = await gradeDir(learner(inWithdraw(`await import(['bugbash', 'harness'].join('/'));`)));
    expect(result.solved).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'import', message: expect.stringContaining('your code imports the harness') }));
  });

  it('an import of the reference by its absolute path is refused', async () => {
    const target = JSON.stringify(path.join(exercise.solutionDir, 'wallet.ts'));
    const result = await gradeDir(learner(inWithdraw(`await import([${target}][0]!);`)));
    expect(result.solved).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'import', message: expect.stringContaining('your code imports the reference') }));
  });

  it('hidden suites still import a second, separate instance with @impl/<file>?instance=2', async () => {
    const set = tempDir('bugbash-set-');
    cpSync(BASIC_SET, set, { recursive: true });
    writeFileSync(
      path.join(set, 'exercises', 'tiny-wallet', 'hidden', 'instances.test.ts'),
      `import { guard, expectThat } from 'bugbash/harness';\nimport * as first from '@impl/wallet';\n\nguard('a query suffix gives a separate module instance', async () => {\n  const second = await import('@impl/wallet?instance=2');\n  expectThat(second.Wallet !== first.Wallet && typeof second.Wallet === 'function', 'the second instance is the same module');\n});\n`,
    );
    const copy = findExercise(loadCatalog({ sets: [set], withoutBundled: true, trustSets: true }), 'tiny-wallet');
    const result = await grade(copy, directoryImplementation(learner(), 'workspace'));
    expect(result.problems).toEqual([]);
    expect(result.solved).toBe(true);
    expect(result.guards.total).toBe(2);
  });
});

describe('learner files that are not regular files are a clear problem, never followed', () => {
  it('a symlink to the reference is not followed', async () => {
    const dir = tempDir();
    symlinkSync(path.join(exercise.solutionDir, 'wallet.ts'), path.join(dir, 'wallet.ts'));
    const result = await gradeDir(dir);
    expect(result.solved).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'file', file: 'wallet.ts', message: expect.stringContaining('wallet.ts is a symbolic link') })]);
  });

  it('a folder in place of a file is a problem, not an internal error', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'wallet.ts'));
    const result = await gradeDir(dir);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'file', message: expect.stringContaining('wallet.ts is a folder') })]);
  });

  it('a FIFO in place of a file is a problem and does not hang', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [path.join(dir, 'wallet.ts')]);
    const result = await gradeDir(dir);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'file', message: expect.stringContaining('not a regular file') })]);
  });
});

describe('nothing the learner code starts outlives a check', () => {
  it(`plain, detached and double-forked children are gone when the verdict is back (isolation: ${isolation()})`, async () => {
    const token = `bugbash-orphan-${process.pid}-${Date.now()}`;
    const spawnCode = (options: string) =>
      `spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(token)}], { stdio: 'ignore', ${options} }).unref();`;
    const dir = learner(
      (text) =>
        `import { spawn } from 'node:child_process';\n${spawnCode('')}\n${spawnCode('detached: true')}\n` +
        // A grandchild whose parent exits at once: it is re-parented away from the grader.
        `spawn(process.execPath, ['-e', ${JSON.stringify(`require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '${token}'], { detached: true, stdio: 'ignore' }).unref()`)}], { stdio: 'ignore', detached: true }).unref();\n` +
        text,
    );
    const result = await gradeDir(dir);
    expect(result.problems).toEqual([]);
    const left = processesWith(token);
    // Without a PID namespace a double-forked grandchild can escape (docs/isolation.md); kill it so the test leaves nothing.
    left.forEach((pid) => process.kill(pid, 'SIGKILL'));
    if (isolation() === 'pid-namespace') expect(left).toEqual([]);
  });

  it('process.kill(process.ppid) in learner code does not kill the caller, and a verdict comes back', async () => {
    const result = await gradeDir(learner(inWithdraw(`process.kill(process.ppid, 'SIGKILL');`)));
    if (isolation() === 'pid-namespace') {
      // The supervisor is the namespace's init: the kernel drops the signal.
      expect(result.problems).toEqual([]);
      expect(result.solved).toBe(true);
    } else {
      expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'crash', message: expect.stringContaining('your code killed the process that supervises the grading') }));
    }
  });
});

describe('verdicts do not depend on machine load or on the size of values', () => {
  it('a test slow in wall time but light on CPU (a loaded machine) is not called stuck', async () => {
    // 8 s of blocking without CPU: more wall time than the 5 s timeout plus grace allow.
    const result = await gradeDir(learner(inWithdraw(`if (amount === 30) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 8_000);`)));
    expect(result.problems.filter((problem) => problem.kind === 'stuck')).toEqual([]);
    expect(result.bugs.map((bug) => bug.status)).toEqual(['fixed', 'fixed']);
  });

  it('a huge returned value is cut to a bounded size in the verdict and the report', async () => {
    const result = await gradeDir(learner(inWithdraw(`if (amount === 30) return 'x'.repeat(20_000_000) as unknown as number;`)));
    const regression = result.regressions[0]!;
    expect(regression.actual!.length).toBeLessThan(11_000);
    expect(regression.actual).toContain('more characters not shown');
    expect(JSON.stringify(result).length).toBeLessThan(100_000);
    expect(renderCheck(result).length).toBeLessThan(100_000);
  });

  it('running out of memory is named, with the limit and no stack frame', async () => {
    const previous = process.env.BUGBASH_HEAP_LIMIT_MB;
    process.env.BUGBASH_HEAP_LIMIT_MB = '256';
    try {
      const result = await gradeDir(learner(inWithdraw(`const hog: string[] = [];\n    for (;;) hog.push('x'.repeat(100_000) + Math.random());`)));
      expect(result.solved).toBe(false);
      expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'memory', message: 'your code ran out of memory (limit 256 MB)' }));
      expect(JSON.stringify(result)).not.toMatch(/node:internal|Worker\.|onexit/);
    } finally {
      if (previous === undefined) delete process.env.BUGBASH_HEAP_LIMIT_MB;
      else process.env.BUGBASH_HEAP_LIMIT_MB = previous;
    }
  });
});
