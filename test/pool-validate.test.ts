import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateExercise } from '../src/authoring/validate.js';
import { tempDir } from './support/cli.js';
import { FIXTURES } from './support/fixtures.js';

const POOLED_SET = path.join(FIXTURES, 'sets', 'pooled');
const STARTER = 'exercises/tiny-ledger/starter/ledger.ts';
const HIDDEN = 'exercises/tiny-ledger/hidden/ledger.test.ts';

/** A copy of the pooled fixture set with one thing changed by `edit`. */
function editedSet(edit: (file: (relative: string) => string) => void): string {
  const root = tempDir('bugbash-pool-set-');
  cpSync(POOLED_SET, root, { recursive: true });
  edit((relative) => path.join(root, relative));
  return root;
}

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture edit did not apply: ${from}`);
  writeFileSync(file, text.replace(from, to));
}

const validate = (root: string) => validateExercise({ root, bundled: false }, 'tiny-ledger', { runs: 1 });

describe('author validate on a bug pool: the bugs compose', () => {
  it('the pooled fixture set validates: every draw of 2 of its 4 bugs is graded with exactly its bugs; a pool under 9 bugs is a warning outside the bundled set', async () => {
    const report = await validate(editedSet(() => undefined));
    expect(report.errors).toEqual([]);
    expect(report.composition).toEqual({ plant: 2, pool: 4, mode: 'every-draw', sets: 6 });
    expect(report.timings.map((timing) => timing.implementation)).toEqual(
      expect.arrayContaining(['planted:negative-amount+whole-balance', 'planted:currency-mismatch+amount-limit']),
    );
    expect(report.warnings).toContainEqual(expect.stringContaining('bugs: a pool of 4 bugs planting 2 per attempt; pooled exercises declare at least 9 bugs'));
  });

  it('a bug hidden by another bug of its draw is rejected, naming the two bugs', async () => {
    // The only test of "negative-amount" accepts any refusal of a zero withdrawal from an
    // empty account: "whole-balance" refuses it as insufficient, so beside it the bug is not caught.
    const root = editedSet((f) => {
      const hidden = readFileSync(f(HIDDEN), 'utf8');
      const start = hidden.indexOf("bug('negative-amount', 'a negative deposit is refused'");
      const end = hidden.indexOf("bug('whole-balance'");
      writeFileSync(
        f(HIDDEN),
        `${hidden.slice(0, start)}bug('negative-amount', 'a zero withdrawal from an empty account is refused', async () => {
  const { ledger } = world();
  const outcome = await ledger.withdraw('usd_2', 0).then(() => 'accepted', () => 'refused');
  expectSame(outcome, 'refused', 'a withdrawal of 0 was accepted');
});

${hidden.slice(end)}`,
      );
    });
    const report = await validate(root);
    expect(report.ok).toBe(false);
    const composition = report.errors.filter((error) => error.startsWith('the bugs '));
    expect(composition).toEqual([
      'the bugs "negative-amount" + "whole-balance" planted together: no test of "negative-amount" fails, so beside "whole-balance" the bug is not caught (the other bugs\' changes hide it); an attempt drawing them would judge "negative-amount" fixed while it is present',
    ]);
  });

  it('two bugs whose changes do not compile together are rejected, though each compiles alone', async () => {
    const root = editedSet((f) => {
      replaceIn(f(STARTER), '  // @bug negative-amount\n  if (!Number.isInteger(amount)) {', '  // @bug negative-amount\n  const valid = Number.isInteger(amount);\n  if (!valid) {');
      replaceIn(f(STARTER), '  // @bug amount-limit\n  if (amount >= MAX_AMOUNT) {', '  // @bug amount-limit\n  const valid = amount < MAX_AMOUNT;\n  if (!valid) {');
    });
    const report = await validate(root);
    const composition = report.errors.filter((error) => error.startsWith('the bugs '));
    expect(composition.length).toBeGreaterThan(0);
    for (const error of composition) {
      expect(error).toMatch(/^the bugs "negative-amount" \+ "amount-limit" planted together do not type-check: ledger\.ts:\d+:\d+: .*valid.*; an attempt can draw them together/);
    }
    expect(report.errors.some((error) => error.startsWith('the single-bug variant'))).toBe(false);
  });

  it('two bugs\' changes that touch are one change with two markers: rejected before anything is graded', async () => {
    const root = editedSet((f) => {
      replaceIn(f(STARTER), '  // @bug amount-limit\n  if (amount >= MAX_AMOUNT) {', '  if (amount > MAX_AMOUNT) {');
      replaceIn(
        f(STARTER),
        "  if (!Number.isInteger(amount)) {\n    throw new LedgerError('amount_invalid'",
        "  if (!Number.isInteger(amount)) {\n    // @bug amount-limit\n    throw new LedgerError('amount_unchecked'",
      );
    });
    const report = await validate(root);
    expect(report.errors).toContainEqual(expect.stringMatching(/ledger\.ts:\d+: one change carries markers of "negative-amount" and "amount-limit"; separate the bugs' changes by at least one unchanged line/));
    expect(report.matrix).toEqual([]);
  });
});
