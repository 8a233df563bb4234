import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExercise, loadCatalog } from '../../src/catalog/catalog.js';
import { recordIntegrity, verifyIntegrity } from '../../src/catalog/integrity.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { tempDir } from '../support/cli.js';
import { BASIC_SET } from '../support/fixtures.js';


function copiedSet() {
  const root = tempDir('bugbash-set-');
  cpSync(BASIC_SET, root, { recursive: true });
  const exercise = findExercise(loadCatalog({ sets: [root], withoutBundled: true, trustSets: true }), 'tiny-wallet');
  const record = path.join(root, 'integrity.json');
  recordIntegrity([exercise], record);
  return { root, exercise, record };
}

describe('the exercises a learner is graded against are the ones that were built', () => {
  it('an untouched exercise verifies', () => {
    const { exercise, record } = copiedSet();
    expect(() => verifyIntegrity(exercise, record)).not.toThrow();
  });

  it('a line appended to a hidden helper is refused, with how to restore', () => {
    const { exercise, record } = copiedSet();
    appendFileSync(path.join(exercise.hiddenDir, 'wallet.test.ts'), '\n// tampered\n');
    expect(() => verifyIntegrity(exercise, record)).toThrow(/"tiny-wallet" was modified.*Reinstall bugbash/s);
  });

  it('a tool cache left in the exercise folder (running vitest there) is not tampering', () => {
    const { exercise, record } = copiedSet();
    const cache = path.join(exercise.dir, 'node_modules', '.vite', 'vitest');
    mkdirSync(cache, { recursive: true });
    writeFileSync(path.join(cache, 'results.json'), '{}');
    expect(() => verifyIntegrity(exercise, record)).not.toThrow();
  });

  it('a changed reference is refused', () => {
    const { exercise, record } = copiedSet();
    appendFileSync(path.join(exercise.solutionDir, 'wallet.ts'), '\nexport const extra = 1;\n');
    expect(() => verifyIntegrity(exercise, record)).toThrow(/was modified/);
  });

  it('check refuses a tampered installed package (exit 2) and grades nothing', () => {
    // A copy of the installed package, so the real one stays untouched.
    const root = tempDir('bugbash-package-');
    for (const entry of ['bin', 'dist', 'exercises', 'solutions', 'package.json']) cpSync(path.join(PACKAGE_ROOT, entry), path.join(root, entry), { recursive: true });
    symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    const cwd = tempDir();
    const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin', 'bugbash.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', BUGBASH_SETS: '', BUGBASH_WORKSPACE: '' } });
    expect(run(['start', 'payment-processor']).status).toBe(0);
    appendFileSync(path.join(root, 'exercises', 'payment-processor', 'hidden', 'world.ts'), '\n// appended by learner code\n');
    const result = run(['check', 'payment-processor', '--json']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('the installed exercise "payment-processor" was modified');
    expect(result.stderr).toContain('Reinstall bugbash');
  });
});
