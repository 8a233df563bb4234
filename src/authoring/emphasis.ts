import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hiddenSuites, type Exercise } from '../catalog/catalog.js';

/**
 * The author rule for briefs: emphasis must not point at the planted bugs. A learner who
 * reads only the bold phrases of a brief should not land on the rules the bugs break more
 * often than on the rules the starter already honours (the ones guards hold).
 *
 * Judged mechanically, and so only as a warning: each bold phrase (**…** or __…__) is
 * matched by its words and numbers against the names of the hidden tests. A phrase whose
 * best match is a bug test and no guard matches as well "singles out" a planted rule; the
 * brief is flagged when such phrases outnumber the bold phrases that match a guard at least
 * as well.
 */
export interface EmphasisReport {
  /** Bold phrases that point at a planted rule and at no honoured one. */
  planted: string[];
  /** Bold phrases that match a rule a guard holds at least as well. */
  honoured: string[];
}

const STOP = new Set(['the', 'and', 'for', 'with', 'that', 'this', 'are', 'was', 'not', 'its', 'but', 'any', 'all', 'one', 'from', 'into', 'than', 'then', 'when', 'only', 'never', 'same', 'also', 'each', 'every', 'more', 'less', 'both', 'still', 'after', 'before', 'which', 'there', 'their', 'has', 'have', 'been', 'does', 'can']);

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9_]+/)
      .filter((word) => (word.length >= 3 || /^\d+$/.test(word)) && !STOP.has(word))
      // A crude stem, so "charges" meets "charge" and "refunded" meets "refund".
      .map((word) => word.replace(/(ing|ed|es|s)$/, '')),
  );
}

export function boldPhrases(brief: string): string[] {
  return [...brief.matchAll(/\*\*([^*\n]+)\*\*|__([^_\n]+)__/g)].map((match) => (match[1] ?? match[2]!).trim());
}

/** The names of a suite's tests: `bug('<id>', '<name>', …)` and `guard('<name>', …)`. */
export function testNames(suite: string): { bugs: string[]; guards: string[] } {
  const bugs = [...suite.matchAll(/\bbug\(\s*(['"`])[^'"`]*\1\s*,\s*(['"`])((?:(?!\2).)*)\2/g)].map((match) => match[3]!);
  const guards = [...suite.matchAll(/\bguard\(\s*(['"`])((?:(?!\1).)*)\1/g)].map((match) => match[2]!);
  return { bugs, guards };
}

export function judgeEmphasis(brief: string, tests: { bugs: string[]; guards: string[] }): EmphasisReport {
  const overlap = (phrase: Set<string>, names: string[]) => Math.max(0, ...names.map((name) => [...words(name)].filter((word) => phrase.has(word)).length));
  const report: EmphasisReport = { planted: [], honoured: [] };
  for (const phrase of boldPhrases(brief)) {
    const own = words(phrase);
    const bug = overlap(own, tests.bugs);
    const guard = overlap(own, tests.guards);
    if (bug > guard) report.planted.push(phrase);
    else if (guard > 0) report.honoured.push(phrase);
  }
  return report;
}

/** The warning `author validate` gives, if any. */
export function emphasisWarnings(exercise: Exercise): string[] {
  const brief = readFileSync(exercise.briefPath, 'utf8');
  const tests = { bugs: [] as string[], guards: [] as string[] };
  for (const suite of hiddenSuites(exercise)) {
    const names = testNames(readFileSync(path.join(exercise.hiddenDir, suite), 'utf8'));
    tests.bugs.push(...names.bugs);
    tests.guards.push(...names.guards);
  }
  const { planted, honoured } = judgeEmphasis(brief, tests);
  if (planted.length === 0 || planted.length <= honoured.length) return [];
  const list = (phrases: string[]) => phrases.map((phrase) => `**${phrase}**`).join(', ');
  return [
    `${exercise.briefPath}: the brief's bold phrases point at the planted bugs: ${list(planted)} match rules only bug tests exercise, against ${honoured.length ? list(honoured) : 'none'} for rules the starter already honours. Emphasise honoured rules as much (at least as many), or drop the emphasis, so reading the brief for bold text does not find the bugs.`,
  ];
}
