import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grade } from '../../src/grading/grade.js';
import { directoryImplementation } from '../../src/grading/implementation.js';
import { findExercise, loadCatalog } from '../../src/catalog/catalog.js';
import { renderCheck } from '../../src/report/check.js';
import type { CheckResult } from '../../src/grading/verdict.js';
import { tempDir } from '../support/cli.js';
import { BASIC_SET, fixtureExercise } from '../support/fixtures.js';

const exercise = fixtureExercise();
const reference = readFileSync(path.join(exercise.solutionDir, 'wallet.ts'), 'utf8');
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A learner folder whose wallet.ts is the reference with `edit` applied. */
function learner(edit: (text: string) => string = (text) => text): string {
  const dir = tempDir();
  made.push(dir);
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
    made.push(set);
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
    made.push(dir);
    symlinkSync(path.join(exercise.solutionDir, 'wallet.ts'), path.join(dir, 'wallet.ts'));
    const result = await gradeDir(dir);
    expect(result.solved).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'file', file: 'wallet.ts', message: expect.stringContaining('wallet.ts is a symbolic link') })]);
  });

  it('a folder in place of a file is a problem, not an internal error', async () => {
    const dir = tempDir();
    made.push(dir);
    mkdirSync(path.join(dir, 'wallet.ts'));
    const result = await gradeDir(dir);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'file', message: expect.stringContaining('wallet.ts is a folder') })]);
  });

  it('a FIFO in place of a file is a problem and does not hang', async () => {
    const dir = tempDir();
    made.push(dir);
    execFileSync('mkfifo', [path.join(dir, 'wallet.ts')]);
    const result = await gradeDir(dir);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'file', message: expect.stringContaining('not a regular file') })]);
  });
});
