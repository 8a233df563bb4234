import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeHunks, serve } from '../../src/catalog/markers.js';
import { hunkRanges, plantedRanges, servedLine } from '../../src/interview/planted.js';
import { fixtureExercise } from '../support/fixtures.js';

describe('planted bugs in served line numbers', () => {
  it('each marked hunk of the fixture maps to the lines the learner sees (markers removed)', () => {
    const exercise = fixtureExercise();
    const served = serve(readFileSync(path.join(exercise.starterDir, 'wallet.ts'), 'utf8')).split('\n');
    const ranges = plantedRanges(exercise);
    expect(ranges).toEqual([
      { bug: 'negative-amount', file: 'wallet.ts', start: 18, end: 18 },
      { bug: 'overdraw-race', file: 'wallet.ts', start: 21, end: 21 },
      { bug: 'overdraw-race', file: 'wallet.ts', start: 26, end: 26 },
    ]);
    expect(served[18 - 1]).toContain('if (!Number.isInteger(amount)) {');
    expect(served[21 - 1]).toContain('return (async () => {');
    expect(served[26 - 1]).toContain('})();');
  });

  it('a bug that is a missing line covers the two served lines around the gap', () => {
    const reference = ['a', 'b', 'check()', 'c'].join('\n');
    const starter = ['a', 'b', '// @bug missing-check', 'c'].join('\n');
    expect(hunkRanges(starter, computeHunks('f.ts', starter, reference))).toEqual([{ bug: 'missing-check', file: 'f.ts', start: 2, end: 3 }]);
  });

  it('a line of an edited file maps back to the same served line, and an inserted line to the line above it', () => {
    const served = ['one', 'two', 'three', 'four'].join('\n');
    const current = ['zero', 'one', 'two', 'new', 'three', 'FOUR'].join('\n');
    expect(servedLine(served, current, 2)).toBe(1);
    expect(servedLine(served, current, 5)).toBe(3);
    expect(servedLine(served, current, 4)).toBe(2);
    // A replaced line maps to the line it replaced.
    expect(servedLine(served, current, 6)).toBe(4);
    expect(servedLine(served, served, 3)).toBe(3);
  });
});
