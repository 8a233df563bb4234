import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  boldPhrases,
  commentsPointAtBugs,
  emphasisProblems,
  emphasisedPhrases,
  judgeComments,
  judgeEmphasis,
  numberedSentences,
  ruleCommentsAtPlantedChanges,
  singlesOut,
  testNames,
} from '../../src/authoring/emphasis.js';
import { tempDir } from '../support/cli.js';
import { BASIC_SET, fixtureExercise } from '../support/fixtures.js';

const suite = `
guard('a charge the balance covers succeeds', async () => {});
guard("a key whose result is older than 24 hours starts a new charge", async () => {});
bug('balance-overdraw', 'two concurrent charges never overdraw the balance', async () => {});
bug('refund-declined', \`refunding a declined charge is refused\`, async () => {});
`;

describe('emphasis in briefs', () => {
  it('reads the bold phrases of a brief and the test names of a suite', () => {
    expect(boldPhrases('A **charge** is __refused__ when *this* is not bold.\n**24 hours**')).toEqual(['charge', 'refused', '24 hours']);
    const names = testNames(suite);
    expect(names.bugs).toEqual(['two concurrent charges never overdraw the balance', 'refunding a declined charge is refused']);
    expect(names.guards).toEqual(['a charge the balance covers succeeds', 'a key whose result is older than 24 hours starts a new charge']);
    expect([...names.byBug]).toEqual([
      ['balance-overdraw', ['two concurrent charges never overdraw the balance']],
      ['refund-declined', ['refunding a declined charge is refused']],
    ]);
  });

  it('counts italics, quotes, call-outs and shouted words as emphasis, but not code', () => {
    const brief = [
      'A *declined* charge, an _overdrawn_ balance, a `a * b` product and snake_case_names.',
      '> Refunds are final.',
      'Note: keys expire.',
      'A charge MUST NOT overdraw the balance.',
      'HTTP and JSON are acronyms, not emphasis.',
      '```',
      '**not a phrase** in a code block',
      '```',
    ].join('\n');
    expect(emphasisedPhrases(brief)).toEqual(['declined', 'overdrawn', 'Refunds are final.', 'keys expire.', 'A charge MUST NOT overdraw the balance.']);
  });

  it('a phrase that matches a bug test better than any guard singles out a planted rule', () => {
    const tests = testNames(suite);
    const report = judgeEmphasis('Charges are **never concurrent overdrawn**. Keys last **24 hours**. A **declined refund** is refused.', tests);
    expect(report).toEqual({ planted: ['never concurrent overdrawn', 'declined refund'], honoured: ['24 hours'] });
    expect(singlesOut(report)).toBe(true);
    // As many honoured rules emphasised as planted ones: nothing singled out on balance.
    const balanced = judgeEmphasis('**24 hours**, **balance covers**, *concurrent overdraw*', tests);
    expect(balanced).toEqual({ planted: ['concurrent overdraw'], honoured: ['24 hours', 'balance covers'] });
    expect(singlesOut(balanced)).toBe(false);
    expect(singlesOut(judgeEmphasis('Every rule stated plainly: a declined charge is not refunded; keys last 24 hours.', tests))).toBe(false);
  });

  it('finds the sentences that state an exact number, outside code and v1/v0 scheme names', () => {
    const brief = 'Keys are kept 24 hours. Only v1 counts.\n\n- Amounts up to 99,999,999 are accepted; larger ones are refused.\n\n```\nt=1768478400\n```\nNo number here.';
    expect(numberedSentences(brief)).toEqual(['Keys are kept 24 hours.', '- Amounts up to 99,999,999 are accepted; larger ones are refused.']);
  });
});

describe('comments in served code', () => {
  /** Served code from lines; a line starting with ">" is a planted change of the bug named after it ("> id: code"). */
  function file(lines: string[]) {
    const planted: { start: number; end: number; bug: string }[] = [];
    const text = lines
      .map((line, index) => {
        const mark = /^> ([a-z-]+): (.*)$/.exec(line);
        if (!mark) return line;
        planted.push({ start: index + 1, end: index + 1, bug: mark[1]! });
        return mark[2]!;
      })
      .join('\n');
    return { file: 'charge.ts', text, planted };
  }
  const body = (first: string[], second: string[]) => [
    'export async function charge(card, amount) {',
    '  const balance = await cards.get(card);',
    ...first,
    '> balance-overdraw:   if (balance < amount) throw new Error("insufficient_funds");',
    '  await cards.set(card, balance - amount);',
    '  const receipt = { card, amount };',
    '  await receipts.add(receipt);',
    '  await audit.log(receipt);',
    '  await metrics.count("charge");',
    '  return receipt;',
    '}',
    '',
    'export function refund(charge) {',
    '  const status = charge.status;',
    ...second,
    '> refund-declined:   if (status === "failed") return undefined;',
    '  const left = charge.amount - charge.refunded;',
    '  const next = { ...charge, refunded: charge.amount };',
    '  charges.set(charge.id, next);',
    '  notify(charge.id);',
    '  return left;',
    '}',
  ];
  const pointing = file(body(['  // Two charges of one card must never overdraw the balance together.'], ['  // A declined charge is refused a refund.']));

  it('flags planted changes commented far more often than the code around them', () => {
    const report = judgeComments([pointing], 1);
    expect(report).toMatchObject({ commented: 2, planted: 2, rate: 0, expected: 0, where: ['charge.ts:4', 'charge.ts:16'] });
    expect(commentsPointAtBugs(report)).toBe(true);
  });

  it('comments above correct code as often as above planted lines are not flagged', () => {
    const lines = body(['  // Read from the primary.'], ['  // Failed charges moved no money.']);
    lines.splice(6, 0, '  // What the customer is shown.');
    lines.splice(10, 0, '  // Metrics never fail a charge.');
    lines.splice(20, 0, '  // What is still refundable.');
    lines.splice(23, 0, '  // Webhooks go out after the write.');
    const report = judgeComments([file(lines)], 1);
    expect(report.commented).toBe(2);
    expect(report.rate).toBeCloseTo(4 / 15);
    expect(commentsPointAtBugs(report)).toBe(false);
  });

  it('finds a comment that restates the rule of the planted change below it, and only that', () => {
    const tests = testNames(suite);
    expect(ruleCommentsAtPlantedChanges([pointing], tests).map(({ line, bug }) => ({ line, bug }))).toEqual([
      { line: 3, bug: 'balance-overdraw' },
      { line: 15, bug: 'refund-declined' },
    ]);
    const neutral = file(body(['  // Cards are read from the primary, never a replica.'], ['  // Refunds go back to the original payment method.']));
    expect(ruleCommentsAtPlantedChanges([neutral], tests)).toEqual([]);
  });

  it('the exercise vocabulary and the words the planted code spells do not make a comment a rule', () => {
    const tests = testNames(suite);
    // "charge" is in three of the four test names: "refund" alone is left, one word.
    const vocabulary = file(body([], ['  // The refund of a charge.']));
    expect(ruleCommentsAtPlantedChanges([vocabulary], tests)).toEqual([]);
    // "concurrent" and "overdraw" are what the planted line itself calls things.
    const named = file(['async function settle() {', '  // Concurrent overdraw check.', '> balance-overdraw:   if (concurrentOverdraw(balance)) return;', '}']);
    expect(ruleCommentsAtPlantedChanges([named], tests)).toEqual([]);
    const stated = file(['async function settle() {', '  // Concurrent charges never overdraw.', '> balance-overdraw:   if (balance < amount) return;', '}']);
    expect(ruleCommentsAtPlantedChanges([stated], tests).map(({ bug }) => bug)).toEqual(['balance-overdraw']);
  });
});

describe('author validate and emphasis', () => {
  it('is an error when the brief emphasises only planted rules, a warning when a comment restates one', () => {
    expect(emphasisProblems(fixtureExercise())).toEqual({ errors: [], warnings: [] });
    const root = tempDir('bugbash-emphasis-');
    try {
      cpSync(BASIC_SET, root, { recursive: true });
      const dir = path.join(root, 'exercises', 'tiny-wallet');
      appendFileSync(path.join(dir, 'brief.md'), '\nA **negative amount is rejected**, and **concurrent withdrawals never overdraw**.\n');
      const starter = path.join(dir, 'starter', 'wallet.ts');
      writeFileSync(starter, readFileSync(starter, 'utf8').replace('    // @bug negative-amount\n', '    // A negative amount is rejected before anything is read.\n    // @bug negative-amount\n'));
      const { errors, warnings } = emphasisProblems(fixtureExercise('tiny-wallet', root));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('emphasis points at the planted bugs: "negative amount is rejected", "concurrent withdrawals never overdraw"');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('the comment "A negative amount is rejected before anything is read." restates the rule that the change of "negative-amount" just below breaks');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
