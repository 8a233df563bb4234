import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateExercise } from '../../src/authoring/validate.js';
import { tempDir } from '../support/cli.js';
import { BASIC_SET, FIXTURES } from '../support/fixtures.js';

/**
 * The sets an instructor tried to sneak past `author validate`, one change each: every folder
 * of test/fixtures/sets/sneaks/ holds the files it changes in the basic set (same layout), and
 * expect.json the errors validate must give, in order, as patterns. Add a folder to add a case.
 */
const SNEAKS = path.join(FIXTURES, 'sets', 'sneaks');
const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

describe.each(readdirSync(SNEAKS).sort())('a sneaked set: %s', (name) => {
  const expected = JSON.parse(readFileSync(path.join(SNEAKS, name, 'expect.json'), 'utf8')) as { why: string; errors: string[] };
  it(`is rejected with its message: ${expected.why}`, async () => {
    const root = tempDir('bugbash-sneak-');
    created.push(root);
    cpSync(BASIC_SET, root, { recursive: true });
    cpSync(path.join(SNEAKS, name), root, { recursive: true, filter: (source) => path.basename(source) !== 'expect.json' });
    const report = await validateExercise({ root, bundled: false }, 'tiny-wallet', { runs: 1 });
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual(expected.errors.map((pattern) => expect.stringMatching(new RegExp(pattern))));
  });
});
