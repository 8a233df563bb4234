import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mutateExercise, type MutationReport } from '../../src/authoring/mutate.js';
import { tempDir } from '../support/cli.js';
import { BASIC_SET, fixtureExercise } from '../support/fixtures.js';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

const BOUNDARY_KEY = 'wallet.ts · if (!Number.isInteger(amount) || amount <= 0) { · <= → < in amount <= 0';

describe('author mutate', () => {
  let plain: MutationReport;

  it('kills a mutant the hidden tests catch and reports one they miss as a diff, with a key that names it', async () => {
    const progress: number[] = [];
    plain = await mutateExercise(fixtureExercise(), { onProgress: (done) => progress.push(done) });
    expect(plain.total).toBeGreaterThan(5);
    expect(progress.at(-1)).toBe(plain.total);

    // Removing the amount guard lets -50 through: the negative-amount test kills it.
    const survivors = plain.survivors.map((survivor) => survivor.mutant.description);
    expect(survivors.some((d) => d.startsWith('guard clause removed: !Number.isInteger(amount) || amount <= 0'))).toBe(false);
    expect(plain.byOperator['remove-guard']!.killed).toBeGreaterThan(0);

    // Nothing tests a withdrawal of exactly 0, so `amount <= 0` → `amount < 0` survives.
    const boundary = plain.survivors.find((survivor) => survivor.mutant.description === '<= → < in amount <= 0');
    expect(boundary?.mutant.key).toBe(BOUNDARY_KEY);
    expect(boundary?.diff).toContain('+    if (!Number.isInteger(amount) || amount < 0) {');
    expect(boundary?.diff).toContain('-    if (!Number.isInteger(amount) || amount <= 0) {');
    expect(plain.score).toBe(Math.floor(((plain.killed + plain.timeouts) / plain.total) * 1000) / 10);
    expect(plain.passed).toBe(plain.score >= 90);
  });

  it('gates on the manifest threshold; marked equivalents are graded but not counted, stale marks are named', async () => {
    const root = tempDir('bugbash-mutate-');
    created.push(root);
    cpSync(BASIC_SET, root, { recursive: true });
    const manifestPath = path.join(root, 'exercises/tiny-wallet/exercise.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.mutation = {
      threshold: 100,
      equivalent: [
        { mutant: BOUNDARY_KEY, why: 'stands for an equivalent mutant in this test' },
        { mutant: 'wallet.ts · a line that no longer exists · 1 → 2', why: 'the code moved on since this was marked' },
      ],
    };
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    const report = await mutateExercise(fixtureExercise('tiny-wallet', root));
    expect(report.total).toBe(plain.total);
    expect(report.equivalent).toBe(1);
    expect(report.survivors.map((s) => s.mutant.key)).toEqual(plain.survivors.map((s) => s.mutant.key).filter((key) => key !== BOUNDARY_KEY));
    expect(report.unknownMarks).toEqual(['wallet.ts · a line that no longer exists · 1 → 2']);
    expect(report.killedEquivalents).toEqual([]);
    expect(report.passed).toBe(report.survived === 0);
    expect(report.threshold).toBe(100);
  });
});

describe('mutants', () => {
  it('a // mutate-ignore comment on a line, or alone above it, marks that line\'s mutants equivalent with its reason', async () => {
    const morph = await import('ts-morph');
    const { generateMutants } = await import('../../src/authoring/mutants.js');
    const source = [
      'export function fee(amount: number): number {',
      '  // mutate-ignore: the minimum is applied again by the caller',
      '  if (amount < 50) return 50;',
      '  return amount > 1000 ? 30 : 10; // mutate-ignore: flat fees are not part of the brief',
      '}',
      'export const cap = (amount: number) => Math.min(amount, 99);',
      '',
    ].join('\n');
    const mutants = generateMutants(morph, 'fees.ts', new morph.Project({ useInMemoryFileSystem: true }).createSourceFile('/fees.ts', source));
    const byLine = (line: number) => mutants.filter((mutant) => mutant.line === line);
    expect(byLine(3).length).toBeGreaterThan(0);
    expect(new Set(byLine(3).map((mutant) => mutant.ignored))).toEqual(new Set(['the minimum is applied again by the caller']));
    expect(new Set(byLine(4).map((mutant) => mutant.ignored))).toEqual(new Set(['flat fees are not part of the brief']));
    expect(byLine(6).every((mutant) => mutant.ignored === undefined)).toBe(true);
    // Keys carry the line without the comment, so marking a line does not rename its mutants.
    expect(byLine(4).map((mutant) => mutant.key)).toContain('fees.ts · return amount > 1000 ? 30 : 10; · > → >= in amount > 1000');
  });
});
