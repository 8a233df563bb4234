import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, bugbash, tempDir } from '../support/cli.js';
import { BASIC_SET } from '../support/fixtures.js';

const NEGATIVE_FIX = ['if (!Number.isInteger(amount)) {', 'if (!Number.isInteger(amount) || amount <= 0) {'] as const;

beforeAll(() => {
  const result = bugbash(tempDir(), ['author', 'validate', 'tiny-wallet', '--runs', '1']);
  if (result.code !== 0) throw new Error(`the fixture set does not validate:\n${result.stdout}${result.stderr}`);
});

const running = new Set<ChildProcess>();
// A failed test must not leave its watch (and its grading processes) running.
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** `bugbash watch` in a fresh workspace, with helpers to wait for its verdicts. */
function startWatch() {
  const cwd = tempDir();
  expect(bugbash(cwd, ['start', 'tiny-wallet']).code).toBe(0);
  const file = path.join(cwd, 'bugbash', 'tiny-wallet', 'wallet.ts');
  const child = spawn(process.execPath, [BIN, 'watch', 'tiny-wallet'], { cwd, env: { ...process.env, NO_COLOR: '1', BUGBASH_SETS: BASIC_SET, BUGBASH_WORKSPACE: '' } });
  running.add(child);
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  // A verdict is complete once the "watching …" line after it is printed.
  const verdicts = () => output.split('\nwatching ').length - 1;
  const waitFor = async (done: () => boolean, what: string) => {
    // Generous: a loaded machine (parallel test runs) can take tens of seconds per check.
    const deadline = Date.now() + 120_000;
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done(), `${what}:\n${output}${errors}`).toBe(true);
  };
  return {
    cwd,
    file,
    child,
    output: () => output,
    errors: () => errors,
    waitForVerdicts: (count: number) => waitFor(() => verdicts() >= count, `verdict ${count}`),
    /** The summary line of the latest verdict. */
    latest: () => output.slice(output.lastIndexOf('checked in')),
    waitFor,
    exited: new Promise<number | null>((resolve) => child.on('exit', resolve)),
  };
}

describe('watch', () => {
  it('re-checks when an editor saves by replacing the file, re-runs on "r", and quits on "q" leaving the files intact', async () => {
    const watch = startWatch();
    await watch.waitForVerdicts(1);
    expect(watch.output()).toContain('0 of 2 bugs fixed.');

    // Save the way many editors do: write a new file, then rename it over the old one.
    const fixed = readFileSync(watch.file, 'utf8').replace(...NEGATIVE_FIX);
    writeFileSync(`${watch.file}.tmp`, fixed);
    renameSync(`${watch.file}.tmp`, watch.file);
    await watch.waitForVerdicts(2);
    expect(watch.latest()).toContain('1 of 2 bugs fixed.');

    watch.child.stdin.write('r\n');
    await watch.waitForVerdicts(3);

    watch.child.stdin.write('q\n');
    expect(await watch.exited).toBe(0);
    expect(readFileSync(watch.file, 'utf8')).toBe(fixed);
  }, 400_000);

  it('sees every save, whatever the kind (rename, sed -i, cp over, git checkout), and each verdict is what is on disk', async () => {
    const watch = startWatch();
    const starter = readFileSync(watch.file, 'utf8');
    const fixed = starter.replace(...NEGATIVE_FIX);
    const folder = path.dirname(watch.file);
    execFileSync('git', ['init', '-q'], { cwd: folder });
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'starter', '--allow-empty'], { cwd: folder });
    execFileSync('git', ['add', 'wallet.ts'], { cwd: folder });
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'starter'], { cwd: folder });
    await watch.waitForVerdicts(1);
    expect(watch.latest()).toContain('0 of 2 bugs fixed.');

    const saves: [string, () => void, string][] = [
      ['temp file + mv', () => (writeFileSync(`${watch.file}.tmp`, fixed), renameSync(`${watch.file}.tmp`, watch.file)), '1 of 2 bugs fixed.'],
      ['temp file + mv again', () => (writeFileSync(`${watch.file}.tmp`, starter), renameSync(`${watch.file}.tmp`, watch.file)), '0 of 2 bugs fixed.'],
      ['sed -i', () => execFileSync('sed', ['-i', 's/isInteger(amount)) {/isInteger(amount) || amount <= 0) {/', watch.file]), '1 of 2 bugs fixed.'],
      ['git checkout', () => execFileSync('git', ['checkout', '-q', '--', 'wallet.ts'], { cwd: folder }), '0 of 2 bugs fixed.'],
      ['cp over the file', () => (writeFileSync(path.join(folder, 'fixed.copy'), fixed), execFileSync('cp', [path.join(folder, 'fixed.copy'), watch.file])), '1 of 2 bugs fixed.'],
    ];
    for (const [index, [how, save, expected]] of saves.entries()) {
      save();
      await watch.waitForVerdicts(index + 2);
      expect(watch.latest(), how).toContain(expected);
      // What watch says is what a fresh check of the same files says.
      const fresh = bugbash(watch.cwd, ['check', 'tiny-wallet']);
      expect(fresh.stdout, how).toContain(expected);
    }
    watch.child.stdin.write('q\n');
    expect(await watch.exited).toBe(0);
  }, 900_000);

  it('Ctrl-C during a check exits 130 quietly and records nothing', async () => {
    const watch = startWatch();
    await watch.waitForVerdicts(1);
    const progressFile = path.join(watch.cwd, 'bugbash', '.bugbash', 'progress.json');
    const before = readFileSync(progressFile, 'utf8');
    // Code that keeps the next check busy for long enough to interrupt it.
    writeFileSync(watch.file, readFileSync(watch.file, 'utf8').replace('async withdraw(walletId: string, amount: number): Promise<number> {', 'async withdraw(walletId: string, amount: number): Promise<number> {\n    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);'));
    await watch.waitFor(() => watch.output().split('checking tiny-wallet').length - 1 >= 2, 'the second check to start');
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(130);
    expect(watch.errors()).toBe('');
    expect(watch.output().split('checked in').length - 1).toBe(1);
    expect(readFileSync(progressFile, 'utf8')).toBe(before);
  }, 300_000);

  it('without a terminal it does not offer keys it cannot read', async () => {
    const watch = startWatch();
    await watch.waitForVerdicts(1);
    expect(watch.output()).toContain('save a file to re-check');
    expect(watch.output()).not.toContain('r to re-run');
    watch.child.stdin.write('q\n');
    expect(await watch.exited).toBe(0);
  }, 300_000);
});
