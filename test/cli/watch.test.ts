import { spawn } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, bugbash, tempDir } from '../support/cli.js';
import { BASIC_SET } from '../support/fixtures.js';

describe('watch', () => {
  it('re-checks when an editor saves by replacing the file, re-runs on "r", and quits on "q" leaving the files intact', async () => {
    const cwd = tempDir();
    expect(bugbash(cwd, ['author', 'validate', 'tiny-wallet', '--runs', '1']).code).toBe(0);
    expect(bugbash(cwd, ['start', 'tiny-wallet']).code).toBe(0);
    const file = path.join(cwd, 'bugbash', 'tiny-wallet', 'wallet.ts');

    const child = spawn(process.execPath, [BIN, 'watch', 'tiny-wallet'], { cwd, env: { ...process.env, NO_COLOR: '1', BUGBASH_SETS: BASIC_SET } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const verdicts = () => output.split('checked in').length - 1;
    const waitForVerdicts = async (count: number) => {
      const deadline = Date.now() + 20_000;
      while (verdicts() < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(verdicts(), output).toBeGreaterThanOrEqual(count);
    };

    await waitForVerdicts(1);
    expect(output).toContain('0 of 2 bugs fixed.');

    // Save the way many editors do: write a new file, then rename it over the old one.
    const fixed = readFileSync(file, 'utf8').replace('if (!Number.isInteger(amount)) {', 'if (!Number.isInteger(amount) || amount <= 0) {');
    writeFileSync(`${file}.tmp`, fixed);
    renameSync(`${file}.tmp`, file);
    await waitForVerdicts(2);
    expect(output.slice(output.lastIndexOf('checked in'))).toContain('1 of 2 bugs fixed.');

    child.stdin.write('r\n');
    await waitForVerdicts(3);

    child.stdin.write('q\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(fixed);
  });
});
