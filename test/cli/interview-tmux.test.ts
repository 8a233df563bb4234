import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, bugbash, tempDir } from '../support/cli.js';
import { BASIC_SET, fixtureExercise } from '../support/fixtures.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const session = `bugbash-interview-${process.pid}`;
const exercise = fixtureExercise();
let cwd: string;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** The whole pane, scrollback included. */
function screen(): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session);
}

/** Polls the pane until `pattern` shows up (bounded), the way a user waits for the screen. */
async function waitFor(pattern: RegExp | string, limitMs = 60_000): Promise<string> {
  const deadline = Date.now() + limitMs;
  let text = '';
  while (Date.now() < deadline) {
    text = screen();
    if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${String(pattern)} never appeared; the screen was:\n${text}`);
}

/** Empties the screen and scrollback at once (tmux resets the pane; no shell round trip to wait for). */
function clearPane(): void {
  tmux('send-keys', '-t', session, '-R');
  tmux('clear-history', '-t', session);
}

let step = 0;
/** Types a command at the shell prompt on a clean screen and waits for it to end; returns what it printed and its exit code. */
async function type(command: string): Promise<{ output: string; code: number }> {
  step += 1;
  clearPane();
  tmux('send-keys', '-t', session, '-l', `${command}; echo "step${step}=$?"`);
  tmux('send-keys', '-t', session, 'Enter');
  return finished();
}

async function finished(): Promise<{ output: string; code: number }> {
  const text = await waitFor(new RegExp(`^step${step}=\\d+`, 'm'));
  const code = Number(new RegExp(`^step${step}=(\\d+)`, 'm').exec(text)![1]);
  return { output: text, code };
}

function expectNothingRevealed(text: string): void {
  for (const bug of exercise.bugs) {
    expect(text).not.toContain(bug.title);
    expect(text).not.toContain(bug.id);
  }
  for (const test of ['a negative amount is rejected', 'two concurrent withdrawals never overdraw', 'what happened, in order']) expect(text).not.toContain(test);
}

describe.runIf(hasTmux)('an interview in a real terminal', () => {
  beforeAll(() => {
    cwd = tempDir('bugbash-tmux-');
    const validated = bugbash(cwd, ['author', 'validate', 'tiny-wallet', '--runs', '1']);
    if (validated.code !== 0) throw new Error(`the fixture set does not validate:\n${validated.stdout}${validated.stderr}`);
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', '-c', cwd, '-e', `BUGBASH_SETS=${BASIC_SET}`, '-e', 'NO_COLOR=1', '-e', 'BUGBASH_WORKSPACE=', '-e', 'PS1=$ ', 'bash --norc --noprofile');
    tmux('set-option', '-t', session, 'history-limit', '5000');
  });

  afterAll(() => {
    spawnSync('tmux', ['kill-session', '-t', session]);
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('start --interview, a blind check, two marks (one by prompts), one fix, finish: the scorecard adds up', async () => {
    const bin = `${process.execPath} ${BIN}`;
    const start = await type(`${bin} start tiny-wallet --interview`);
    expect(start.code).toBe(0);
    expect(start.output).toContain('interview mode: the clock is running');

    const check = await type(`${bin} check`);
    expect(check.code).toBe(1);
    expect(check.output).toContain('2 of 2 bugs remain.');
    expect(check.output).toMatch(/Interview clock: (9m \d\ds|10m 00s) left\./);
    expectNothingRevealed(check.output);

    // A mark by prompts, as a learner at a terminal makes it (the exercise has one file, so no file question).
    step += 1;
    clearPane();
    tmux('send-keys', '-t', session, '-l', `${bin} mark; echo "step${step}=$?"`);
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor('Line in wallet.ts');
    tmux('send-keys', '-t', session, '-l', '18');
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor('Category?');
    // race, idempotency, money, rounding, validation: four steps down.
    for (let i = 0; i < 4; i++) tmux('send-keys', '-t', session, 'Down');
    await waitFor(/❯ validation/);
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor('Why is it a bug?');
    tmux('send-keys', '-t', session, '-l', 'a negative amount passes the integer check and credits the wallet');
    tmux('send-keys', '-t', session, 'Enter');
    const prompted = await finished();
    expect(prompted.code).toBe(0);
    expect(prompted.output).toContain('Marked wallet.ts:18 as mark 1 (validation)');

    const flagged = await type(`${bin} mark --file wallet.ts --line 21 --to 22 --category race --why "balance read, checked and written across awaits"`);
    expect(flagged.code).toBe(0);
    expect(flagged.output).toContain('as mark 2 (race)');

    // Ctrl-C at a prompt: exit 130, no stack trace, and the marks already made are intact.
    step += 1;
    clearPane();
    tmux('send-keys', '-t', session, '-l', `${bin} mark; echo "step${step}=$?"`);
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor('Line in wallet.ts');
    tmux('send-keys', '-t', session, 'C-c');
    const cancelled = await finished();
    expect(cancelled.code).toBe(130);
    expect(cancelled.output).not.toMatch(/at .*\.js:\d+/);
    expect(JSON.parse(readFileSync(path.join(cwd, 'bugbash', '.bugbash', 'progress.json'), 'utf8')).exercises['tiny-wallet'].round.marks).toHaveLength(2);

    const marks = await type(`${bin} marks`);
    expect(marks.output).toMatch(/1\. wallet\.ts:18 {2}\(validation\)/);
    expect(marks.output).toMatch(/2\. wallet\.ts:21-22 {2}\(race\)/);

    // Fix the validation bug, the way an editor would save it.
    const fix = await type(`sed -i 's/if (!Number.isInteger(amount)) {/if (!Number.isInteger(amount) || amount <= 0) {/' bugbash/tiny-wallet/wallet.ts`);
    expect(fix.code).toBe(0);
    const recheck = await type(`${bin} check`);
    expect(recheck.output).toContain('1 of 2 bugs remain.');
    expectNothingRevealed(recheck.output);

    const finish = await type(`${bin} finish`);
    expect(finish.code).toBe(0);
    expect(finish.output).toContain('Scorecard: tiny-wallet (interview, finished)');
    expect(finish.output).toMatch(/bugs found \(marked\) +2 of 2 +\+30/);
    expect(finish.output).toMatch(/bugs fixed +1 of 2 +\+20/);
    expect(finish.output).toMatch(/found and fixed +1 of 2/);
    expect(finish.output).toMatch(/category right +2 of 2 +\+15/);
    expect(finish.output).toMatch(/regressions left +0 +\+15/);
    expect(finish.output).toMatch(/false alarms +0/);
    expect(finish.output).toMatch(/hints used +0/);
    expect(finish.output).toMatch(/checks run +2/);
    expect(finish.output).toContain('Score: 80 / 100');
    // Now the bugs are named, with their explanations to compare against the marks.
    expect(finish.output).toContain(`1. ${exercise.bugs[0]!.title} (race)  not fixed, found`);
    expect(finish.output).toContain(`2. ${exercise.bugs[1]!.title} (validation)  fixed, found`);

    const saved = JSON.parse(readFileSync(path.join(cwd, 'bugbash', '.bugbash', 'progress.json'), 'utf8')).exercises['tiny-wallet'];
    expect(saved.round).toBeUndefined();
    expect(saved.scorecards).toHaveLength(1);
    expect(saved.scorecards[0]).toMatchObject({ found: 2, fixed: 1, foundAndFixed: 1, categoryRight: 2, falseAlarms: 0, regressions: 0, hintsUsed: 0, checks: 2, overSeconds: 0, score: 80 });
    expect(saved.scorecards[0].marks.map((m: { number: number; bug: number; found: boolean }) => [m.number, m.bug, m.found])).toEqual([
      [1, 2, true],
      [2, 1, true],
    ]);

    // After the round, check is the full practice report again.
    const full = await type(`${bin} check`);
    expect(full.output).toContain('✘ bug 1 of 2  still present  (race)');
  });
});
