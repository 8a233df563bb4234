import { appendFileSync, cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boldPhrases, emphasisWarnings, judgeEmphasis, testNames } from '../../src/authoring/emphasis.js';
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
    expect(testNames(suite)).toEqual({
      bugs: ['two concurrent charges never overdraw the balance', 'refunding a declined charge is refused'],
      guards: ['a charge the balance covers succeeds', 'a key whose result is older than 24 hours starts a new charge'],
    });
  });

  it('a bold phrase that matches a bug test better than any guard singles out a planted rule', () => {
    const tests = testNames(suite);
    expect(judgeEmphasis('Charges are **never concurrent overdrawn**. Keys last **24 hours**. A **declined refund** is refused.', tests)).toEqual({
      planted: ['never concurrent overdrawn', 'declined refund'],
      honoured: ['24 hours'],
    });
    // As many honoured rules emphasised as planted ones: nothing singled out on balance.
    expect(judgeEmphasis('**24 hours**, **balance covers**, **concurrent overdraw**', tests)).toEqual({ planted: ['concurrent overdraw'], honoured: ['24 hours', 'balance covers'] });
  });

  it('author validate warns about a brief whose bold text points only at the planted rules', () => {
    expect(emphasisWarnings(fixtureExercise())).toEqual([]);
    const root = tempDir('bugbash-emphasis-');
    try {
      cpSync(BASIC_SET, root, { recursive: true });
      appendFileSync(path.join(root, 'exercises', 'tiny-wallet', 'brief.md'), '\nA **negative amount is rejected**, and **concurrent withdrawals never overdraw**.\n');
      const [warning] = emphasisWarnings(fixtureExercise('tiny-wallet', root));
      expect(warning).toContain('bold phrases point at the planted bugs: **negative amount is rejected**, **concurrent withdrawals never overdraw**');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
