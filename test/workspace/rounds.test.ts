import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/workspace/progress.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { tempDir } from '../support/cli.js';
import { fixtureExercise } from '../support/fixtures.js';

describe('progress with rounds and watch re-runs', () => {
  it('a version-1 file written before rounds existed loads unchanged and gains the new counts as they happen', () => {
    const file = path.join(tempDir(), 'progress.json');
    const old = { version: 1, current: 'webhooks', exercises: { webhooks: { startedAt: '2026-01-01T10:00:00.000Z', interview: { startedAt: '2026-01-01T10:00:00.000Z', limitMinutes: 45 }, hintsUsed: { a: 2 }, checks: 3 } } };
    writeFileSync(file, JSON.stringify(old));
    const progress = new Progress(file, () => new Date('2026-01-01T10:05:00Z'));
    expect(progress.warnings).toEqual([]);
    expect(progress.exercise('webhooks')).toEqual(old.exercises.webhooks);
    progress.recordCheck('webhooks', { fixed: [], total: 2, solved: false, regressions: 0 }, 'watch');
    progress.recordCheck('webhooks', { fixed: [], total: 2, solved: false, regressions: 0 }, 'internal');
    progress.recordCheck('webhooks', { fixed: [], total: 2, solved: false, regressions: 0 });
    expect(progress.exercise('webhooks')).toMatchObject({ checks: 4, watchRuns: 1 });
    expect(progress.exercise('webhooks')!.round).toBeUndefined();
  });

  it('a solve after the interview time is up is recorded, but not as a best time', () => {
    const file = path.join(tempDir(), 'progress.json');
    let now = new Date('2026-01-01T10:00:00Z');
    const progress = new Progress(file, () => now);
    progress.started('tiny-wallet', { limitMinutes: 10 });
    now = new Date('2026-01-01T10:10:01Z');
    expect(progress.recordCheck('tiny-wallet', { fixed: ['a'], total: 1, solved: true, regressions: 0 })).toEqual({ firstSolve: true, timeMs: 601_000, overTime: true });
    expect(progress.exercise('tiny-wallet')!.bestTimeMs).toBeUndefined();
    expect(progress.exercise('tiny-wallet')!.solvedAt).toBe('2026-01-01T10:10:01.000Z');
  });

  it('a round counts its own checks and watch re-runs; reset keeps the round and its clock, start --blind works on untouched files only', () => {
    const exercise = fixtureExercise();
    const root = tempDir();
    let now = new Date('2026-01-01T10:00:00Z');
    const workspace = new Workspace(root, () => now);
    workspace.start(exercise, { interview: true });
    const round = workspace.progress.exercise(exercise.id)!.round!;
    expect(round).toMatchObject({ mode: 'interview', limitMinutes: 10, marks: [], checks: 0, watchRuns: 0 });
    workspace.progress.recordCheck(exercise.id, { fixed: [], total: 2, solved: false, regressions: 0 });
    workspace.progress.recordCheck(exercise.id, { fixed: [], total: 2, solved: false, regressions: 0 }, 'watch');
    workspace.progress.recordCheck(exercise.id, { fixed: [], total: 2, solved: false, regressions: 0 }, 'watch');
    expect(workspace.progress.exercise(exercise.id)!.round).toMatchObject({ checks: 1, watchRuns: 2 });

    now = new Date('2026-01-01T10:03:00Z');
    const file = path.join(root, exercise.id, 'wallet.ts');
    writeFileSync(file, 'changed');
    workspace.reset(exercise, 'stamp');
    const after = new Progress(path.join(root, '.bugbash', 'progress.json')).exercise(exercise.id)!;
    expect(after.round).toMatchObject({ startedAt: '2026-01-01T10:00:00.000Z', checks: 1, watchRuns: 2 });
    expect(after.interview).toEqual({ startedAt: '2026-01-01T10:00:00.000Z', limitMinutes: 10 });

    // Untouched files (as after reset): a new blind round may begin on them. Edited files: refused.
    delete workspace.progress.exercise(exercise.id)!.round;
    expect(() => workspace.start(exercise, { blind: true })).not.toThrow();
    expect(() => workspace.start(exercise, { interview: true })).toThrow('is already running');
    expect(workspace.progress.exercise(exercise.id)!.round).toMatchObject({ mode: 'blind' });
    expect(workspace.progress.exercise(exercise.id)!.round!.limitMinutes).toBeUndefined();
    delete workspace.progress.exercise(exercise.id)!.round;
    writeFileSync(file, readFileSync(file, 'utf8') + '\n// mine\n');
    expect(() => workspace.start(exercise, { blind: true })).toThrow('already has your work');
  });
});
