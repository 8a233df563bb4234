import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binomial, combinations, setsToProve } from '../src/authoring/compose.js';
import { exerciseHunks, loadCatalog, loadExercise } from '../src/catalog/catalog.js';
import { serve } from '../src/catalog/markers.js';
import { drawBugs, drawFor, plantedExercise, plantedFiles, recordedDraw } from '../src/catalog/pool.js';
import { servedFiles } from '../src/grading/implementation.js';
import { appliedRanges, hunkRanges, plantedRanges } from '../src/interview/planted.js';
import { scoreMarks } from '../src/interview/scorecard.js';
import { Workspace } from '../src/workspace/workspace.js';
import { tempDir } from './support/cli.js';
import { FIXTURES, fixtureExercise } from './support/fixtures.js';

export const POOLED_SET = path.join(FIXTURES, 'sets', 'pooled');
const pooled = () => fixtureExercise('tiny-ledger', POOLED_SET);
const POOL = ['negative-amount', 'whole-balance', 'currency-mismatch', 'amount-limit'];

describe('the draw of a pooled exercise', () => {
  it('is a pure function of exercise id and seed: pinned values, the same on every machine', () => {
    expect(drawBugs('tiny-ledger', POOL, 2, 7)).toEqual(['negative-amount', 'whole-balance']);
    expect(drawFor(pooled(), 7)).toEqual({ seed: 7, planted: ['negative-amount', 'whole-balance'] });
    expect(drawBugs('tiny-ledger', POOL, 2, 7)).toEqual(drawBugs('tiny-ledger', [...POOL], 2, 7));
    // Another exercise with the same bug ids draws independently.
    const elsewhere = Array.from({ length: 20 }, (_, seed) => drawBugs('other-exercise', POOL, 2, seed).join());
    const here = Array.from({ length: 20 }, (_, seed) => drawBugs('tiny-ledger', POOL, 2, seed).join());
    expect(elsewhere).not.toEqual(here);
  });

  it('plants exactly "plant" distinct bugs of the pool, in manifest order, and every set of them is drawn by some seed', () => {
    const seen = new Map<string, number>();
    for (let seed = 0; seed < 600; seed++) {
      const draw = drawBugs('tiny-ledger', POOL, 2, seed);
      expect(draw).toHaveLength(2);
      expect(draw).toEqual(POOL.filter((bug) => draw.includes(bug)));
      seen.set(draw.join('+'), (seen.get(draw.join('+')) ?? 0) + 1);
    }
    expect(seen.size).toBe(binomial(4, 2));
    // Roughly uniform: each of the 6 sets about 100 times in 600 draws.
    for (const count of seen.values()) expect(count).toBeGreaterThan(60);
  });

  it('a draw read back from progress is kept when it is still a draw of the pool, else redrawn from its seed, else none', () => {
    const exercise = pooled();
    expect(recordedDraw(exercise, { seed: 3, planted: ['amount-limit', 'negative-amount'] })).toEqual({ seed: 3, planted: ['negative-amount', 'amount-limit'] });
    expect(recordedDraw(exercise, { seed: 7, planted: ['gone-bug', 'negative-amount'] })).toEqual(drawFor(exercise, 7));
    expect(recordedDraw(exercise, { seed: 7, planted: 'nonsense' })).toEqual(drawFor(exercise, 7));
    expect(recordedDraw(exercise, { seed: -1, planted: ['negative-amount', 'whole-balance'] })).toBeUndefined();
    expect(recordedDraw(exercise, undefined)).toBeUndefined();
    expect(recordedDraw(fixtureExercise(), { seed: 7, planted: ['overdraw-race'] })).toBeUndefined();
  });
});

describe('the "plant" field of exercise.json', () => {
  function withPlant(plant: unknown): string[] {
    const root = tempDir('bugbash-pool-');
    cpSync(POOLED_SET, root, { recursive: true });
    const manifestPath = path.join(root, 'exercises', 'tiny-ledger', 'exercise.json');
    writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), plant }));
    try {
      loadExercise({ root, bundled: false }, 'tiny-ledger');
      return [];
    } catch (error) {
      return (error as Error).message.split('\n');
    }
  }

  it('must be at least 1 and fewer than the bugs declared; the error names the file and the field', () => {
    const file = path.join('exercises', 'tiny-ledger', 'exercise.json');
    expect(withPlant(2)).toEqual([]);
    expect(withPlant(4)).toEqual([expect.stringMatching(new RegExp(`${file.replace(/\./g, '\\.')}: plant: is 4 but the pool has 4 bugs: a pool plants fewer bugs than it declares`))]);
    expect(withPlant(9)[0]).toContain(`${file}: plant: is 9 but the pool has 4 bugs`);
    expect(withPlant(0)[0]).toContain(`${file}: plant: must plant at least 1 bug per attempt`);
    expect(withPlant(1.5)[0]).toContain(`${file}: plant: must be a whole number of bugs to plant per attempt`);
    expect(withPlant('2')[0]).toContain(`${file}: plant: must be a whole number of bugs to plant per attempt`);
  });

  it('a non-pooled exercise is unchanged: every bug planted, the starter served as it is, no draw', () => {
    const exercise = fixtureExercise();
    const workspace = new Workspace(tempDir());
    const { exercise: attempt } = workspace.start(exercise);
    expect(attempt).toBe(exercise);
    expect(workspace.progress.exercise(exercise.id)!.draw).toBeUndefined();
    expect(readFileSync(path.join(workspace.root, exercise.id, 'wallet.ts'), 'utf8')).toBe(serve(readFileSync(path.join(exercise.starterDir, 'wallet.ts'), 'utf8')));
    expect(() => workspace.reset(exercise, 'stamp', { redraw: true })).toThrow('nothing to redraw');
    expect(() => new Workspace(tempDir()).start(exercise, { seed: 3 })).toThrow('--seed only chooses the bugs of a pooled exercise');
  });
});

describe('an attempt of a pooled exercise', () => {
  it('is served the reference with the drawn bugs\' hunks only; with every bug drawn that is the whole starter', () => {
    const exercise = pooled();
    const attempt = plantedExercise(exercise, drawFor(exercise, 7));
    expect(attempt.bugs.map((bug) => bug.id)).toEqual(['negative-amount', 'whole-balance']);
    expect(attempt.manifest.bugs).toHaveLength(4);
    const served = servedFiles(attempt).get('ledger.ts')!;
    expect(served).toContain('if (account.balance <= amount) {');
    expect(served).toContain('  if (!Number.isInteger(amount)) {');
    // The undrawn bugs' code is the reference's.
    expect(served).toContain("throw new LedgerError('currency_mismatch'");
    expect(served).toContain('if (amount > MAX_AMOUNT) {');
    expect(served).not.toContain('@bug');
    expect(plantedFiles(exercise, POOL).get('ledger.ts')).toBe(serve(readFileSync(path.join(exercise.starterDir, 'ledger.ts'), 'utf8')));
  });

  it('marks are scored against the drawn hunks where they are served: a mark on an undrawn bug\'s lines is a false alarm', () => {
    const exercise = pooled();
    const attempt = plantedExercise(exercise, { seed: 0, planted: ['whole-balance', 'amount-limit'] });
    const lines = servedFiles(attempt).get('ledger.ts')!.split('\n');
    const ranges = plantedRanges(attempt);
    expect(ranges.map((range) => range.bug)).toEqual(['whole-balance', 'amount-limit']);
    for (const range of ranges) expect(lines[range.start - 1]).toMatch(range.bug === 'whole-balance' ? /account\.balance <= amount/ : /amount >= MAX_AMOUNT/);
    const currencyLine = lines.findIndex((line) => line.includes('from.currency !== to.currency')) + 1;
    const mark = (line: number) => ({ file: 'ledger.ts', line, to: line, served: { line, to: line }, category: 'off-by-one' as const, why: 'x', at: '2026-01-01T00:00:00Z' });
    const scored = scoreMarks(attempt, [mark(ranges[0]!.start), mark(currencyLine), mark(ranges[1]!.start)], ranges);
    expect(scored.map((m) => [m.found, m.bugId])).toEqual([[true, 'whole-balance'], [false, undefined], [true, 'amount-limit']]);
  });

  it('served line ranges of applied hunks agree with the starter\'s marker ranges when every bug is planted', () => {
    for (const exercise of [pooled(), ...loadCatalog().exercises]) {
      const { hunks } = exerciseHunks(exercise);
      const fromStarter = exercise.manifest.files.flatMap((file) => hunkRanges(readFileSync(path.join(exercise.starterDir, file), 'utf8'), hunks.filter((hunk) => hunk.file === file)));
      const sortKey = (r: { file: string; start: number }) => `${r.file}\0${String(r.start).padStart(6, '0')}`;
      expect([...appliedRanges(hunks)].sort((a, b) => sortKey(a).localeCompare(sortKey(b))), exercise.id).toEqual([...fromStarter].sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
    }
  });
});

describe('the draw in the workspace', () => {
  it('start draws from the seed source, reset keeps the draw, reset --redraw takes a new seed and restarts the clock; a round refuses a redraw', () => {
    const exercise = pooled();
    const seeds = [11, 12, 13];
    let now = new Date('2026-01-01T10:00:00Z');
    const workspace = new Workspace(tempDir(), () => now, () => seeds.shift()!);
    const file = path.join(workspace.root, 'tiny-ledger', 'ledger.ts');
    const { exercise: attempt } = workspace.start(exercise);
    expect(attempt.draw).toEqual(drawFor(exercise, 11));
    expect(workspace.attempt(exercise)).toEqual(attempt);
    expect(readFileSync(file, 'utf8')).toBe(servedFiles(attempt).get('ledger.ts'));

    now = new Date('2026-01-01T10:05:00Z');
    writeFileSync(file, 'my work');
    expect(workspace.reset(exercise, 'a').exercise.draw).toEqual(drawFor(exercise, 11));
    expect(workspace.progress.exercise('tiny-ledger')!.startedAt).toBe('2026-01-01T10:00:00.000Z');
    expect(readFileSync(file, 'utf8')).toBe(servedFiles(attempt).get('ledger.ts'));

    const redrawn = workspace.reset(exercise, 'b', { redraw: true }).exercise;
    expect(redrawn.draw).toEqual(drawFor(exercise, 12));
    expect(workspace.progress.exercise('tiny-ledger')).toMatchObject({ startedAt: '2026-01-01T10:05:00.000Z', draw: drawFor(exercise, 12) });
    expect(readFileSync(file, 'utf8')).toBe(servedFiles(redrawn).get('ledger.ts'));

    // A blind round may start on untouched files: it is a new attempt with a new draw.
    expect(workspace.start(exercise, { blind: true, seed: 99 }).exercise.draw).toEqual(drawFor(exercise, 99));
    expect(() => workspace.reset(exercise, 'c', { redraw: true })).toThrow('its bugs cannot be redrawn until it ends');
    expect(workspace.reset(exercise, 'd').exercise.draw).toEqual(drawFor(exercise, 99));
  });

  it('progress written before pools existed, or with a draw it cannot use, keeps loading', () => {
    const exercise = pooled();
    const root = tempDir();
    mkdirSync(path.join(root, '.bugbash'), { recursive: true });
    writeFileSync(path.join(root, '.bugbash', 'progress.json'), JSON.stringify({ version: 1, exercises: { 'tiny-ledger': { startedAt: '2026-01-01T10:00:00.000Z', hintsUsed: {}, checks: 0, draw: { seed: 'x' } } } }));
    const workspace = new Workspace(root);
    expect(workspace.progress.warnings).toEqual([]);
    // No usable draw: the attempt is the whole pool, as an unpooled starter would be.
    expect(workspace.attempt(exercise).bugs).toHaveLength(4);
  });
});

describe('which sets of bugs validate proves', () => {
  it('every draw when there are at most 200, else every pair and a fixed sample of draws', () => {
    expect(setsToProve('tiny-ledger', POOL, 2)).toEqual({ mode: 'every-draw', sets: combinations(POOL, 2) });
    expect(setsToProve('tiny-ledger', POOL, 1).sets).toEqual([]);
    const nine = Array.from({ length: 9 }, (_, i) => `bug-${i}`);
    expect(setsToProve('x', nine, 6).sets).toHaveLength(binomial(9, 6));
    expect(binomial(9, 6)).toBe(84);
    const twelve = Array.from({ length: 12 }, (_, i) => `bug-${i}`);
    expect(binomial(12, 6)).toBe(924);
    const large = setsToProve('x', twelve, 6);
    expect(large.mode).toBe('pairs-and-sample');
    expect(large.sets.slice(0, binomial(12, 2))).toEqual(combinations(twelve, 2));
    const sample = large.sets.slice(binomial(12, 2));
    expect(sample).toHaveLength(24);
    expect(new Set(sample.map((set) => set.join())).size).toBe(24);
    expect(sample.every((set) => set.length === 6)).toBe(true);
    expect(setsToProve('x', twelve, 6)).toEqual(large);
  });
});
