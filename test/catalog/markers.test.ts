import { describe, expect, it } from 'vitest';
import { applyHunks, computeHunks, malformedMarkers, serve } from '../../src/catalog/markers.js';

// Different bugs' changes are kept apart by an unchanged line (adjacent changes form one hunk).
const reference = ['function refund(charge, amount) {', '  if (amount <= 0) throw new Error("amount");', '  audit(charge);', '  if (amount > charge.amount - charge.refunded) throw new Error("too much");', '  audit(amount);', '  return save(charge, amount);', '}'].join('\n');
const starter = [
  'function refund(charge, amount) {',
  '  // @bug negative',
  '  if (amount < 0) throw new Error("amount");',
  '  audit(charge);',
  '  // @bug over-refund',
  '  if (amount > charge.amount) throw new Error("too much");',
  '  audit(amount);',
  '  return save(charge, amount);',
  '}',
].join('\n');

describe('markers', () => {
  it('serving strips whole marker lines and nothing else', () => {
    expect(serve(starter)).toBe(['function refund(charge, amount) {', '  if (amount < 0) throw new Error("amount");', '  audit(charge);', '  if (amount > charge.amount) throw new Error("too much");', '  audit(amount);', '  return save(charge, amount);', '}'].join('\n'));
  });

  it('each marked change is one hunk naming its bug', () => {
    const hunks = computeHunks('refund.ts', starter, reference);
    expect(hunks.map((hunk) => [hunk.markers, hunk.referenceStart, hunk.referenceEnd, hunk.starterLines])).toEqual([
      [['negative'], 1, 2, ['  if (amount < 0) throw new Error("amount");']],
      [['over-refund'], 3, 4, ['  if (amount > charge.amount) throw new Error("too much");']],
    ]);
  });

  it('a single-bug variant is the reference with only that bug re-applied', () => {
    const hunks = computeHunks('refund.ts', starter, reference);
    const variant = applyHunks(reference, hunks.filter((hunk) => hunk.markers[0] === 'over-refund'));
    expect(variant).toContain('if (amount <= 0)');
    expect(variant).toContain('if (amount > charge.amount) throw');
    expect(applyHunks(reference, hunks)).toBe(serve(starter));
    expect(applyHunks(reference, [])).toBe(reference);
  });

  it('a bug that deletes code is a hunk with the marker where the code was', () => {
    const deleting = ['function refund(charge, amount) {', '  // @bug negative', '  audit(charge);', '  if (amount > charge.amount - charge.refunded) throw new Error("too much");', '  audit(amount);', '  return save(charge, amount);', '}'].join('\n');
    const [hunk] = computeHunks('refund.ts', deleting, reference);
    expect(hunk).toMatchObject({ markers: ['negative'], referenceStart: 1, referenceEnd: 2, starterLines: [] });
  });

  it('an unmarked difference is a hunk without markers', () => {
    const hunks = computeHunks('refund.ts', serve(starter).replace('save(charge', 'store(charge'), reference);
    expect(hunks.some((hunk) => hunk.markers.length === 0 && hunk.starterLines[0] === '  return store(charge, amount);')).toBe(true);
  });

  it('a marker written at the end of a code line is reported as malformed', () => {
    expect(malformedMarkers('refund.ts', 'const x = 1; // @bug negative')).toEqual([
      { file: 'refund.ts', line: 1, message: expect.stringContaining('is not a marker line') },
    ]);
  });
});
