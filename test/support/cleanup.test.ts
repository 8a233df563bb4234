import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.js';
import { tempDir } from './cli.js';

const ROOT = path.join(FIXTURES, '..', '..');

describe('test hygiene', () => {
  it('a failing test file still removes the temp folders it made', () => {
    const report = path.join(tempDir(), 'made.txt');
    const result = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', path.join(FIXTURES, 'cleanup', 'vitest.config.ts')],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BUGBASH_CLEANUP_REPORT: report } },
    );
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stdout + result.stderr).toContain('failing on purpose');
    const made = readFileSync(report, 'utf8');
    expect(made).toContain('bugbash-cleanup-');
    expect(existsSync(made)).toBe(false);
  });
});
