import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateExercise } from '../src/authoring/validate.js';
import { visibleTestProblems } from '../src/authoring/visible-check.js';
import { exerciseHunks } from '../src/catalog/catalog.js';
import { parseManifest } from '../src/catalog/manifest.js';
import { bugbash, tempDir } from './support/cli.js';
import { FIXTURES, fixtureExercise } from './support/fixtures.js';

/**
 * Repository-scale exercises ship a test suite of their own, served beside the code; one of
 * its tests fails on the served code (the entry point). The fixture set "visible" is the basic
 * tiny wallet with such a suite: test/wallet.test.ts, whose entry bug is negative-amount.
 */
const VISIBLE_SET = path.join(FIXTURES, 'sets', 'visible');
const env = { BUGBASH_SETS: VISIBLE_SET };
const reference = readFileSync(path.join(VISIBLE_SET, 'solutions', 'tiny-wallet', 'wallet.ts'), 'utf8');

describe('the visibleTests manifest field', () => {
  const manifest = JSON.parse(readFileSync(path.join(VISIBLE_SET, 'exercises', 'tiny-wallet', 'exercise.json'), 'utf8'));

  it('is accepted as the fixture set declares it', () => {
    expect(parseManifest(manifest).problems).toEqual([]);
  });

  it('refuses an entry that is not a bug, a test listed as a served file too, a non-test file and a pool', () => {
    expect(parseManifest({ ...manifest, visibleTests: { files: ['test/wallet.test.ts'], entry: 'no-such-bug' } }).problems).toEqual([
      expect.stringMatching(/^visibleTests\.entry: names "no-such-bug", which is not one of the bugs \(overdraw-race, negative-amount\)/),
    ]);
    expect(parseManifest({ ...manifest, files: ['wallet.ts', 'test/wallet.test.ts'] }).problems).toEqual([expect.stringMatching(/^visibleTests\.files\[0\]: "test\/wallet\.test\.ts" is also in "files"/)]);
    expect(parseManifest({ ...manifest, visibleTests: { files: ['test/helpers.ts'], entry: 'negative-amount' } }).problems).toEqual([expect.stringMatching(/^visibleTests\.files: must list at least one \*\.test\.ts file/)]);
    expect(parseManifest({ ...manifest, visibleTests: { files: ['test/../wallet.test.ts'], entry: 'negative-amount' } }).problems).toEqual([expect.stringMatching(/^visibleTests\.files\[0\]: must be a relative path to a \.ts file inside starter\//)]);
    expect(parseManifest({ ...manifest, plant: 1 }).problems).toEqual([expect.stringMatching(/^visibleTests: a pooled exercise cannot have an entry bug/)]);
  });
});

/** validate's step for visible tests alone (the first test runs the whole validation). */
async function visibleProblems(root: string): Promise<string[]> {
  const exercise = fixtureExercise('tiny-wallet', root);
  return visibleTestProblems(exercise, exerciseHunks(exercise).hunks);
}

describe('author validate on a set with visible tests', () => {
  it('passes when the reference passes them and only the entry bug makes one fail', async () => {
    const root = tempDir('bugbash-visible-');
    cpSync(VISIBLE_SET, root, { recursive: true });
    const report = await validateExercise({ root, bundled: false }, 'tiny-wallet', { runs: 1 });
    expect(report.errors).toEqual([]);
  });

  it('fails when the entry bug shows in no visible test, or another bug shows in one', async () => {
    const root = tempDir('bugbash-visible-');
    cpSync(VISIBLE_SET, root, { recursive: true });
    const manifestPath = path.join(root, 'exercises', 'tiny-wallet', 'exercise.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, visibleTests: { ...manifest.visibleTests, entry: 'overdraw-race' } }));
    expect(await visibleProblems(root)).toEqual([
      expect.stringMatching(/^no visible test fails on the single-bug variant "overdraw-race", the entry bug/),
      expect.stringMatching(/^the visible tests "Wallet\.withdraw > refuses an amount that is not a positive integer" \(test\/wallet\.test\.ts: .*\) fail on the single-bug variant "negative-amount": only the entry bug \("overdraw-race"\)/),
    ]);
  });

  it('fails when a visible test fails on the reference', async () => {
    const root = tempDir('bugbash-visible-');
    cpSync(VISIBLE_SET, root, { recursive: true });
    const testPath = path.join(root, 'exercises', 'tiny-wallet', 'starter', 'test', 'wallet.test.ts');
    writeFileSync(testPath, readFileSync(testPath, 'utf8').replace('toBe(70)', 'toBe(71)'));
    expect(await visibleProblems(root)).toContainEqual(expect.stringMatching(/^the visible tests "Wallet\.withdraw > returns the balance left" \(test\/wallet\.test\.ts: .*\) fail on the reference/));
  });
});

describe('bugbash test, through the built binary', () => {
  let cwd: string;
  const served = (file: string) => path.join(cwd, 'bugbash', 'tiny-wallet', file);
  beforeAll(() => {
    cwd = tempDir();
    const start = bugbash(cwd, ['start', 'tiny-wallet'], env);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('Its own tests (run them with `bugbash test tiny-wallet`):');
  });

  it('serves the visible tests and their helpers beside the code, verbatim', () => {
    for (const file of ['test/wallet.test.ts', 'test/memory-store.ts']) {
      expect(readFileSync(served(file), 'utf8')).toBe(readFileSync(path.join(VISIBLE_SET, 'exercises', 'tiny-wallet', 'starter', file), 'utf8'));
    }
  });

  it('runs them on the served code: the entry point fails, exit 1, and nothing is written into the folder', () => {
    const result = bugbash(cwd, ['test'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('refuses an amount that is not a positive integer');
    expect(result.stdout).toContain('1 of 3 visible tests fail.');
    expect(result.stdout).not.toContain('JSON report written');
    expect(existsSync(path.join(cwd, 'bugbash', 'tiny-wallet', 'node_modules'))).toBe(false);
    const json = JSON.parse(bugbash(cwd, ['test', 'tiny-wallet', '--json'], env).stdout);
    expect(json).toMatchObject({ exercise: 'tiny-wallet', ok: false, passed: 2, failed: 1 });
    expect(json.tests.filter((test: { state: string }) => test.state === 'failed').map((test: { name: string }) => test.name)).toEqual([
      'Wallet.withdraw > refuses an amount that is not a positive integer',
    ]);
  });

  it('-t runs only the tests whose name matches', () => {
    const json = JSON.parse(bugbash(cwd, ['test', '--json', '-t', 'balance left'], env).stdout);
    expect(json).toMatchObject({ ok: true, passed: 1, failed: 0 });
    const none = bugbash(cwd, ['test', '-t', 'no such test'], env);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('Nothing was tested: no visible test\'s name contains "no such test"');
  });

  it('passes once the learner fixed the code, with the grading left to check', () => {
    writeFileSync(served('wallet.ts'), reference);
    const result = bugbash(cwd, ['test'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('All 3 visible tests pass.');
    expect(result.stdout).toContain('`bugbash check tiny-wallet` runs the hidden ones');
  });

  it('stops code that never finishes within its time limit, with a clear message', () => {
    writeFileSync(served('wallet.ts'), reference.replace('async withdraw(walletId: string, amount: number): Promise<number> {', 'async withdraw(walletId: string, amount: number): Promise<number> {\n    for (;;) {}'));
    const result = bugbash(cwd, ['test', '--json'], { ...env, BUGBASH_VISIBLE_TIMEOUT_MS: '4000' });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).stopped).toMatch(/did not finish within 4 s/);
  });

  it('reset puts the visible tests back as served, after backing up the learner\'s edited copy', () => {
    const original = readFileSync(served('test/wallet.test.ts'), 'utf8');
    writeFileSync(served('test/wallet.test.ts'), `${original}\n// my own test\n`);
    expect(bugbash(cwd, ['reset', 'tiny-wallet', '--yes'], env).code).toBe(0);
    expect(readFileSync(served('test/wallet.test.ts'), 'utf8')).toBe(original);
    const backups = readdirSync(path.join(cwd, 'bugbash', '.bugbash', 'backups'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(cwd, 'bugbash', '.bugbash', 'backups', backups[0]!, 'test', 'wallet.test.ts'), 'utf8')).toContain('// my own test');
  });

  it('is a usage error for an exercise without visible tests', () => {
    const other = tempDir();
    expect(bugbash(other, ['start', 'tiny-wallet']).code).toBe(0);
    const result = bugbash(other, ['test', 'tiny-wallet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"tiny-wallet" ships no test suite of its own');
  });
});
