import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASIC_SET } from './fixtures.js';

export const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'bugbash.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const created = new Set<string>();

/** A fresh folder under the system temp directory, removed after the test file (setupFiles: cleanup.ts). */
export function tempDir(prefix = 'bugbash-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.add(dir);
  return dir;
}

/** Removes every folder tempDir made, whether the tests passed or not. */
export function removeTempDirs(): void {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  created.clear();
}

/** Runs the built binary the way a user does, in `cwd`, with the fixture set added. */
export function bugbash(cwd: string, args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', BUGBASH_SETS: BASIC_SET, BUGBASH_WORKSPACE: '', ...env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
