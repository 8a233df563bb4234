import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/workspace/progress.js';
import { tempDir } from '../support/cli.js';

describe('progress file', () => {
  it('records checks, a first solve with its time, hints and a give-up', () => {
    const file = path.join(tempDir(), 'progress.json');
    let now = new Date('2026-01-01T10:00:00Z');
    const progress = new Progress(file, () => now);
    progress.started('payment-processor');
    now = new Date('2026-01-01T10:12:30Z');
    expect(progress.recordCheck('payment-processor', { fixed: ['a'], total: 2, solved: false, regressions: 0 })).toEqual({ firstSolve: false });
    expect(progress.recordCheck('payment-processor', { fixed: ['a', 'b'], total: 2, solved: true, regressions: 0 })).toEqual({ firstSolve: true, timeMs: 750_000 });
    progress.recordHint('payment-processor', 'b');
    progress.save();
    const reread = new Progress(file);
    expect(reread.exercise('payment-processor')).toMatchObject({ bestTimeMs: 750_000, checks: 2, hintsUsed: { b: 1 }, solvedAt: '2026-01-01T10:12:30.000Z' });
  });

  it('a corrupt file is moved aside with a warning, never overwritten', () => {
    const dir = tempDir();
    const file = path.join(dir, 'progress.json');
    writeFileSync(file, 'not json');
    const progress = new Progress(file, () => new Date('2026-02-02T00:00:00Z'));
    expect(progress.warnings[0]).toContain('could not be read');
    expect(progress.data.exercises).toEqual({});
    expect(readdirSync(dir)).toEqual(['progress.json.corrupt-2026-02-02T00-00-00-000Z']);
    expect(readFileSync(path.join(dir, 'progress.json.corrupt-2026-02-02T00-00-00-000Z'), 'utf8')).toBe('not json');
  });

  it('saving writes through a temporary file, leaving no partial file behind', () => {
    const dir = tempDir();
    const progress = new Progress(path.join(dir, 'progress.json'));
    progress.started('webhooks');
    progress.save();
    expect(readdirSync(dir)).toEqual(['progress.json']);
    expect(JSON.parse(readFileSync(path.join(dir, 'progress.json'), 'utf8')).current).toBe('webhooks');
  });
});
