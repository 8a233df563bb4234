import { spawn } from 'node:child_process';
import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../support/cli.js';
import { BASIC_SET } from '../support/fixtures.js';

describe('author validate --watch', () => {
  it('validates, re-validates once per save, and stops on Ctrl-C', async () => {
    const root = tempDir('bugbash-set-');
    cpSync(BASIC_SET, root, { recursive: true });
    const starter = path.join(root, 'exercises/tiny-wallet/starter/wallet.ts');
    const child = spawn(process.execPath, [BIN, '--sets', root, 'author', 'validate', 'tiny-wallet', '--watch', '--runs', '1'], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', BUGBASH_SETS: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const rounds = () => output.split('for changes (Ctrl-C to stop)').length - 1;
    const waitForRounds = async (count: number) => {
      const deadline = Date.now() + 240_000;
      while (rounds() < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(rounds(), output).toBe(count);
    };
    try {
      await waitForRounds(1);
      expect(output).toContain('tiny-wallet: valid');

      // An editor's save: a new file renamed over the old one (one burst, one validation).
      writeFileSync(`${starter}.tmp`, readFileSync(starter, 'utf8').replace("'balance too low'", "'balance is too low'"));
      renameSync(`${starter}.tmp`, starter);
      await waitForRounds(2);
      const second = output.slice(output.indexOf('changed:'));
      expect(second).toContain('starter/wallet.ts');
      expect(second).toMatch(/wallet\.ts:25: this change from the reference has no "\/\/ @bug <id>" marker/);

      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(rounds()).toBe(2);
    } finally {
      child.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    }
  });
});
