import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffoldExercise } from '../../src/authoring/scaffold.js';
import { validateExercise } from '../../src/authoring/validate.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { bugbash, tempDir } from '../support/cli.js';
import { BASIC_SET } from '../support/fixtures.js';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the basic fixture set with one thing broken by `edit`. */
function brokenSet(edit: (file: (relative: string) => string) => void): string {
  const root = tempDir('bugbash-set-');
  created.push(root);
  cpSync(BASIC_SET, root, { recursive: true });
  edit((relative) => path.join(root, relative));
  return root;
}

const STARTER = 'exercises/tiny-wallet/starter/wallet.ts';
const REFERENCE = 'solutions/tiny-wallet/wallet.ts';
const MANIFEST = 'exercises/tiny-wallet/exercise.json';
const HIDDEN = 'exercises/tiny-wallet/hidden/wallet.test.ts';

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture edit did not apply: ${from}`);
  writeFileSync(file, text.replace(from, to));
}

/** The errors of a validation; `quick` where the problem shows before the reference-only re-runs. */
async function errorsOf(root: string, options: { full?: boolean } = {}): Promise<string[]> {
  const report = await validateExercise({ root, bundled: false }, 'tiny-wallet', { runs: 1, quick: !options.full });
  return report.errors;
}

// The sneak cases of an instructor (one unsound change each) are fixture sets: sneaks.test.ts.
describe('author validate: each unsound set gets an error naming the problem', () => {
  it('the fixture set as it is validates; a suite over its time budget is a warning naming the slowest tests', async () => {
    const report = await validateExercise({ root: BASIC_SET, bundled: false }, 'tiny-wallet', { runs: 2, budgetSeconds: 0 });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.warnings.find((warning) => warning.startsWith('the hidden tests of reference took'))).toMatch(/over the 0 s budget; slowest: "two concurrent withdrawals never overdraw" \d/);
    expect(report.matrix.map((row) => [row.implementation, row.ok])).toEqual([
      ['starter', true],
      ['bug:overdraw-race', true],
      ['bug:negative-amount', true],
    ]);
  });

  it('a manifest field that breaks the schema is named with its path', async () => {
    const root = brokenSet((f) => {
      const manifest = JSON.parse(readFileSync(f(MANIFEST), 'utf8'));
      manifest.bugs[1].hints = [];
      manifest.bugs[0].category = 'oops';
      writeFileSync(f(MANIFEST), JSON.stringify(manifest));
    });
    const errors = await errorsOf(root);
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringContaining('bugs[1].hints: needs at least one hint'), expect.stringContaining('bugs[0].category: must be one of: race,')]),
    );
  });

  it('a missing manifest field says which and what it is for, not a schema message', async () => {
    const root = brokenSet((f) => {
      const manifest = JSON.parse(readFileSync(f(MANIFEST), 'utf8'));
      delete manifest.timeLimitMinutes;
      delete manifest.bugs[0].explanation;
      writeFileSync(f(MANIFEST), JSON.stringify(manifest));
    });
    expect(await errorsOf(root)).toEqual([
      expect.stringMatching(/exercise\.json: timeLimitMinutes: missing: the suggested time in minutes, counted down by `start --interview`$/),
      expect.stringMatching(/exercise\.json: bugs\[0\]\.explanation: missing: what was wrong, why it matters in production and how the reference fixes it/),
    ]);
  });

  it('a manifest that is not JSON is reported with the file', async () => {
    const root = brokenSet((f) => writeFileSync(f(MANIFEST), '{ "id": '));
    expect((await errorsOf(root))[0]).toMatch(/exercise\.json: is not valid JSON/);
  });

  it('a missing reference file is named', async () => {
    const root = brokenSet((f) => rmSync(f(REFERENCE)));
    expect(await errorsOf(root)).toEqual([expect.stringMatching(/solutions\/tiny-wallet\/wallet\.ts: missing: the reference needs every file the starter has/)]);
  });

  it('a change without a marker is an error at its line', async () => {
    const root = brokenSet((f) => replaceIn(f(STARTER), "'balance too low'", "'balance is too low'"));
    expect(await errorsOf(root)).toEqual([expect.stringMatching(/wallet\.ts:25: this change from the reference has no "\/\/ @bug <id>" marker/)]);
  });

  it('two bugs in one hunk is an error naming both', async () => {
    const root = brokenSet((f) => replaceIn(f(STARTER), '    // @bug overdraw-race\n    return (async', '    // @bug negative-amount\n    // @bug overdraw-race\n    return (async'));
    expect(await errorsOf(root)).toEqual(expect.arrayContaining([expect.stringContaining('one change carries markers of "negative-amount" and "overdraw-race"')]));
  });

  it('a marker naming an undeclared bug, and a declared bug without a marker, are errors', async () => {
    const root = brokenSet((f) => replaceIn(f(STARTER), '// @bug negative-amount', '// @bug negative-amounts'));
    const errors = await errorsOf(root);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining('marker names "negative-amounts", which exercise.json does not declare'),
        expect.stringContaining('bug "negative-amount" is declared in exercise.json but no "// @bug negative-amount" marker is in the starter'),
      ]),
    );
  });

  it('a comment that hints at a bug in the served code is a leak', async () => {
    const root = brokenSet((f) => {
      replaceIn(f(STARTER), '  async withdraw(', '  // TODO fix the race here\n  async withdraw(');
      replaceIn(f(REFERENCE), '  async withdraw(', '  // TODO fix the race here\n  async withdraw(');
    });
    const errors = await errorsOf(root);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/wallet\.ts:\d+: served code contains "todo", which hints at a bug/), expect.stringContaining('contains "race"')]));
  });

  it('a starter whose API differs from the reference is named', async () => {
    const root = brokenSet((f) => replaceIn(f(REFERENCE), 'async withdraw(walletId: string, amount: number)', 'async withdraw(walletId: string, amount: number, currency?: string)'));
    const errors = await errorsOf(root);
    expect(errors.some((error) => error.includes('Wallet.withdraw changed its signature'))).toBe(true);
  });

  it('a reference that fails its own hidden tests is an error with the failing test', async () => {
    const root = brokenSet((f) => {
      replaceIn(f(REFERENCE), 'return balance - amount;\n    });', 'return balance - amount - 1;\n    });');
      replaceIn(f(STARTER), 'return balance - amount;\n    // @bug', 'return balance - amount - 1;\n    // @bug');
    });
    expect(await errorsOf(root)).toEqual(expect.arrayContaining([expect.stringContaining('the reference fails its own hidden tests: guard "a withdrawal within the balance succeeds"')]));
  });

  it('a bug also caught by a guard breaks isolation, with the names', async () => {
    const root = brokenSet((f) =>
      replaceIn(
        f(HIDDEN),
        "guard('a withdrawal within the balance succeeds'",
        "guard('a negative withdrawal is refused', async () => {\n  const store = new FakeStore<number>(new Env(), 'balances', { w1: 100 });\n  await expectRejects(new Wallet(store).withdraw('w1', -1), 'amount_invalid', 'refused');\n});\n\nguard('a withdrawal within the balance succeeds'",
      ),
    );
    const errors = await errorsOf(root);
    // One root cause, one line: the starter carries the same bug and breaks the same guard.
    expect(errors).toEqual(['2 implementations (the starter, the single-bug variant "negative-amount"): guard fail too ("a negative withdrawal is refused"): each bug must be caught by its own tests only']);
  });

  it('a bug whose tests pass with the bug present is not caught', async () => {
    const root = brokenSet((f) => replaceIn(f(HIDDEN), "new Wallet(store).withdraw('w1', -50)", "new Wallet(store).withdraw('w1', 0.5)"));
    expect(await errorsOf(root)).toEqual(expect.arrayContaining([expect.stringContaining('the single-bug variant "negative-amount": no test of "negative-amount" fails')]));
  });

  it('a wrong fix that the hidden tests judge fixed is an error: a learner would be taught it is right', async () => {
    const root = brokenSet((f) => {
      const dir = f('exercises/tiny-wallet/fixtures/wrong/check-after-write');
      mkdirSync(dir, { recursive: true });
      // Runs the check inside the per-wallet queue: a correct fix, declared wrong on purpose.
      cpSync(f(REFERENCE), path.join(dir, 'wallet.ts'));
      writeFileSync(path.join(dir, 'fixture.json'), JSON.stringify({ present: ['overdraw-race'], why: 'declared wrong to test validate' }));
    });
    expect(await errorsOf(root)).toEqual([
      'the wrong fix fixtures/wrong/check-after-write is judged "overdraw-race" fixed (declared wrong to test validate): every test of "overdraw-race" passes on it, so a learner would be taught this fix is right; add a test that fails on it',
    ]);
  });

  it('a wrong fix graded with its bug present passes; one without fixture.json is named', async () => {
    const root = brokenSet((f) => {
      const dir = f('exercises/tiny-wallet/fixtures/wrong/no-queue');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'wallet.ts'), readFileSync(f(REFERENCE), 'utf8').replace('return this.serialised(walletId, async () => {', 'return (async () => {').replace('    });\n  }\n\n  private serialised', '    })();\n  }\n\n  private serialised'));
      writeFileSync(path.join(dir, 'fixture.json'), JSON.stringify({ present: ['overdraw-race'] }));
      mkdirSync(f('exercises/tiny-wallet/fixtures/wrong/unlabelled'), { recursive: true });
      cpSync(f(REFERENCE), f('exercises/tiny-wallet/fixtures/wrong/unlabelled/wallet.ts'));
    });
    const errors = await errorsOf(root);
    expect(errors).toEqual([expect.stringMatching(/fixtures\/wrong\/unlabelled\/fixture\.json: missing; a wrong fix says which bugs it leaves present/)]);
    rmSync(path.join(root, 'exercises/tiny-wallet/fixtures/wrong/unlabelled'), { recursive: true });
    const report = await validateExercise({ root, bundled: false }, 'tiny-wallet', { runs: 1 });
    expect(report.errors).toEqual([]);
    expect(report.fixtures).toEqual([{ implementation: 'wrong:no-queue', present: ['overdraw-race'], expected: ['overdraw-race'], regressions: 0, ok: true }]);
  });

  it('a correct alternative judged present is an error naming the test that demands too much', async () => {
    const root = brokenSet((f) => {
      mkdirSync(f('exercises/tiny-wallet/fixtures/alternatives/lenient'), { recursive: true });
      // Not actually correct: accepts negative amounts. Stands for a suite demanding the reference's way.
      writeFileSync(f('exercises/tiny-wallet/fixtures/alternatives/lenient/wallet.ts'), readFileSync(f(REFERENCE), 'utf8').replace('amount <= 0', 'amount < -1000'));
    });
    expect(await errorsOf(root)).toEqual([expect.stringMatching(/^the correct alternative fix fixtures\/alternatives\/lenient is judged "negative-amount" still present \("a negative amount is rejected": /)]);
  });

  it('a hidden test that reads the wall clock is an error at its line, unless marked deliberate', async () => {
    const root = brokenSet((f) => replaceIn(f(HIDDEN), "guard('a withdrawal within the balance succeeds', async () => {", "guard('a withdrawal within the balance succeeds', async () => {\n  const startedAt = Date.now();\n  void startedAt;"));
    expect(await errorsOf(root)).toEqual([expect.stringMatching(/hidden\/wallet\.test\.ts:5: hidden code uses Date\.now\(\): a verdict must not depend on the machine's clock/)]);
    replaceIn(path.join(root, HIDDEN), '  const startedAt = Date.now();', '  // bugbash: wall-clock-ok measuring, not judging\n  const startedAt = Date.now();');
    expect(await errorsOf(root)).toEqual([]);
  });

  it('a bug test that passes on its own single-bug variant asserts too little, unless a wrong fix of that bug fails it', async () => {
    const root = brokenSet((f) =>
      replaceIn(
        f(HIDDEN),
        "bug('negative-amount', 'a negative amount is rejected', async () => {",
        "bug('negative-amount', 'an amount is a number', async () => {\n  expectThat(typeof 5 === 'number', 'numbers');\n});\n\nbug('negative-amount', 'a fractional amount is refused', async () => {\n  const store = new FakeStore<number>(new Env(), 'balances', { w1: 100 });\n  await expectRejects(new Wallet(store).withdraw('w1', 0.5), 'amount_invalid', 'a withdrawal of 0.5 was accepted');\n});\n\nbug('negative-amount', 'a negative amount is rejected', async () => {",
      ),
    );
    const lenient = (test: string) =>
      `the test "${test}" of "negative-amount" passes on that bug's own single-bug variant, and no wrong-fix fixture of "negative-amount" fails it: it asserts too little (a test that asserts nothing, or only a type), tests other behaviour (then make it a guard), or targets a wrong fix of the bug (then add that wrong fix under fixtures/wrong/ with "present": ["negative-amount"])`;
    expect(await errorsOf(root)).toEqual([lenient('an amount is a number'), lenient('a fractional amount is refused')]);
    // The fractional test targets a wrong fix the planted code does not show: dropping the
    // integer check while fixing the sign. With that wrong fix as a fixture, it has a purpose.
    const dir = path.join(root, 'exercises/tiny-wallet/fixtures/wrong/sign-only');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'wallet.ts'), readFileSync(path.join(root, REFERENCE), 'utf8').replace('if (!Number.isInteger(amount) || amount <= 0) {', 'if (amount <= 0) {'));
    writeFileSync(path.join(dir, 'fixture.json'), JSON.stringify({ present: ['negative-amount'], why: 'refuses negative amounts but no longer fractional ones' }));
    expect(await errorsOf(root)).toEqual([lenient('an amount is a number')]);
  });

  it('a type error inside a hidden test is an error at its file:line:col; a ?instance=2 import of @impl type-checks', async () => {
    const root = brokenSet((f) => {
      replaceIn(f(HIDDEN), "import { Wallet } from '@impl/wallet';", "import { Wallet } from '@impl/wallet';\nimport { Wallet as SecondWallet } from '@impl/wallet?instance=2';\nvoid SecondWallet;");
      writeFileSync(f('exercises/tiny-wallet/hidden/world.ts'), "import { Wallet } from '@impl/wallet';\n\nexport const balance: number = new Wallet({ get: async () => 1, set: async () => undefined }).withdraw('w1', 1);\n");
    });
    expect(await errorsOf(root)).toEqual([
      expect.stringMatching(/hidden\/world\.ts:3:14: the hidden code does not type-check \(with @impl\/\* as the reference and bugbash\/harness as the harness\): Type 'Promise<number>' is not assignable to type 'number'/),
    ]);
  });

  it('a test that relies on state left by another test fails the shuffled run', async () => {
    const root = brokenSet((f) =>
      writeFileSync(
        f('exercises/tiny-wallet/hidden/order.test.ts'),
        [
          "import { guard, expectSame } from 'bugbash/harness';",
          '',
          'const seen: string[] = [];',
          ...['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `guard('step ${name} is recorded', () => {\n  seen.push('${name}');\n});`),
          "guard('every step ran before this one', () => {\n  expectSame(seen.length, 6, 'steps recorded before the last test');\n});",
          '',
        ].join('\n'),
      ),
    );
    expect(await errorsOf(root, { full: true })).toEqual([
      expect.stringMatching(/^the test guard "every step ran before this one" passes on the reference in file order but fails when the tests of its file run in another order \(.*\): it relies on state left by another test/),
    ]);
  });

  it('a hidden test that hangs on every implementation is one root cause, reported once for the reference', async () => {
    const root = brokenSet((f) =>
      writeFileSync(
        f('exercises/tiny-wallet/hidden/hang.test.ts'),
        "import { guard } from 'bugbash/harness';\n\nguard('a call that never settles', async () => {\n  await new Promise(() => undefined);\n}, { timeout: 300 });\n",
      ),
    );
    expect(await errorsOf(root)).toEqual([expect.stringMatching(/^the reference fails its own hidden tests: guard "a call that never settles": timed out/)]);
  });

  it('a failure on every run is reported once and never called flaky', async () => {
    const root = brokenSet((f) => replaceIn(f(HIDDEN), "expectSame(await wallet.withdraw('w1', 30), 70,", "expectSame(await wallet.withdraw('w1', 30), 71,"));
    const report = await validateExercise({ root, bundled: false }, 'tiny-wallet', { runs: 3 });
    expect(report.errors).toEqual([expect.stringMatching(/^the reference fails its own hidden tests: guard "a withdrawal within the balance succeeds": /)]);
  });

  it('--quick proves the matrix and fixtures but leaves out the re-runs of the reference, and writes no stamp', async () => {
    const root = brokenSet((file) => rmSync(file('exercises/tiny-wallet/validated.json')));
    const report = await validateExercise({ root, bundled: false }, 'tiny-wallet', { runs: 5, quick: true });
    expect(report.ok).toBe(true);
    expect(report.matrix.length).toBeGreaterThan(0);
    expect(existsSync(path.join(root, 'exercises/tiny-wallet/validated.json'))).toBe(false);
    expect(loadCatalog({ sets: [root], withoutBundled: true }).broken.map((broken) => broken.id)).toEqual(['tiny-wallet']);
  });

  it('the validation stamp lives in the set: a copy is served without validating again, NOTES.md edits are ignored, any other edit is refused until revalidated', async () => {
    const authored = brokenSet((f) => rmSync(f('exercises/tiny-wallet/validated.json'), { force: true }));
    const served = (root: string) => loadCatalog({ sets: [root], withoutBundled: true });
    expect(served(authored).broken).toEqual([expect.objectContaining({ id: 'tiny-wallet', problems: [expect.stringMatching(/^not validated: an external exercise is served once it passes/)] })]);
    expect((await validateExercise({ root: authored, bundled: false }, 'tiny-wallet', { runs: 1 })).ok).toBe(true);
    const stamp = JSON.parse(readFileSync(path.join(authored, 'exercises/tiny-wallet/validated.json'), 'utf8'));
    expect(stamp.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const classroom = tempDir('bugbash-class-');
    cpSync(authored, classroom, { recursive: true });
    expect(served(classroom).exercises.map((e) => e.id)).toEqual(['tiny-wallet']);
    writeFileSync(path.join(classroom, 'exercises/tiny-wallet/NOTES.md'), 'notes for authors only\n');
    expect(served(classroom).exercises.map((e) => e.id)).toEqual(['tiny-wallet']);
    replaceIn(path.join(classroom, HIDDEN), "'withdrawing 30 from 100 should leave 70'", "'withdrawing 30 from 100 should leave 70 in the wallet'");
    expect(served(classroom).broken).toEqual([expect.objectContaining({ id: 'tiny-wallet', problems: [expect.stringMatching(/^edited since it was validated \(its validated\.json is for other files\): an external exercise is served once it passes `bugbash author validate tiny-wallet/)] })]);
    rmSync(authored, { recursive: true, force: true });
    rmSync(classroom, { recursive: true, force: true });
  });

  it('an id used by two sets is an error naming both places', () => {
    const other = brokenSet(() => undefined);
    expect(() => loadCatalog({ sets: [BASIC_SET, other], withoutBundled: true })).toThrow(/exercise id "tiny-wallet" is defined twice: in .* and in /);
  });
});

describe('author new', () => {
  it.each(['money', 'race', 'idempotency', 'state-machine'] as const)('the %s template names file, class and title after the id and validates as generated', async (template) => {
    const root = tempDir('bugbash-new-');
    created.push(root);
    const files = scaffoldExercise(root, 'subscription-billing', template);
    expect(files.map((file) => path.relative(root, file)).sort()).toEqual([
      'exercises/subscription-billing/NOTES.md',
      'exercises/subscription-billing/brief.md',
      'exercises/subscription-billing/exercise.json',
      'exercises/subscription-billing/hidden/subscription-billing.test.ts',
      'exercises/subscription-billing/starter/subscription-billing.ts',
      'exercises/subscription-billing/tsconfig.json',
      'solutions/subscription-billing/subscription-billing.ts',
    ]);
    const manifest = JSON.parse(readFileSync(path.join(root, 'exercises/subscription-billing/exercise.json'), 'utf8'));
    expect([manifest.title, manifest.files, manifest.bugs[0].category]).toEqual(['Subscription billing', ['subscription-billing.ts'], template]);
    expect(readFileSync(path.join(root, 'exercises/subscription-billing/starter/subscription-billing.ts'), 'utf8')).toContain('export class SubscriptionBilling {');
    const report = await validateExercise({ root, bundled: false }, 'subscription-billing', { runs: 1 });
    expect(report.errors).toEqual([]);
    expect(report.matrix.map((row) => [row.implementation, row.ok])).toEqual([
      ['starter', true],
      [`bug:${manifest.bugs[0].id}`, true],
    ]);
  });

  it('the generated tsconfig.json resolves @impl/* and bugbash/harness for an editor', async () => {
    const root = tempDir('bugbash-new-');
    created.push(root);
    scaffoldExercise(root, 'refund-ledger');
    const { Project } = await import('ts-morph');
    const project = new Project({ tsConfigFilePath: path.join(root, 'exercises/refund-ledger/tsconfig.json') });
    const suite = project.getSourceFileOrThrow(path.join(root, 'exercises/refund-ledger/hidden/refund-ledger.test.ts'));
    expect(project.getPreEmitDiagnostics().map((d) => `${d.getSourceFile()?.getBaseName()}: ${JSON.stringify(d.getMessageText())}`)).toEqual([]);
    expect(suite.getImportDeclarations().map((d) => d.getModuleSpecifierSourceFile()?.getFilePath() !== undefined)).toEqual([true, true]);
  });

  it('-v shows the verdict of an implementation graded otherwise than it must be, as a learner gets it', () => {
    const root = brokenSet((f) => {
      mkdirSync(f('exercises/tiny-wallet/fixtures/alternatives/lenient'), { recursive: true });
      writeFileSync(f('exercises/tiny-wallet/fixtures/alternatives/lenient/wallet.ts'), readFileSync(f(REFERENCE), 'utf8').replace('amount <= 0', 'amount < -1000'));
    });
    const result = bugbash(tempDir(), ['--sets', root, 'author', 'validate', 'tiny-wallet', '--runs', '1', '-v', '--no-color'], { BUGBASH_SETS: '' });
    expect(result.code).toBe(1);
    const shown = result.stdout.slice(result.stdout.indexOf('what alternative:lenient got from the hidden tests:'));
    expect(shown).toMatch(/^what alternative:lenient got from the hidden tests:/);
    expect(shown).toContain('a withdrawal of -50 was accepted and credited the wallet');
  });

  it('the CLI validates a set with --json and exit code 1 on a problem', () => {
    const root = brokenSet((f) => replaceIn(f(STARTER), "'balance too low'", "'balance is too low'"));
    const result = bugbash(tempDir(), ['--sets', root, 'author', 'validate', 'tiny-wallet', '--json'], { BUGBASH_SETS: '' });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.exercises[0].errors[0]).toContain('has no "// @bug <id>" marker');
  });
});

describe('author grade: the inner loop', () => {
  it('grades a folder holding only the changed file, laid over the reference, and speaks to the author', () => {
    const root = brokenSet((f) => {
      writeFileSync(f('exercises/tiny-wallet/starter/limits.ts'), 'export const MAX_WITHDRAWAL = 1_000_000;\n');
      writeFileSync(f('solutions/tiny-wallet/limits.ts'), 'export const MAX_WITHDRAWAL = 1_000_000;\n');
      const manifest = JSON.parse(readFileSync(f(MANIFEST), 'utf8'));
      manifest.files.push('limits.ts');
      writeFileSync(f(MANIFEST), JSON.stringify(manifest));
    });
    const fix = tempDir('bugbash-fix-');
    created.push(fix);
    writeFileSync(path.join(fix, 'wallet.ts'), readFileSync(path.join(root, REFERENCE), 'utf8').replace('if (!Number.isInteger(amount) || amount <= 0)', "if (amount === 30) throw new TypeError('thirty');\n    if (!Number.isInteger(amount) || amount <= 0)"));
    writeFileSync(path.join(fix, 'scratch.ts'), 'export const x = 1;\n');
    const result = bugbash(tempDir(), ['--sets', root, 'author', 'grade', 'tiny-wallet', fix, '--json'], { BUGBASH_SETS: '' });
    expect(result.code).toBe(1);
    const verdict = JSON.parse(result.stdout);
    expect([verdict.overlaid, verdict.fromReference, verdict.ignored]).toEqual([['wallet.ts'], ['limits.ts'], ['scratch.ts']]);
    expect(verdict.bugs.map((bug: { status: string }) => bug.status)).toEqual(['fixed', 'fixed']);
    expect(verdict.regressions).toEqual([expect.objectContaining({ test: 'a withdrawal within the balance succeeds', symptom: 'the hidden test threw TypeError: thirty' })]);
  });

  it('a folder with none of the exercise files is a usage error naming them', () => {
    const fix = tempDir('bugbash-fix-');
    created.push(fix);
    const result = bugbash(tempDir(), ['author', 'grade', 'tiny-wallet', fix]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`holds none of tiny-wallet's files (wallet.ts): put the files you changed there, with the same relative paths`);
  });
});
