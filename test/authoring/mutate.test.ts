import { describe, expect, it } from 'vitest';
import { mutateExercise } from '../../src/authoring/mutate.js';
import { fixtureExercise } from '../support/fixtures.js';

describe('author mutate', () => {
  it('kills a mutant the hidden tests catch and reports one they miss as a diff', async () => {
    const progress: number[] = [];
    const report = await mutateExercise(fixtureExercise(), { onProgress: (done) => progress.push(done) });
    expect(report.total).toBeGreaterThan(5);
    expect(progress.at(-1)).toBe(report.total);

    // Removing the amount guard lets -50 through: the negative-amount test kills it.
    const survivors = report.survivors.map((survivor) => survivor.mutant.description);
    expect(survivors.some((d) => d.startsWith('guard clause removed: !Number.isInteger(amount) || amount <= 0'))).toBe(false);
    expect(report.byOperator['remove-guard']!.killed).toBeGreaterThan(0);

    // Nothing tests a withdrawal of exactly 0, so `amount <= 0` → `amount < 0` survives.
    const boundary = report.survivors.find((survivor) => survivor.mutant.description === '<= → < in amount <= 0');
    expect(boundary?.diff).toContain('+    if (!Number.isInteger(amount) || amount < 0) {');
    expect(boundary?.diff).toContain('-    if (!Number.isInteger(amount) || amount <= 0) {');
    expect(report.score).toBeCloseTo(((report.killed + report.timeouts) / report.total) * 100, 0);
  });
});
