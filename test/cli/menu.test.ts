import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../support/cli.js';
import { BASIC_SET } from '../support/fixtures.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const session = `bugbash-menu-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** Polls the pane until `text` shows up (bounded), the way a user waits for the screen. */
async function waitFor(text: string, limitMs = 60_000): Promise<string> {
  const deadline = Date.now() + limitMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = tmux('capture-pane', '-p', '-t', session);
    if (screen.includes(text)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`"${text}" never appeared; the screen was:\n${screen}`);
}

/** Polls the pane until `text` shows up `count` times. */
async function waitForCount(text: string, count: number, limitMs = 60_000): Promise<string> {
  const deadline = Date.now() + limitMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = tmux('capture-pane', '-p', '-t', session);
    if (screen.split(text).length - 1 >= count) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`"${text}" never appeared ${count} times; the screen was:\n${screen}`);
}

describe.runIf(hasTmux)('the interactive menu, driven in a real terminal', () => {
  afterAll(() => {
    spawnSync('tmux', ['kill-session', '-t', session]);
  });

  it('bugbash with no arguments offers the actions; choosing "Start an exercise" serves one', async () => {
    const cwd = tempDir();
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', '-c', cwd, '-e', `BUGBASH_SETS=${BASIC_SET}`, '-e', 'NO_COLOR=1', `${process.execPath} ${BIN}; echo "exit=$?"; sleep 30`);
    const menu = await waitFor('What would you like to do?');
    expect(menu).toContain('Start an exercise');
    expect(menu).toContain('Progress');
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor('Which exercise?');
    tmux('send-keys', '-t', session, 'Enter');
    const screen = await waitFor('exit=0');
    expect(screen).toContain('Your files (edit them in your editor):');
    // The first exercise in learning order was served; its first file is listed under the heading.
    const served = screen.split('Your files (edit them in your editor):')[1]!.split('\n')[1]!.trim();
    expect(served).toMatch(/^bugbash\//);
    expect(existsSync(path.join(cwd, served))).toBe(true);
  });

  it('after "Progress" the menu comes back instead of exiting', async () => {
    spawnSync('tmux', ['kill-session', '-t', session]);
    const cwd = tempDir();
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', '-c', cwd, '-e', `BUGBASH_SETS=${BASIC_SET}`, '-e', 'NO_COLOR=1', `${process.execPath} ${BIN}; echo "exit=$?"; sleep 30`);
    await waitFor('What would you like to do?');
    // No exercise started: Start, Progress, List, Quit.
    tmux('send-keys', '-t', session, 'Down');
    await waitFor('❯ Progress');
    tmux('send-keys', '-t', session, 'Enter');
    const screen = await waitForCount('What would you like to do?', 2);
    expect(screen).not.toContain('exit=');
    tmux('send-keys', '-t', session, 'C-c');
    await waitFor('exit=130');
  });

  it('Ctrl-C at the menu exits quietly with 130 and no stack trace', async () => {
    spawnSync('tmux', ['kill-session', '-t', session]);
    const cwd = tempDir();
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', '-c', cwd, '-e', `BUGBASH_SETS=${BASIC_SET}`, '-e', 'NO_COLOR=1', `${process.execPath} ${BIN}; echo "exit=$?"; sleep 30`);
    await waitFor('What would you like to do?');
    tmux('send-keys', '-t', session, 'C-c');
    const screen = await waitFor('exit=130');
    expect(screen).not.toMatch(/at .*\.js:\d+/);
  });
});
