import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scaffoldExercise } from '../../src/authoring/scaffold.js';
import { validateExercise } from '../../src/authoring/validate.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { bugbash, tempDir } from '../support/cli.js';
import { BASIC_SET } from '../support/fixtures.js';

/** A copy of the basic fixture set with one thing broken by `edit`. */
function brokenSet(edit: (file: (relative: string) => string) => void): string {
  const root = tempDir('bugbash-set-');
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

async function errorsOf(root: string): Promise<string[]> {
  const report = await validateExercise({ root, bundled: false }, 'tiny-wallet', { runs: 1 });
  return report.errors;
}

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
    expect(errors).toEqual(expect.arrayContaining([expect.stringContaining('the single-bug variant "negative-amount": guard fail too ("a negative withdrawal is refused")')]));
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

  it('a hidden test that hard-codes a generated id fails the perturbation check', async () => {
    const root = brokenSet((f) => {
      writeFileSync(
        f('exercises/tiny-wallet/hidden/ids.test.ts'),
        "import { guard, expectSame } from 'bugbash/harness';\nimport { randomUUID } from 'node:crypto';\n\nguard('ids are what they are', () => {\n  expectSame(randomUUID(), '00000000-0000-4000-8000-000000000001', 'the first generated id changed');\n});\n",
      );
    });
    expect(await errorsOf(root)).toEqual([expect.stringMatching(/^the reference fails guard "ids are what they are" once its generated ids and random draws are shifted: the test hard-codes a generated value/)]);
  });

  it('a hidden test that reads the wall clock is an error at its line, unless marked deliberate', async () => {
    const root = brokenSet((f) => replaceIn(f(HIDDEN), "guard('a withdrawal within the balance succeeds', async () => {", "guard('a withdrawal within the balance succeeds', async () => {\n  const startedAt = Date.now();\n  void startedAt;"));
    expect(await errorsOf(root)).toEqual([expect.stringMatching(/hidden\/wallet\.test\.ts:5: hidden code uses Date\.now\(\): a verdict must not depend on the machine's clock/)]);
    replaceIn(path.join(root, HIDDEN), '  const startedAt = Date.now();', '  // bugbash: wall-clock-ok measuring, not judging\n  const startedAt = Date.now();');
    expect(await errorsOf(root)).toEqual([]);
  });

  it('a bug test that passes on its own single-bug variant is a warning: it asserts too little', async () => {
    const root = brokenSet((f) =>
      replaceIn(f(HIDDEN), "bug('negative-amount', 'a negative amount is rejected', async () => {", "bug('negative-amount', 'an amount is a number', async () => {\n  expectThat(typeof 5 === 'number', 'numbers');\n});\n\nbug('negative-amount', 'a negative amount is rejected', async () => {"),
    );
    const report = await validateExercise({ root, bundled: false }, 'tiny-wallet', { runs: 1 });
    expect(report.warnings).toContain(
      'the test "an amount is a number" of "negative-amount" passes on that bug\'s own single-bug variant: it asserts too little, tests other behaviour (then make it a guard), or targets only a wrong fix of the bug (then keep a fixture that it catches)',
    );
  });

  it('an id used by two sets is an error naming both places', () => {
    const other = brokenSet(() => undefined);
    expect(() => loadCatalog({ sets: [BASIC_SET, other], withoutBundled: true })).toThrow(/exercise id "tiny-wallet" is defined twice: in .* and in /);
  });
});

describe('author new', () => {
  it('scaffolds an exercise that validates as generated', async () => {
    const root = tempDir('bugbash-new-');
    scaffoldExercise(root, 'refund-ledger');
    const report = await validateExercise({ root, bundled: false }, 'refund-ledger', { runs: 1 });
    expect(report.errors).toEqual([]);
    expect(report.bugs).toEqual([{ id: 'refund-exceeds-charge', category: 'money', tests: 1 }]);
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
