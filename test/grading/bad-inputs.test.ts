import { describe, expect, it } from 'vitest';
import { grade } from '../../src/grading/grade.js';
import { directoryImplementation } from '../../src/grading/implementation.js';
import { withoutTimings, type CheckResult } from '../../src/grading/verdict.js';
import { tempDir } from '../support/cli.js';
import { fixtureExercise, learnerFixture } from '../support/fixtures.js';

// The grader imports from dist/ at run time (the vitest host is a compiled child
// process), so `npm test` builds first (pretest).
const exercise = fixtureExercise();

async function gradeFixture(name: string): Promise<CheckResult> {
  return grade(exercise, directoryImplementation(learnerFixture(name), 'workspace'));
}

const status = (result: CheckResult) => Object.fromEntries(result.bugs.map((bug) => [bug.id, bug.status]));

describe('learner code is untrusted: every bad input ends in a clear verdict', () => {
  it('a syntax error is reported as file:line:col and no test runs', async () => {
    const result = await gradeFixture('syntax-error');
    expect(result.solved).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'syntax', file: 'wallet.ts', line: 25 })]);
    expect(status(result)).toEqual({ 'overdraw-race': 'not-checked', 'negative-amount': 'not-checked' });
  });

  it('a type error is reported with its location and message', async () => {
    const result = await gradeFixture('type-error');
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'type', file: 'wallet.ts', line: 21, message: expect.stringContaining("not assignable to type 'number'") })]);
  });

  it('a missing method is named plainly', async () => {
    const result = await gradeFixture('missing-method');
    expect(result.problems.map((p) => p.message)).toContain('Wallet.withdraw is missing');
  });

  it('a changed method signature is named with both signatures', async () => {
    const result = await gradeFixture('changed-signature');
    expect(result.problems.find((p) => p.kind === 'api')?.message).toBe(
      'Wallet.withdraw changed its signature: the hidden tests call withdraw(string, number): Promise<number>, yours is withdraw(string, number, string): Promise<number>',
    );
  });

  it('a deleted file is named, with how to restore it', async () => {
    const result = await grade(exercise, directoryImplementation(tempDir(), 'workspace'));
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'api', file: 'wallet.ts', message: expect.stringContaining('bugbash reset puts the starter back') })]);
  });

  it('a promise that never settles is reported as a timeout and the other tests still run', async () => {
    const result = await gradeFixture('never-settles');
    const race = result.bugs.find((bug) => bug.id === 'overdraw-race')!;
    expect(race.status).toBe('present');
    expect(race.failures[0]!.symptom).toMatch(/^timed out: withdraw A \(80\), withdraw B \(80\) never settled/);
    expect(status(result)['negative-amount']).toBe('fixed');
    expect(result.regressions[0]!.symptom).toMatch(/^timed out after 5000 ms/);
  });

  it('a synchronous infinite loop is stopped within a bound and reported', async () => {
    const startedAt = Date.now();
    const result = await gradeFixture('infinite-loop');
    // Stuck is decided by CPU time (7 s of it); on a loaded machine the wall clock takes over
    // at 8 × 7 s, so the bound is about a minute plus start-up, whatever the load.
    expect(Date.now() - startedAt).toBeLessThan(75_000);
    expect(result.solved).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'stuck', message: expect.stringContaining('infinite loop') })]);
  });

  it('a throw at import is reported with the error and where it was thrown', async () => {
    const result = await gradeFixture('throw-at-import');
    expect(result.problems[0]).toMatchObject({ kind: 'load', file: 'wallet.ts', line: 6 });
    expect(result.problems[0]!.message).toContain('wallet configuration missing');
    expect(result.bugs.every((bug) => bug.status === 'present')).toBe(true);
  });

  it('process.exit in learner code fails the test that reached it, not the grader', async () => {
    const result = await gradeFixture('process-exit');
    const race = result.bugs.find((bug) => bug.id === 'overdraw-race')!;
    expect(race.status).toBe('present');
    expect(race.failures[0]!.symptom).toContain('process.exit(1)');
    expect(status(result)['negative-amount']).toBe('fixed');
  });

  it('a rejected promise nobody awaited makes the check fail with an explanation', async () => {
    const result = await gradeFixture('unhandled-rejection');
    expect(result.solved).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'unhandled', message: expect.stringContaining('audit log unavailable') })]);
  });

  it('breaking behaviour the starter had right is a regression', async () => {
    const result = await gradeFixture('breaks-guard');
    expect(result.solved).toBe(false);
    expect(result.regressions.map((r) => r.test)).toEqual(['a withdrawal within the balance succeeds']);
  });

  it('a correct fix that differs from the reference is solved', async () => {
    const result = await gradeFixture('waiter-queue-fix');
    expect(result.problems).toEqual([]);
    expect(result.solved).toBe(true);
  });

  it('the same code always gets the same verdict', async () => {
    const first = await gradeFixture('never-settles');
    const second = await gradeFixture('never-settles');
    expect(withoutTimings(second)).toEqual(withoutTimings(first));
  });
});
