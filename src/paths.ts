import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder bugbash is installed in: the bundled set lives here. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * A compiled module of ours. The vitest host and the harness always run from dist/, also
 * when the caller is our own test suite running the TypeScript sources.
 */
export function compiledPath(relative: string): string {
  return path.join(PACKAGE_ROOT, 'dist', relative);
}

/** Generated implementations, vite's cache and validation stamps. */
export function cacheRoot(): string {
  return path.join(os.tmpdir(), `bugbash-${os.userInfo().uid}`);
}
