import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/grading/verdict.js';
import { blindView } from '../../src/interview/blind.js';
import { plantedRanges } from '../../src/interview/planted.js';
import { addMark, newRound, removeMark, type Mark } from '../../src/interview/round.js';
import { scoreMarks, scoreRound } from '../../src/interview/scorecard.js';
import { fixtureExercise } from '../support/fixtures.js';

const exercise = fixtureExercise();

function mark(line: number, to: number, category: Mark['category']): Omit<Mark, 'number'> {
  return { file: 'wallet.ts', line, to, served: { line, to }, category, why: 'because', at: '2026-01-01T10:00:00.000Z' };
}

function result(fixed: string[], extra: Partial<CheckResult> = {}): CheckResult {
  return {
    exercise: exercise.id,
    implementation: 'workspace',
    solved: false,
    bugs: exercise.bugs.map((bug) => ({
      id: bug.id,
      title: bug.title,
      category: bug.category,
      status: fixed.includes(bug.id) ? 'fixed' : 'present',
      tests: { passed: 0, total: 1 },
      failures: fixed.includes(bug.id) ? [] : [{ test: `the hidden test of ${bug.id}`, kind: 'failed', symptom: `symptom of ${bug.id}`, interleaving: ['step one'] }],
    })),
    regressions: [],
    guards: { passed: 1, total: 1 },
    problems: [],
    durationMs: 1,
    testsMs: 1,
    slowestTests: [{ test: 'the hidden test of overdraw-race', ms: 1 }],
    exploration: [{ test: 'the hidden test of overdraw-race', bug: 'overdraw-race', mode: 'exhaustive', orderings: 3, ms: 1 }],
    ...extra,
  };
}

describe('scoring marks against the planted hunks', () => {
  it('a mark within 2 lines of a hunk finds its bug; 3 lines away is a false alarm', () => {
    const scored = scoreMarks(exercise, [{ number: 1, ...mark(20, 20, 'validation') }, { number: 2, ...mark(21, 21, 'validation') }, { number: 3, ...mark(13, 14, 'race') }], plantedRanges(exercise));
    expect(scored.map((m) => [m.found, m.bugId, m.categoryRight])).toEqual([
      [true, 'negative-amount', true],
      // 21 is the race hunk's line, and 3 below the validation hunk at 18.
      [true, 'overdraw-race', false],
      [false, undefined, false],
    ]);
    expect(scored[0]!.explanation).toBe(exercise.bugs[1]!.explanation);
  });

  it('when a mark is near two bugs, the one whose category it names wins', () => {
    const [scored] = scoreMarks(exercise, [{ number: 1, ...mark(19, 21, 'race') }], plantedRanges(exercise));
    expect(scored).toMatchObject({ bugId: 'overdraw-race', categoryRight: true, bug: 1 });
  });

  it('the scorecard counts found, fixed, both, category, false alarms, hints and time, and applies the documented formula', () => {
    const round = newRound('interview', '2026-01-01T10:00:00.000Z', 10);
    addMark(round, mark(18, 18, 'validation'));
    addMark(round, mark(22, 23, 'money'));
    addMark(round, mark(3, 3, 'race'));
    round.hints = 1;
    round.checks = 4;
    round.watchRuns = 7;
    const card = scoreRound({ exercise, round, result: result(['negative-amount']), ranges: plantedRanges(exercise), endedBy: 'finish', now: new Date('2026-01-01T10:11:30.000Z') });
    expect(card).toMatchObject({
      found: 2,
      fixed: 1,
      foundAndFixed: 1,
      categoryRight: 1,
      falseAlarms: 1,
      regressions: 0,
      hintsUsed: 1,
      checks: 4,
      watchRuns: 7,
      seconds: 690,
      limitSeconds: 600,
      overSeconds: 90,
    });
    // found 30·2/2 + fixed 40·1/2 + no regressions 15 + explanations 15·1/2 − hint 3 − false alarm 5 − 2 minutes over.
    expect(card.score).toBe(Math.round(30 + 20 + 15 + 7.5 - 3 - 5 - 2));
    expect(card.marks.map((m) => m.found)).toEqual([true, true, false]);
    expect(card.bugs.map((bug) => [bug.id, bug.found, bug.fixed])).toEqual([
      ['overdraw-race', true, false],
      ['negative-amount', true, true],
    ]);
  });

  it('regressions cost 5 each, code that does not compile forfeits the 15, and the score never drops below 0', () => {
    const round = newRound('blind', '2026-01-01T10:00:00.000Z');
    const now = new Date('2026-01-01T10:05:00.000Z');
    const regression = { test: 'a withdrawal within the balance succeeds', kind: 'failed' as const, symptom: 'x' };
    expect(scoreRound({ exercise, round, result: result(['negative-amount', 'overdraw-race'], { regressions: [regression] }), ranges: [], endedBy: 'finish', now }).score).toBe(40 + 10);
    const broken = result([], { problems: [{ kind: 'syntax', message: "';' expected", file: 'wallet.ts', line: 3, column: 1 }] });
    expect(scoreRound({ exercise, round, result: broken, ranges: [], endedBy: 'finish', now }).points.noRegressions).toBe(0);
    for (let i = 0; i < 12; i++) addMark(round, mark(3, 3, 'race'));
    expect(scoreRound({ exercise, round, result: broken, ranges: plantedRanges(exercise), endedBy: 'finish', now }).score).toBe(0);
    expect(scoreRound({ exercise, round, result: broken, ranges: plantedRanges(exercise), endedBy: 'finish', now }).overSeconds).toBe(0);
  });

  it('mark numbers are never reused, and removing an unknown mark says which exist', () => {
    const round = newRound('blind', '2026-01-01T10:00:00.000Z');
    addMark(round, mark(1, 1, 'race'));
    addMark(round, mark(2, 2, 'race'));
    removeMark(round, 1);
    expect(addMark(round, mark(3, 3, 'race')).number).toBe(3);
    expect(() => removeMark(round, 1)).toThrow('your marks are 2, 3');
  });
});

describe('the blind view of a verdict', () => {
  it('keeps counts, compile problems with their place and broken behaviour, and nothing that names a bug or a hidden test', () => {
    const regression = { test: 'a withdrawal within the balance succeeds', kind: 'failed' as const, symptom: 'withdrawing 30 from 100 should leave 70', location: 'wallet.ts:20:7', expected: 'secret expected', actual: 'secret actual' };
    const view = blindView(result(['negative-amount'], { regressions: [regression], problems: [{ kind: 'unhandled', message: 'X was never caught during "the hidden test of overdraw-race"', file: 'wallet.ts', line: 9, column: 3 }] }));
    expect(view).toEqual({
      exercise: 'tiny-wallet',
      blind: true,
      solved: false,
      graded: true,
      bugs: { total: 2, remaining: 1 },
      regressions: [{ behaviour: 'a withdrawal within the balance succeeds', symptom: 'withdrawing 30 from 100 should leave 70', location: 'wallet.ts:20:7' }],
      problems: [{ kind: 'unhandled', message: expect.stringContaining('rejected promise was never caught'), file: 'wallet.ts', line: 9, column: 3 }],
    });
    const text = JSON.stringify(view);
    for (const bug of exercise.bugs) {
      for (const secret of [bug.id, bug.title, bug.category, `the hidden test of ${bug.id}`, `symptom of ${bug.id}`]) expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('secret');
    expect(text).not.toContain('step one');
  });

  it('code that does not compile is reported with file:line:col and no bug count is claimed as graded', () => {
    const base = result([]);
    const view = blindView({ ...base, bugs: base.bugs.map((bug) => ({ ...bug, status: 'not-checked' as const, failures: [] })), problems: [{ kind: 'type', message: "Type 'string' is not assignable to type 'number'.", file: 'wallet.ts', line: 12, column: 5 }] });
    expect(view.graded).toBe(false);
    expect(view.problems).toEqual([{ kind: 'type', message: "Type 'string' is not assignable to type 'number'.", file: 'wallet.ts', line: 12, column: 5 }]);
  });
});

describe('points for leaving nothing broken', () => {
  it('are not earned by code that fixes nothing', () => {
    const round = newRound('blind', '2026-01-01T10:00:00.000Z');
    const card = scoreRound({ exercise, round, result: result([]), ranges: plantedRanges(exercise), endedBy: 'gave-up', now: new Date('2026-01-01T10:01:00.000Z') });
    expect(card.points.noRegressions).toBe(0);
    expect(card.score).toBe(0);
  });
});
