import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bugbash, tempDir } from '../support/cli.js';
import { processesWith } from '../support/processes.js';

beforeAll(() => {
  const result = bugbash(tempDir(), ['author', 'validate', 'tiny-wallet', '--runs', '1']);
  if (result.code !== 0) throw new Error(`the fixture set does not validate:\n${result.stdout}${result.stderr}`);
});

/** A started workspace whose wallet.ts begins with `prefix`. */
function workspaceWith(prefix: string): { cwd: string; file: string; progress: string } {
  const cwd = tempDir();
  expect(bugbash(cwd, ['start', 'tiny-wallet']).code).toBe(0);
  const file = path.join(cwd, 'bugbash', 'tiny-wallet', 'wallet.ts');
  writeFileSync(file, prefix + readFileSync(file, 'utf8'));
  return { cwd, file, progress: path.join(cwd, 'bugbash', '.bugbash', 'progress.json') };
}

// Both layouts: in a PID namespace (where unshare works, as here) and in a process group only.
describe.each(['pid-namespace', 'process-group'])('learner code cannot outlive or kill the CLI (%s)', (mode) => {
  const env: Record<string, string> = mode === 'process-group' ? { BUGBASH_ISOLATION: 'process-group' } : {};

  it('a detached child that keeps rewriting the progress file is gone when check exits', () => {
    const token = `bugbash-rewriter-${process.pid}-${mode}`;
    const { cwd, progress } = workspaceWith('');
    const forged = JSON.stringify({ version: 1, exercises: { 'tiny-wallet': { startedAt: '2020-01-01T00:00:00.000Z', solvedAt: '2020-01-01T00:00:00.000Z', bestTimeMs: 0, hintsUsed: {}, checks: 0 } } });
    const child = `setInterval(() => require('fs').writeFileSync(${JSON.stringify(progress)}, ${JSON.stringify(forged)}), 10)`;
    const file = path.join(cwd, 'bugbash', 'tiny-wallet', 'wallet.ts');
    writeFileSync(file, `import { spawn } from 'node:child_process';\nspawn(process.execPath, ['-e', ${JSON.stringify(child)}, ${JSON.stringify(token)}], { detached: true, stdio: 'ignore' }).unref();\n${readFileSync(file, 'utf8')}`);
    const result = bugbash(cwd, ['check', '--json'], env);
    const left = processesWith(token);
    left.forEach((pid) => process.kill(pid, 'SIGKILL'));
    expect(left).toEqual([]);
    expect(result.code).toBe(1);
    const entry = JSON.parse(readFileSync(progress, 'utf8')).exercises['tiny-wallet'];
    expect(entry.lastCheck).toMatchObject({ solved: false });
    expect(entry.bestTimeMs).toBeUndefined();
  });

  it('process.kill(process.ppid, "SIGKILL") leaves the CLI standing with a verdict', () => {
    const { cwd, file } = workspaceWith('');
    writeFileSync(file, readFileSync(file, 'utf8').replace('async withdraw(walletId: string, amount: number): Promise<number> {', "async withdraw(walletId: string, amount: number): Promise<number> {\n    process.kill(process.ppid, 'SIGKILL');"));
    const result = bugbash(cwd, ['check', '--json'], env);
    expect(result.code).toBe(1);
    const verdict = JSON.parse(result.stdout);
    if (mode === 'process-group') {
      expect(verdict.problems).toContainEqual(expect.objectContaining({ kind: 'crash', message: expect.stringContaining('your code killed the process that supervises the grading') }));
    } else {
      // In the namespace the supervisor is init: the kernel drops the signal and grading goes on.
      expect(verdict.problems).toEqual([]);
    }
  });
});
