import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawFor, plantedFiles } from '../src/catalog/pool.js';
import { bugbash, tempDir } from './support/cli.js';
import { FIXTURES, fixtureExercise } from './support/fixtures.js';

const POOLED_SET = path.join(FIXTURES, 'sets', 'pooled');
const env = { BUGBASH_SETS: POOLED_SET };
const exercise = () => fixtureExercise('tiny-ledger', POOLED_SET);
const progressOf = (cwd: string) => JSON.parse(readFileSync(path.join(cwd, 'bugbash', '.bugbash', 'progress.json'), 'utf8')).exercises['tiny-ledger'];
const served = (cwd: string) => readFileSync(path.join(cwd, 'bugbash', 'tiny-ledger', 'ledger.ts'), 'utf8');

describe('a pooled exercise, end to end through the built binary', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = tempDir();
  });

  it('list says how many bugs an attempt plants and how many are in the pool; other exercises have both equal to their bugs', () => {
    const result = bugbash(cwd, ['list', '--json'], env);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout).exercises as { id: string; bugs: number; planted: number; pool: number }[];
    expect(rows.find((row) => row.id === 'tiny-ledger')).toMatchObject({ bugs: 2, planted: 2, pool: 4 });
    // An exercise without a pool plants all its bugs (rate-limiter); a pooled one plants fewer than its pool.
    expect(rows.find((row) => row.id === 'rate-limiter')).toMatchObject({ planted: 6, pool: 6, bugs: 6 });
    for (const row of rows) expect(row.planted === row.bugs && row.pool >= row.planted).toBe(true);
    expect(bugbash(cwd, ['list'], env).stdout).toMatch(/tiny-ledger\s+easy\s+2 of 4\s+not started/);
  });

  it('start --seed N plants the bugs N draws, records the draw and says how to replay it', () => {
    const result = bugbash(cwd, ['start', 'tiny-ledger', '--seed', '7'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 bugs are hidden in this code.');
    expect(result.stdout).toContain('drawn from a pool of 4 with seed 7: `bugbash start tiny-ledger --seed 7`');
    expect(progressOf(cwd).draw).toEqual({ seed: 7, planted: ['negative-amount', 'whole-balance'] });
    expect(served(cwd)).toBe(plantedFiles(exercise(), ['negative-amount', 'whole-balance']).get('ledger.ts'));
    // The same seed in another workspace is the same attempt.
    const other = tempDir();
    expect(bugbash(other, ['start', 'tiny-ledger', '--seed', '7'], env).code).toBe(0);
    expect(served(other)).toBe(served(cwd));
    expect(bugbash(other, ['start', 'tiny-ledger', '--seed', 'x1'], env).stderr).toContain('a seed is a whole number');
  });

  it('check grades the drawn bugs only, numbered over them; a learner who fixes them has solved the attempt', () => {
    const result = bugbash(cwd, ['check', '--json'], env);
    expect(result.code).toBe(1);
    const verdict = JSON.parse(result.stdout);
    expect(verdict.bugs.map((bug: { id: string; status: string }) => [bug.id, bug.status])).toEqual([
      ['negative-amount', 'present'],
      ['whole-balance', 'present'],
    ]);
    expect(verdict.regressions).toEqual([]);
    expect(JSON.stringify(verdict)).not.toMatch(/currency|limit/);

    // Hints are numbered over the drawn bugs (the last check is reused: nothing changed since).
    const hint = bugbash(cwd, ['hint', '--bug', '2', '--json'], env);
    expect(JSON.parse(hint.stdout)).toMatchObject({ bug: 2, category: 'off-by-one', hints: ['Try to empty an account.'] });
    const beyond = bugbash(cwd, ['hint', '--bug', '3'], env);
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toContain('--bug takes a bug number from 1 to 2');
    expect(JSON.parse(bugbash(cwd, ['progress', '--json'], env).stdout).exercises.find((row: { id: string }) => row.id === 'tiny-ledger')).toMatchObject({ bugs: 2, pool: 4, seed: 7, fixed: 0 });

    cpSync(path.join(POOLED_SET, 'solutions', 'tiny-ledger', 'ledger.ts'), path.join(cwd, 'bugbash', 'tiny-ledger', 'ledger.ts'));
    const fixed = bugbash(cwd, ['check'], env);
    expect(fixed.stdout).toContain('Solved: all 2 bugs fixed, nothing broken.');
    expect(fixed.code).toBe(0);
    const solution = bugbash(cwd, ['solution'], env);
    expect(solution.stdout).toContain('1. A negative or zero amount is accepted');
    expect(solution.stdout).toContain('2. Withdrawing the whole balance is refused');
    expect(solution.stdout).not.toContain('3.');
  });

  it('an undrawn bug\'s code broken by the learner is a regression: its tests guard this attempt', () => {
    const undrawn = exercise().manifest.bugs.map((bug) => bug.id).filter((id) => !['negative-amount', 'whole-balance'].includes(id));
    const file = path.join(cwd, 'bugbash', 'tiny-ledger', 'ledger.ts');
    const solved = readFileSync(file, 'utf8');
    writeFileSync(file, plantedFiles(exercise(), [undrawn[0]!]).get('ledger.ts')!);
    const broken = JSON.parse(bugbash(cwd, ['check', '--json'], env).stdout);
    expect(broken.bugs.map((bug: { id: string; status: string }) => [bug.id, bug.status])).toEqual([
      ['negative-amount', 'fixed'],
      ['whole-balance', 'fixed'],
    ]);
    expect(broken.solved).toBe(false);
    expect(broken.regressions.length).toBeGreaterThan(0);
    writeFileSync(file, solved);
  });

  it('reset keeps the draw; reset --redraw draws from a new seed, says which, and starts a fresh attempt', () => {
    const kept = bugbash(cwd, ['reset', '--yes'], env);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('The same 2 of 4 bugs as before (seed 7)');
    expect(progressOf(cwd).draw).toEqual({ seed: 7, planted: ['negative-amount', 'whole-balance'] });
    expect(served(cwd)).toBe(plantedFiles(exercise(), ['negative-amount', 'whole-balance']).get('ledger.ts'));

    const startedAt = progressOf(cwd).startedAt;
    const redrawn = bugbash(cwd, ['reset', '--yes', '--redraw'], env);
    expect(redrawn.code).toBe(0);
    const draw = progressOf(cwd).draw;
    expect(redrawn.stdout).toContain(`New draw: 2 of the 4 bugs, seed ${draw.seed} (\`bugbash start tiny-ledger --seed ${draw.seed}\` replays it)`);
    expect(redrawn.stdout).toContain('A fresh attempt: the clock starts now.');
    expect(draw).toEqual(drawFor(exercise(), draw.seed));
    expect(progressOf(cwd).startedAt).not.toBe(startedAt);
    expect(served(cwd)).toBe(plantedFiles(exercise(), draw.planted).get('ledger.ts'));
  });

  it('start without --seed picks a seed and records it; a blind round counts only the drawn bugs', () => {
    const fresh = tempDir();
    const result = bugbash(fresh, ['start', 'tiny-ledger', '--blind'], env);
    expect(result.code).toBe(0);
    const draw = progressOf(fresh).draw;
    expect(Number.isSafeInteger(draw.seed)).toBe(true);
    expect(result.stdout).toContain(`with seed ${draw.seed}`);
    expect(draw).toEqual(drawFor(exercise(), draw.seed));
    expect(served(fresh)).toBe(plantedFiles(exercise(), draw.planted).get('ledger.ts'));
    const redraw = bugbash(fresh, ['reset', '--yes', '--redraw'], env);
    expect(redraw.code).toBe(2);
    expect(redraw.stderr).toContain('its bugs cannot be redrawn until it ends');
    const check = JSON.parse(bugbash(fresh, ['check', '--json'], env).stdout);
    expect(check).toMatchObject({ blind: true, bugs: { total: 2, remaining: 2 }, regressions: [] });
  });
});
