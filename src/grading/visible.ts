/**
 * A repository-scale exercise ships its own test suite, served beside the code as the
 * learner's way in (docs/authoring.md, "Repository-scale exercises"). `bugbash test` runs it in
 * the learner's folder, and `author validate` runs it on the reference and every single-bug
 * variant. It is never part of a verdict: the hidden suites grade, as for every exercise.
 *
 * The suite runs in a vitest of its own, in a child process group that is killed when it
 * outlives its time or the caller is interrupted, with vite's cache kept out of the folder.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { cacheRoot } from '../paths.js';
import { materialise } from './implementation.js';

export interface VisibleTest {
  /** Path relative to the exercise folder, e.g. "test/pagination.test.ts". */
  file: string;
  /** describe blocks and the test's name, joined with " > ". */
  name: string;
  state: 'passed' | 'failed' | 'skipped';
  /** The first line of the failure, for failed tests. */
  message?: string;
}

export interface VisibleRun {
  /** Every visible test ran and passed. */
  ok: boolean;
  tests: VisibleTest[];
  /** Set when the run did not complete: timed out, interrupted, or vitest could not start. */
  stopped?: string;
  exitCode: number | null;
}

export interface VisibleRunOptions {
  /** 'inherit' prints vitest's own report (bugbash test); 'capture' keeps it (validate). */
  output?: 'inherit' | 'capture';
  /** Wall-clock limit for the whole run; default $BUGBASH_VISIBLE_TIMEOUT_MS or 120 s. */
  timeoutMs?: number;
  /** Only tests whose name contains this (vitest's -t). */
  filter?: string;
  /** Ends the run early (Ctrl-C in the CLI). */
  signal?: AbortSignal;
}

export function hasVisibleTests(exercise: Exercise): boolean {
  return visibleTestSuites(exercise).length > 0;
}

/** The visible files vitest runs: the `*.test.ts` ones (the others are helpers they import). */
export function visibleTestSuites(exercise: Exercise): string[] {
  return (exercise.manifest.visibleTests?.files ?? []).filter((file) => file.endsWith('.test.ts'));
}

/** The visible test files as served: verbatim from starter/ (they carry no bugs). */
export function visibleTestFiles(exercise: Exercise): Map<string, string> {
  return new Map((exercise.manifest.visibleTests?.files ?? []).map((file) => [file, readFileSync(path.join(exercise.starterDir, file), 'utf8')]));
}

/** An implementation's files with the visible tests beside them, in a cache folder of their own. */
export function withVisibleTests(exercise: Exercise, implementationDir: string, label: string): string {
  const files = new Map(exercise.manifest.files.map((file) => [file, readFileSync(path.join(implementationDir, file), 'utf8')]));
  for (const [file, text] of visibleTestFiles(exercise)) files.set(file, text);
  return materialise(exercise, `visible-${label}`, files);
}

const require = createRequire(import.meta.url);

function vitestBin(): string {
  return path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
}

interface JsonReport {
  testResults?: { name: string; assertionResults?: { ancestorTitles?: string[]; title: string; status: string; failureMessages?: string[] }[]; message?: string }[];
}

/** Runs the exercise's visible tests against the files in `dir` (the learner's folder, or a materialised implementation). */
export async function runVisibleTests(exercise: Exercise, dir: string, options: VisibleRunOptions = {}): Promise<VisibleRun> {
  const files = visibleTestSuites(exercise);
  mkdirSync(cacheRoot(), { recursive: true });
  const scratch = mkdtempSync(path.join(cacheRoot(), 'visible-'));
  try {
    const config = path.join(scratch, 'vitest.config.mjs');
    const reportFile = path.join(scratch, 'report.json');
    writeFileSync(
      config,
      `export default ${JSON.stringify({
        cacheDir: path.join(cacheRoot(), 'vite-visible'),
        test: { include: files, watch: false, pool: 'forks', passWithNoTests: false, testTimeout: 10_000, hookTimeout: 10_000 },
      })};\n`,
    );
    const reporters = options.output === 'inherit' ? ['--reporter=default', '--reporter=json'] : ['--reporter=json'];
    const args = [vitestBin(), 'run', '--config', config, '--root', dir, ...reporters, `--outputFile.json=${reportFile}`];
    if (options.filter) args.push('-t', options.filter);
    const timeoutMs = options.timeoutMs ?? (Number(process.env.BUGBASH_VISIBLE_TIMEOUT_MS) || 120_000);
    const child = spawn(process.execPath, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        VITEST: undefined,
        VITEST_WORKER_ID: undefined,
        VITEST_POOL_ID: undefined,
        NODE_OPTIONS: undefined,
        // Relayed through a pipe: keep vitest's colours where the learner's terminal has them.
        ...(options.output === 'inherit' && process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}),
      },
    });
    let captured = '';
    const relay = (into: NodeJS.WriteStream) => {
      let pending = '';
      return (chunk: Buffer) => {
        captured = (captured + String(chunk)).slice(-20_000);
        if (options.output !== 'inherit') return;
        pending += String(chunk);
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        // The JSON report goes to a scratch file removed afterwards: not worth a line.
        for (const line of lines) if (!/JSON report written to/.test(line)) into.write(`${line}\n`);
      };
    };
    child.stdout?.on('data', relay(process.stdout));
    child.stderr?.on('data', relay(process.stderr));
    let stopped: string | undefined;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group already ended.
      }
    };
    const timer = setTimeout(() => {
      stopped = `the tests did not finish within ${Math.round(timeoutMs / 1000)} s (an endless loop, or a promise that never settles?) and were stopped`;
      killGroup();
    }, timeoutMs);
    const onAbort = () => {
      stopped = 'interrupted';
      killGroup();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const exitCode = await new Promise<number | null>((resolve) => {
      child.on('error', (error) => {
        stopped = `vitest could not be started: ${error.message}`;
        resolve(null);
      });
      child.on('exit', (code) => resolve(code));
    });
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    killGroup();
    const tests = readReport(reportFile, dir);
    if (!stopped && tests.length === 0) {
      stopped = `vitest ran no visible test (exit code ${exitCode})${captured ? `: ${lastLines(captured)}` : ''}`;
    }
    const ok = !stopped && exitCode === 0 && tests.every((test) => test.state !== 'failed');
    return { ok, tests, exitCode, ...(stopped ? { stopped } : {}) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function readReport(file: string, dir: string): VisibleTest[] {
  let report: JsonReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
  } catch {
    return [];
  }
  const tests: VisibleTest[] = [];
  for (const suite of report.testResults ?? []) {
    const file = path.relative(dir, suite.name).split(path.sep).join('/');
    const assertions = suite.assertionResults ?? [];
    if (assertions.length === 0 && suite.message) {
      // The file failed before any test ran (a syntax error, a throw at import).
      tests.push({ file, name: '(the file itself)', state: 'failed', message: firstLine(suite.message) });
    }
    for (const result of assertions) {
      const state = result.status === 'passed' ? 'passed' : result.status === 'failed' ? 'failed' : 'skipped';
      const name = [...(result.ancestorTitles ?? []), result.title].join(' > ');
      tests.push({ file, name, state, ...(state === 'failed' && result.failureMessages?.[0] ? { message: firstLine(result.failureMessages[0]) } : {}) });
    }
  }
  return tests;
}

function firstLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}

function lastLines(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n').slice(-5).join(' | ');
}
