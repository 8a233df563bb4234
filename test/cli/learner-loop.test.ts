import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bugbash, tempDir } from '../support/cli.js';

// External sets are served once they validate: validate the fixture set first, as an
// instructor would before handing it out.
beforeAll(() => {
  const result = bugbash(tempDir(), ['author', 'validate', 'tiny-wallet', '--runs', '1']);
  if (result.code !== 0) throw new Error(`the fixture set does not validate:\n${result.stdout}${result.stderr}`);
});

describe('the learner loop, end to end through the built binary', () => {
  let cwd: string;
  let file: string;

  beforeAll(() => {
    cwd = tempDir();
    file = path.join(cwd, 'bugbash', 'tiny-wallet', 'wallet.ts');
  });

  it('start serves the starter without markers and prints the brief and file paths', () => {
    const result = bugbash(cwd, ['start', 'tiny-wallet']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('# Tiny wallet');
    expect(result.stdout).toContain(path.join('bugbash', 'tiny-wallet', 'wallet.ts'));
    const served = readFileSync(file, 'utf8');
    expect(served).not.toContain('@bug');
    expect(served).toContain('async withdraw(walletId: string, amount: number)');
  });

  it('start never overwrites existing work', () => {
    writeFileSync(file, readFileSync(file, 'utf8') + '\n// my notes\n');
    const result = bugbash(cwd, ['start', 'tiny-wallet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('already has your work');
    expect(result.stderr).toContain('bugbash reset tiny-wallet');
    expect(readFileSync(file, 'utf8')).toContain('// my notes');
  });

  it('check on the untouched starter reports every bug present, exit 1', () => {
    const result = bugbash(cwd, ['check', '--json']);
    expect(result.code).toBe(1);
    const verdict = JSON.parse(result.stdout);
    expect(verdict).toMatchObject({ exercise: 'tiny-wallet', solved: false, regressions: [] });
    expect(verdict.bugs.map((bug: { id: string; status: string }) => [bug.id, bug.status])).toEqual([
      ['overdraw-race', 'present'],
      ['negative-amount', 'present'],
    ]);
  });

  it('the terminal report shows one line per bug, the symptom and a summary', () => {
    const result = bugbash(cwd, ['check', 'tiny-wallet']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✘ bug 1 of 2  still present  (race)');
    expect(result.stdout).toContain('two concurrent withdrawals of 80 from a balance of 100 both succeeded');
    expect(result.stdout).toContain('what happened, in order:');
    expect(result.stdout).toContain('0 of 2 bugs fixed.');
    expect(result.stdout).not.toContain('expectThat');
  });

  it('fixing one bug shows it fixed and the other still present', () => {
    writeFileSync(file, readFileSync(file, 'utf8').replace('if (!Number.isInteger(amount)) {', 'if (!Number.isInteger(amount) || amount <= 0) {'));
    const result = bugbash(cwd, ['check', 'tiny-wallet', '--json']);
    const verdict = JSON.parse(result.stdout);
    expect(result.code).toBe(1);
    expect(verdict.bugs.map((bug: { status: string }) => bug.status)).toEqual(['present', 'fixed']);
  });

  it('hint gives the next hint for the first unfixed bug and records it', () => {
    const result = bugbash(cwd, ['hint', 'tiny-wallet']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Bug 1 of 2 (race): hint 1 of 1');
    const progress = JSON.parse(readFileSync(path.join(cwd, 'bugbash', '.bugbash', 'progress.json'), 'utf8'));
    expect(progress.exercises['tiny-wallet'].hintsUsed).toEqual({ 'overdraw-race': 1 });
  });

  it('diff shows the learner change against the served file', () => {
    const result = bugbash(cwd, ['diff', 'tiny-wallet']);
    expect(result.stdout).toContain('+    if (!Number.isInteger(amount) || amount <= 0) {');
    expect(result.stdout).toContain('-    if (!Number.isInteger(amount)) {');
  });

  it('solution before solving needs a confirmed give-up; without a terminal it asks for --yes', () => {
    const refused = bugbash(cwd, ['solution', 'tiny-wallet']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --yes');
  });

  it('a full fix is solved (exit 0) and the time is recorded', () => {
    const fixed = readFileSync(file, 'utf8').replace('return (async () => {', 'return this.serialised(walletId, async () => {').replace('    })();', '    });');
    writeFileSync(file, fixed);
    const result = bugbash(cwd, ['check', 'tiny-wallet']);
    expect(result.stdout).toContain('Solved: all 2 bugs fixed, nothing broken.');
    expect(result.code).toBe(0);
    const list = JSON.parse(bugbash(cwd, ['list', '--json']).stdout);
    const row = list.exercises.find((e: { id: string }) => e.id === 'tiny-wallet');
    expect(row.status).toBe('solved');
    expect(row.bestTimeMs).toBeGreaterThanOrEqual(0);
  });

  it('after solving, solution shows the reference diff and every explanation', () => {
    const result = bugbash(cwd, ['solution', 'tiny-wallet']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Concurrent withdrawals overdraw the wallet');
    expect(result.stdout).toContain('The reference serialises withdrawals per wallet.');
  });

  it('reset asks first, then restores the starter and keeps a backup', () => {
    expect(bugbash(cwd, ['reset', 'tiny-wallet']).code).toBe(2);
    const result = bugbash(cwd, ['reset', 'tiny-wallet', '--yes']);
    expect(result.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('return (async () => {');
    const backups = readdirSync(path.join(cwd, 'bugbash', '.bugbash', 'backups'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(cwd, 'bugbash', '.bugbash', 'backups', backups[0]!, 'wallet.ts'), 'utf8')).toContain('this.serialised(walletId');
  });
});

describe('external sets', () => {
  it('a set that has not passed validate is listed with the command to run, and not served', () => {
    const root = tempDir('bugbash-set-');
    const cwd = tempDir();
    expect(bugbash(cwd, ['author', 'new', 'refund-ledger', '--dir', root]).code).toBe(0);
    // Stamps are keyed by content: make this copy differ from any scaffold validated before.
    appendFileSync(path.join(root, 'exercises', 'refund-ledger', 'brief.md'), `\nSet ${path.basename(root)}.\n`);
    const list = bugbash(cwd, ['list'], { BUGBASH_SETS: root });
    expect(list.stdout).toContain(`refund-ledger (${root}) cannot be served: not validated`);
    const start = bugbash(cwd, ['start', 'refund-ledger'], { BUGBASH_SETS: root });
    expect(start.code).toBe(2);
    expect(start.stderr).toContain(`bugbash author validate refund-ledger --sets ${root}`);
    expect(bugbash(cwd, ['author', 'validate', 'refund-ledger', '--runs', '1'], { BUGBASH_SETS: root }).code).toBe(0);
    expect(bugbash(cwd, ['start', 'refund-ledger'], { BUGBASH_SETS: root }).code).toBe(0);
  });
});

describe('usage errors and the workspace', () => {
  it('an unknown exercise is a usage error with exit 2 and a pointer to list', () => {
    const result = bugbash(tempDir(), ['start', 'tiny-walet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no exercise "tiny-walet"');
    expect(result.stderr).toContain('bugbash list');
  });

  it('--workspace and BUGBASH_WORKSPACE choose where files go', () => {
    const cwd = tempDir();
    expect(bugbash(cwd, ['--workspace', 'elsewhere', 'start', 'tiny-wallet']).code).toBe(0);
    expect(existsSync(path.join(cwd, 'elsewhere', 'tiny-wallet', 'wallet.ts'))).toBe(true);
    expect(bugbash(cwd, ['start', 'tiny-wallet'], { BUGBASH_WORKSPACE: 'from-env' }).code).toBe(0);
    expect(existsSync(path.join(cwd, 'from-env', 'tiny-wallet', 'wallet.ts'))).toBe(true);
  });

  it('interview mode starts the clock and check shows the time left', () => {
    const cwd = tempDir();
    const start = bugbash(cwd, ['start', 'tiny-wallet', '--interview']);
    expect(start.stdout).toContain('interview mode: the clock is running');
    const check = bugbash(cwd, ['check']);
    expect(check.stdout).toMatch(/Interview clock: (9m \d\ds|10m 00s) left\./);
  });

  it('a corrupt progress file is reported and kept aside; the exercise files survive', () => {
    const cwd = tempDir();
    bugbash(cwd, ['start', 'tiny-wallet']);
    const progress = path.join(cwd, 'bugbash', '.bugbash', 'progress.json');
    writeFileSync(progress, '{"version": 1, "exerc');
    const result = bugbash(cwd, ['progress']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('could not be read');
    const kept = readdirSync(path.dirname(progress)).filter((name) => name.startsWith('progress.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(path.join(path.dirname(progress), kept[0]!), 'utf8')).toBe('{"version": 1, "exerc');
    expect(existsSync(path.join(cwd, 'bugbash', 'tiny-wallet', 'wallet.ts'))).toBe(true);
  });

  it('without a terminal and without arguments, bugbash prints help and does not prompt', () => {
    const result = bugbash(tempDir(), []);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: bugbash');
    expect(result.stdout).toContain('Examples:');
  });

  it('every command has --help with an example', () => {
    for (const command of ['list', 'start', 'check', 'watch', 'hint', 'diff', 'solution', 'reset', 'progress']) {
      const result = bugbash(tempDir(), [command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toContain('Example');
    }
  });
});
