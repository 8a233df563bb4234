import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closestIds, editDistance } from '../../src/catalog/catalog.js';
import { colorLevel } from '../../src/report/style.js';
import { BIN, bugbash, tempDir } from '../support/cli.js';
import { BASIC_SET } from '../support/fixtures.js';

const ESC = '\x1b[';

beforeAll(() => {
  const result = bugbash(tempDir(), ['author', 'validate', 'tiny-wallet', '--runs', '1']);
  if (result.code !== 0) throw new Error(`the fixture set does not validate:\n${result.stdout}${result.stderr}`);
});

describe('output to a pipe that closes early', () => {
  it.each([['list'], ['progress'], ['--help']])('`bugbash %s | head` exits quietly with the command’s code', async (command) => {
    const child = spawn(process.execPath, [BIN, command], { cwd: tempDir(), env: { ...process.env, BUGBASH_SETS: BASIC_SET, BUGBASH_WORKSPACE: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before the first write: every write fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('colour', () => {
  it('NO_COLOR (any non-empty value) turns colour off even in a terminal; flags beat the environment', () => {
    expect(colorLevel([], { NO_COLOR: '1' }, 3)).toBe(0);
    expect(colorLevel([], { NO_COLOR: 'yes' }, 1)).toBe(0);
    expect(colorLevel([], { NO_COLOR: '' }, 2)).toBe(2);
    expect(colorLevel([], {}, 3)).toBe(3);
    expect(colorLevel([], { FORCE_COLOR: '1', NO_COLOR: '1' }, 0)).toBe(1);
    expect(colorLevel([], { FORCE_COLOR: '0' }, 3)).toBe(0);
    expect(colorLevel([], { FORCE_COLOR: '', NO_COLOR: '1' }, 3)).toBe(0);
    expect(colorLevel(['--color'], { NO_COLOR: '1' }, 0)).toBe(1);
    expect(colorLevel(['--no-color'], { FORCE_COLOR: '3' }, 3)).toBe(0);
    expect(colorLevel(['list', '--', '--no-color'], {}, 2)).toBe(2);
  });

  it('--color and --no-color are options of every command', () => {
    const cwd = tempDir();
    const coloured = bugbash(cwd, ['list', '--color'], { NO_COLOR: '1', FORCE_COLOR: '' });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain(ESC);
    const plain = bugbash(cwd, ['--no-color', 'list'], { NO_COLOR: '', FORCE_COLOR: '3' });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain(ESC);
  });

  it.runIf(spawnSync('script', ['--version']).status === 0)('NO_COLOR=1 is honoured when the output is a terminal', () => {
    const cwd = tempDir();
    const run = (noColor: string) =>
      spawnSync('script', ['-qec', `${process.execPath} ${BIN} list`, '/dev/null'], { cwd, encoding: 'utf8', env: { ...process.env, BUGBASH_SETS: BASIC_SET, BUGBASH_WORKSPACE: '', FORCE_COLOR: '', NO_COLOR: noColor, TERM: 'xterm-256color' } }).stdout;
    expect(run('')).toContain(ESC);
    expect(run('1')).not.toContain(ESC);
  });
});

describe('working from inside the workspace', () => {
  it('commands find the workspace from inside an exercise folder and default to that exercise', () => {
    const cwd = tempDir();
    expect(bugbash(cwd, ['start', 'payment-processor']).code).toBe(0);
    expect(bugbash(cwd, ['start', 'tiny-wallet']).code).toBe(0);
    appendFileSync(path.join(cwd, 'bugbash', 'payment-processor', 'processor.ts'), '\n// looked at this\n');
    const inside = path.join(cwd, 'bugbash', 'payment-processor');
    // The last exercise started is tiny-wallet, but we are in payment-processor's folder.
    const diff = bugbash(inside, ['diff']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('+// looked at this');
    const again = bugbash(inside, ['start', 'payment-processor']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already has your work');
    expect(existsSync(path.join(inside, 'bugbash'))).toBe(false);
  });
});

describe('did you mean', () => {
  it('an unknown option of any command is a usage error: exit code 2, as README promises', () => {
    const cwd = tempDir();
    for (const args of [['check', '--bogus'], ['author', 'validate', '--bogus'], ['--bogus']]) {
      const result = bugbash(cwd, args);
      expect(result.stderr, args.join(' ')).toContain("unknown option '--bogus'");
      expect(result.code, args.join(' ')).toBe(2);
    }
    expect(bugbash(cwd, ['check', '--help']).code).toBe(0);
  });

  it('suggests the exercise a typo meant', () => {
    const cwd = tempDir();
    const start = bugbash(cwd, ['start', 'payment-procesor']);
    expect(start.code).toBe(2);
    expect(start.stderr).toContain('Did you mean "payment-processor"?');
    expect(bugbash(cwd, ['check', 'paymnet-saga']).stderr).toContain('Did you mean "payment-saga"?');
    expect(bugbash(cwd, ['check', 'zzzz']).stderr).not.toContain('Did you mean');
  });

  it('counts a swap of neighbours as one edit and prefers the closest ids', () => {
    expect(editDistance('paymnet', 'payment')).toBe(1);
    expect(editDistance('procesor', 'processor')).toBe(1);
    expect(closestIds('webhook', ['webhooks', 'wallet-ledger'])).toEqual(['webhooks']);
    expect(closestIds('rate-limitr', ['rate-limiter', 'auth-capture'])).toEqual(['rate-limiter']);
    expect(closestIds('qqqqqq', ['rate-limiter', 'auth-capture'])).toEqual([]);
  });
});

describe('reset', () => {
  it('keeps the original start time unless a fresh attempt is asked for', () => {
    const cwd = tempDir();
    expect(bugbash(cwd, ['start', 'tiny-wallet']).code).toBe(0);
    const progressFile = path.join(cwd, 'bugbash', '.bugbash', 'progress.json');
    const startedAt = () => JSON.parse(readFileSync(progressFile, 'utf8')).exercises['tiny-wallet'].startedAt as string;
    const first = startedAt();
    expect(bugbash(cwd, ['reset', '--yes']).code).toBe(0);
    expect(startedAt()).toBe(first);
    const fresh = bugbash(cwd, ['reset', '--yes', '--fresh']);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('A fresh attempt');
    expect(Date.parse(startedAt())).toBeGreaterThan(Date.parse(first));
  });
});
