import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, bugbash, tempDir } from '../support/cli.js';
import { BASIC_SET, fixtureExercise, learnerFixture } from '../support/fixtures.js';

const exercise = fixtureExercise();
const dirs: string[] = [];
function workspace(): string {
  const dir = tempDir('bugbash-interview-');
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  const result = bugbash(workspace(), ['author', 'validate', 'tiny-wallet', '--runs', '1']);
  if (result.code !== 0) throw new Error(`the fixture set does not validate:\n${result.stdout}${result.stderr}`);
});

/** Everything a blind report must not say before the round ends. */
function expectNothingRevealed(text: string): void {
  for (const bug of exercise.bugs) {
    expect(text).not.toContain(bug.title);
    expect(text).not.toContain(bug.id);
    expect(text).not.toContain(`(${bug.category})`);
  }
  for (const test of ['a negative amount is rejected', 'two concurrent withdrawals never overdraw', 'what happened, in order', 'both succeeded']) expect(text).not.toContain(test);
}

const progressOf = (cwd: string) => JSON.parse(readFileSync(path.join(cwd, 'bugbash', '.bugbash', 'progress.json'), 'utf8'));
const walletFile = (cwd: string) => path.join(cwd, 'bugbash', 'tiny-wallet', 'wallet.ts');
const fixValidation = (cwd: string) =>
  writeFileSync(walletFile(cwd), readFileSync(walletFile(cwd), 'utf8').replace('if (!Number.isInteger(amount)) {', 'if (!Number.isInteger(amount) || amount <= 0) {'));

describe('a blind round, end to end through the built binary', () => {
  it('check and check --json say how many bugs remain and nothing about which', () => {
    const cwd = workspace();
    expect(bugbash(cwd, ['start', 'tiny-wallet', '--blind']).stdout).toContain('Blind round:');
    const text = bugbash(cwd, ['check']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('2 of 2 bugs remain.');
    expect(text.stdout).not.toContain('Interview clock');
    expectNothingRevealed(text.stdout);

    fixValidation(cwd);
    const json = bugbash(cwd, ['check', '--json']);
    expect(json.code).toBe(1);
    const view = JSON.parse(json.stdout);
    expect(view).toEqual({ exercise: 'tiny-wallet', blind: true, solved: false, graded: true, bugs: { total: 2, remaining: 1 }, regressions: [], problems: [] });
    expectNothingRevealed(json.stdout);
  });

  it('a type error is shown with file:line:col; broken working behaviour is named by the behaviour', () => {
    const cwd = workspace();
    bugbash(cwd, ['start', 'tiny-wallet', '--blind']);
    copyFileSync(path.join(learnerFixture('type-error'), 'wallet.ts'), walletFile(cwd));
    const typeError = bugbash(cwd, ['check']);
    expect(typeError.stdout).toMatch(/wallet\.ts:\d+:\d+ {2}Type 'string' is not assignable/);
    expectNothingRevealed(typeError.stdout);

    copyFileSync(path.join(learnerFixture('breaks-guard'), 'wallet.ts'), walletFile(cwd));
    const broken = bugbash(cwd, ['check']);
    expect(broken.stdout).toContain('! you broke working behaviour: a withdrawal within the balance succeeds');
    expect(broken.stdout).toContain('0 of 2 bugs remain, 1 regression.');
    expectNothingRevealed(broken.stdout);
  });

  it('mark validates its input, marks lists and removes, and marking needs a round', () => {
    const practice = workspace();
    bugbash(practice, ['start', 'tiny-wallet']);
    const noRound = bugbash(practice, ['mark', '--file', 'wallet.ts', '--line', '18', '--category', 'validation', '--why', 'negatives pass']);
    expect(noRound.code).toBe(2);
    expect(noRound.stderr).toContain('needs a running interview');

    const cwd = workspace();
    bugbash(cwd, ['start', 'tiny-wallet', '--blind']);
    const missing = bugbash(cwd, ['mark', '--file', 'wallet.ts']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('mark needs --line, --category, --why');
    expect(bugbash(cwd, ['mark', '--file', 'nope.ts', '--line', '1', '--category', 'race', '--why', 'xyz']).stderr).toContain('mark one of wallet.ts');
    expect(bugbash(cwd, ['mark', '--file', 'wallet.ts', '--line', '999', '--category', 'race', '--why', 'xyz']).stderr).toContain('from 1 to 35 (the file has 35 lines)');
    expect(bugbash(cwd, ['mark', '--file', 'wallet.ts', '--line', '3', '--category', 'bad', '--why', 'xyz']).stderr).toContain('use one of: race,');
    expect(bugbash(cwd, ['mark', '--file', 'wallet.ts', '--line', '18', '--category', 'validation', '--why', 'negative amounts pass']).code).toBe(0);
    expect(bugbash(cwd, ['mark', '--file', 'bugbash/tiny-wallet/wallet.ts', '--line', '3', '--to', '4', '--category', 'money', '--why', 'a guess']).code).toBe(0);
    const listed = JSON.parse(bugbash(cwd, ['marks', '--json']).stdout);
    expect(listed.marks.map((m: { number: number; file: string; line: number; to: number }) => [m.number, m.file, m.line, m.to])).toEqual([
      [1, 'wallet.ts', 18, 18],
      [2, 'wallet.ts', 3, 4],
    ]);
    expect(bugbash(cwd, ['mark', '--remove', '2']).stdout).toContain('Removed mark 2');
    expect(bugbash(cwd, ['marks']).stdout).not.toContain('a guess');
    expect(bugbash(cwd, ['mark', '--remove', '7']).stderr).toContain('your marks are 1');
  });

  it('a hint in a round says its cost first, needs --yes without a terminal, and does not name the bug', () => {
    const cwd = workspace();
    bugbash(cwd, ['start', 'tiny-wallet', '--interview']);
    const asked = bugbash(cwd, ['hint']);
    expect(asked.code).toBe(2);
    expect(asked.stdout).toContain('costs 3 points');
    expect(asked.stderr).toContain('pass --yes');
    expect(progressOf(cwd).exercises['tiny-wallet'].round.hints).toBe(0);
    expect(bugbash(cwd, ['hint', '--bug', '1']).stderr).toContain('not numbered during a blind round');

    const shown = bugbash(cwd, ['hint', '--yes']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('A hint for one of the 2 bugs you have not fixed yet');
    expect(exercise.bugs.some((bug) => shown.stdout.includes(bug.hints[0]!))).toBe(true);
    expectNothingRevealed(shown.stdout);
    expect(progressOf(cwd).exercises['tiny-wallet'].round.hints).toBe(1);
  });

  it('in practice, hint --bug N gives bug N as numbered in the report', () => {
    const cwd = workspace();
    bugbash(cwd, ['start', 'tiny-wallet']);
    const result = bugbash(cwd, ['hint', '--bug', '2']);
    expect(result.stdout).toContain('Bug 2 of 2 (validation): hint 1 of 1');
    expect(result.stdout).toContain(exercise.bugs[1]!.hints[0]);
    expect(bugbash(cwd, ['hint', '--bug', '3']).stderr).toContain('from 1 to 2');
  });

  it('the first check after time is up ends the interview with a scorecard; then check gives the full report and progress lists it', () => {
    const cwd = workspace();
    bugbash(cwd, ['start', 'tiny-wallet', '--interview']);
    bugbash(cwd, ['mark', '--file', 'wallet.ts', '--line', '18', '--category', 'validation', '--why', 'negative amounts pass']);
    fixValidation(cwd);
    // The clock is read from progress: move the start 11 minutes back, as if the time had passed.
    const file = path.join(cwd, 'bugbash', '.bugbash', 'progress.json');
    const data = progressOf(cwd);
    const past = new Date(Date.now() - 11 * 60_000).toISOString();
    data.exercises['tiny-wallet'].startedAt = past;
    data.exercises['tiny-wallet'].round.startedAt = past;
    data.exercises['tiny-wallet'].interview.startedAt = past;
    writeFileSync(file, JSON.stringify(data));

    expect(bugbash(cwd, ['mark', '--file', 'wallet.ts', '--line', '21', '--category', 'race', '--why', 'too late']).stderr).toContain('time is up: no more marks');
    const ending = JSON.parse(bugbash(cwd, ['check', '--json']).stdout);
    expect(ending, JSON.stringify(ending)).toMatchObject({ blind: true, ended: 'time-up', bugs: { total: 2, remaining: 1 } });
    expect(ending.scorecard).toMatchObject({ endedBy: 'time-up', found: 1, fixed: 1, foundAndFixed: 1, categoryRight: 1, falseAlarms: 0, regressions: 0, hintsUsed: 0, checks: 1 });
    // The keys README documents for finish --json and progress --json scorecards.
    expect(Object.keys(ending.scorecard).sort()).toEqual(
      ['exercise', 'mode', 'endedBy', 'startedAt', 'finishedAt', 'total', 'found', 'fixed', 'foundAndFixed', 'categoryRight', 'falseAlarms', 'regressions', 'problems', 'hintsUsed', 'checks', 'watchRuns', 'seconds', 'limitSeconds', 'overSeconds', 'score', 'points', 'marks', 'bugs'].sort(),
    );
    expect(Object.keys(ending.scorecard.points).sort()).toEqual(['explanations', 'falseAlarms', 'fixed', 'found', 'hints', 'noRegressions', 'overTime']);
    expect(ending.scorecard.overSeconds).toBeGreaterThanOrEqual(60);
    expect(ending.scorecard.overSeconds).toBeLessThan(120);

    const after = JSON.parse(bugbash(cwd, ['check', '--json']).stdout);
    expect(after.bugs.map((bug: { id: string; status: string }) => [bug.id, bug.status])).toEqual([
      ['overdraw-race', 'present'],
      ['negative-amount', 'fixed'],
    ]);
    expect(bugbash(cwd, ['check']).stdout).toContain('what happened, in order:');
    expect(bugbash(cwd, ['finish']).stderr).toContain('Your last round has ended');

    const progress = JSON.parse(bugbash(cwd, ['progress', '--json']).stdout);
    const row = progress.exercises.find((r: { id: string }) => r.id === 'tiny-wallet');
    expect(row.scorecards).toHaveLength(1);
    expect(row.scorecards[0]).toMatchObject({ endedBy: 'time-up', score: ending.scorecard.score });
    expect(row.checks).toBe(3);
    expect(bugbash(cwd, ['progress']).stdout).toMatch(/Scorecards:\ntiny-wallet\n {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}interview {2}score +\d+ {2}found 1\/2 {2}fixed 1\/2/);
  });

  it('giving up with solution ends the round with a scorecard before showing the reference', () => {
    const cwd = workspace();
    bugbash(cwd, ['start', 'tiny-wallet', '--blind']);
    const result = bugbash(cwd, ['solution', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Scorecard: tiny-wallet (blind, you gave up)');
    expect(result.stdout.indexOf('Scorecard')).toBeLessThan(result.stdout.indexOf('The bugs, and why they matter'));
    expect(progressOf(cwd).exercises['tiny-wallet'].round).toBeUndefined();
    expect(progressOf(cwd).exercises['tiny-wallet'].scorecards[0]).toMatchObject({ endedBy: 'gave-up', score: 0, points: { noRegressions: 0 } });
  });

  it('watch in a round is blind too, and its runs are counted as watch re-runs, not checks', async () => {
    const cwd = workspace();
    bugbash(cwd, ['start', 'tiny-wallet', '--blind']);
    const child = spawn(process.execPath, [BIN, 'watch', 'tiny-wallet'], { cwd, env: { ...process.env, NO_COLOR: '1', BUGBASH_SETS: BASIC_SET, BUGBASH_WORKSPACE: '' } });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const runs = () => output.split('checked in').length - 1;
      const waitForRuns = async (count: number) => {
        const deadline = Date.now() + 90_000;
        while (runs() < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        expect(runs(), output).toBeGreaterThanOrEqual(count);
      };
      await waitForRuns(1);
      // A mark made in another terminal while watch runs survives watch's next save.
      expect(bugbash(cwd, ['mark', '--file', 'wallet.ts', '--line', '18', '--category', 'validation', '--why', 'negatives pass']).code).toBe(0);
      child.stdin.write('r\n');
      await waitForRuns(2);
      child.stdin.write('q\n');
      expect(await new Promise<number | null>((resolve) => child.on('exit', resolve))).toBe(0);
      expect(output).toContain('2 of 2 bugs remain.');
      expectNothingRevealed(output);
    } finally {
      child.kill();
    }
    const entry = progressOf(cwd).exercises['tiny-wallet'];
    expect(entry).toMatchObject({ checks: 0, watchRuns: 2, round: { checks: 0, watchRuns: 2 } });
    expect(entry.round.marks).toHaveLength(1);
  });

  it('mark, marks and finish have --help with an example', () => {
    for (const command of ['mark', 'marks', 'finish']) {
      const result = bugbash(workspace(), [command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toContain('Example');
    }
  });
});
