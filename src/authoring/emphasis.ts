import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hiddenSuites, type Exercise } from '../catalog/catalog.js';
import { serve } from '../catalog/markers.js';
import { plantedRanges } from '../interview/planted.js';

/**
 * The author rule for what a learner reads: nothing singles out the planted bugs. A learner
 * who reads only the emphasised phrases of a brief, only its sentences with exact numbers, or
 * only the comments right above the code, should not land on the rules the bugs break more
 * often than on the rules the starter already honours (the ones guards hold).
 *
 * Everything here is judged by words: a phrase is matched by its words and numbers against
 * the names of the hidden tests (`bug('<id>', '<name>', …)` and `guard('<name>', …)`).
 *
 * - Emphasis in the brief (an error): bold (`**…**`, `__…__`), italics (`*…*`, `_…_`) and
 *   call-outs (a `>` quote, a line opening with "Note", "Important" or "Warning", a word in
 *   capitals such as MUST or NEVER). A phrase whose best match is a bug test, with no guard
 *   matching as well, points at a planted rule; the brief fails when such phrases outnumber
 *   the emphasised phrases that match a guard at least as well.
 * - Exact numbers in the brief (a warning): the same count over the brief's sentences that
 *   hold a number (code blocks left out). Specs are full of numbers, so this one only warns.
 * - Comments in served code (a warning): a comment block within COMMENT_REACH lines above a
 *   planted change, or inside it, that shares at least two words with a test name of that
 *   bug restates the rule the change breaks; and, by position alone, planted changes must not
 *   be commented markedly more often than the rest of the code (see judgeComments).
 */
export interface EmphasisReport {
  /** Phrases that point at a planted rule and at no honoured one. */
  planted: string[];
  /** Phrases that match a rule a guard holds at least as well. */
  honoured: string[];
}

export interface TestNames {
  bugs: string[];
  guards: string[];
  /** The bug test names of each bug id. */
  byBug: Map<string, string[]>;
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

const overlap = (phrase: Set<string>, names: string[]) => Math.max(0, ...names.map((name) => [...words(name)].filter((word) => phrase.has(word)).length));

/** The brief without fenced code blocks (examples, signatures); inline code keeps its words unless it holds `*` or `_`. */
function prose(brief: string): string {
  return brief.replace(/^```[\s\S]*?^```/gm, '').replace(/`([^`\n]*)`/g, (_, code: string) => (/[*_]/.test(code) ? ' ' : code));
}

export function boldPhrases(brief: string): string[] {
  return [...brief.matchAll(/\*\*([^*\n]+)\*\*|__([^_\n]+)__/g)].map((match) => (match[1] ?? match[2]!).trim());
}

const SHOUTED = new Set(['MUST', 'NEVER', 'ALWAYS', 'NOT', 'ONLY', 'IMPORTANT', 'WARNING', 'NOTE', 'CAUTION', 'EXACTLY', 'DO', "DON'T"]);

/** Every phrase the brief sets apart: bold, italics, quotes, call-outs and shouted words (with their sentence). */
export function emphasisedPhrases(brief: string): string[] {
  const text = prose(brief);
  const phrases = boldPhrases(text);
  const withoutBold = text.replace(/\*\*[^*\n]+\*\*|__[^_\n]+__/g, ' ');
  for (const match of withoutBold.matchAll(/(?<![*\w])\*(?![\s*])([^*\n]+?)\*(?![*\w])|(?<![_\w])_(?![\s_])([^_\n]+?)_(?![_\w])/g)) {
    phrases.push((match[1] ?? match[2]!).trim());
  }
  for (const line of text.split('\n')) {
    const callout = /^\s*(?:>\s*(.+)|(?:[-*]\s+)?(?:note|important|warning|caution)\b\s*[:!—-]\s*(.+))$/i.exec(line);
    if (callout) phrases.push((callout[1] ?? callout[2]!).trim());
    else if (line.split(/[^A-Za-z']+/).some((word) => SHOUTED.has(word) && word.length > 1 && word === word.toUpperCase() && /[A-Z]{2}/.test(word))) phrases.push(line.trim());
  }
  return phrases;
}

/** The brief's sentences that state an exact number (outside code). */
export function numberedSentences(brief: string): string[] {
  return prose(brief)
    .split(/\n\s*\n|\n(?=\s*(?:[-*]|\d+\.|\|)\s)/)
    .flatMap((block) => block.replace(/\s+/g, ' ').split(/(?<=[.;!?])\s+(?=[A-Z])/))
    .map((sentence) => sentence.trim())
    .filter((sentence) => /(?<![A-Za-z])\d+(?:[.,]\d+)?(?![A-Za-z])/.test(sentence.replace(/\bv[01]\b/g, '')));
}

/** The names of a suite's tests: `bug('<id>', '<name>', …)` and `guard('<name>', …)`. */
export function testNames(suite: string): TestNames {
  const names: TestNames = { bugs: [], guards: [], byBug: new Map() };
  for (const match of suite.matchAll(/\bbug\(\s*(['"`])([^'"`]*)\1\s*,\s*(['"`])((?:(?!\3).)*)\3/g)) {
    names.bugs.push(match[4]!);
    names.byBug.set(match[2]!, [...(names.byBug.get(match[2]!) ?? []), match[4]!]);
  }
  names.guards.push(...[...suite.matchAll(/\bguard\(\s*(['"`])((?:(?!\1).)*)\1/g)].map((match) => match[2]!));
  return names;
}

/** Sorts phrases into those that point only at a planted rule and those that match an honoured one. */
export function judgePhrases(phrases: string[], tests: Pick<TestNames, 'bugs' | 'guards'>): EmphasisReport {
  const report: EmphasisReport = { planted: [], honoured: [] };
  for (const phrase of phrases) {
    const own = words(phrase);
    const bug = overlap(own, tests.bugs);
    const guard = overlap(own, tests.guards);
    if (bug > guard) report.planted.push(phrase);
    else if (guard > 0) report.honoured.push(phrase);
  }
  return report;
}

export function judgeEmphasis(brief: string, tests: Pick<TestNames, 'bugs' | 'guards'>): EmphasisReport {
  return judgePhrases(emphasisedPhrases(brief), tests);
}

/** Singled out: at least one phrase points only at a planted rule, and more do than match honoured ones. */
export const singlesOut = (report: EmphasisReport) => report.planted.length > 0 && report.planted.length > report.honoured.length;

/** How many lines above a statement or a planted change a comment is taken to be about it. */
export const COMMENT_REACH = 3;

/** Served text of one file and the 1-based inclusive served ranges of its planted changes. */
export interface ServedFile {
  file: string;
  text: string;
  planted: { start: number; end: number; bug: string }[];
}

/**
 * Where the comments of served code sit. Judged over the served files that hold a planted
 * change:
 *
 * - a *statement line* is a code line with a letter or digit on it (not a comment, not a bare
 *   brace); it is *commented* when one of the COMMENT_REACH lines above it is a comment;
 * - a planted change is *commented* when one of the COMMENT_REACH lines above it, or one of its
 *   own lines, is a comment (a change that only removes lines is the gap between its two
 *   neighbours);
 * - `rate` is the commented share of statement lines outside planted changes; a change of k
 *   statement lines would be commented with chance 1 − (1 − rate)^k if comments were placed
 *   there as elsewhere, and `expected` sums that over the changes.
 *
 * Comments point at the bugs by position when at least two planted changes are commented and
 * more than twice the expected number plus one (the noise of a handful of changes) are.
 */
export interface CommentReport {
  commented: number;
  planted: number;
  expected: number;
  rate: number;
  /** `file:line` (as served) of each commented planted change. */
  where: string[];
}

const COMMENT = /^\s*(\/\/|\/\*|\*)|\*\/\s*$/;
const isComment = (line: string | undefined) => line !== undefined && COMMENT.test(line);
const isStatement = (line: string) => !isComment(line) && /[A-Za-z0-9]/.test(line);

export function judgeComments(files: ServedFile[], reach = COMMENT_REACH): CommentReport {
  const report: CommentReport = { commented: 0, planted: 0, expected: 0, rate: 0, where: [] };
  let outside = 0;
  let outsideCommented = 0;
  const lengths: number[] = [];
  for (const { file, text, planted } of files) {
    if (planted.length === 0) continue;
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    const inPlanted = (line: number) => planted.some((range) => line >= range.start && line <= range.end);
    lines.forEach((line, index) => {
      if (!isStatement(line) || inPlanted(index + 1)) return;
      outside += 1;
      if (lines.slice(Math.max(0, index - reach), index).some(isComment)) outsideCommented += 1;
    });
    for (const range of planted) {
      report.planted += 1;
      lengths.push(Math.max(1, lines.slice(range.start - 1, range.end).filter(isStatement).length));
      if (lines.slice(Math.max(0, range.start - 1 - reach), range.end).some(isComment)) {
        report.commented += 1;
        report.where.push(`${file}:${range.start}`);
      }
    }
  }
  report.rate = outside === 0 ? 0 : outsideCommented / outside;
  report.expected = lengths.reduce((sum, k) => sum + 1 - (1 - report.rate) ** k, 0);
  return report;
}

export const commentsPointAtBugs = (report: CommentReport) => report.commented >= 2 && report.commented > 2 * report.expected + 1;

/** A comment block of served code (its text without comment markers) and the planted change it sits on, if any. */
export interface RuleComment {
  file: string;
  /** 1-based served line of the block's first line. */
  line: number;
  text: string;
  bug?: string;
}

/**
 * Comments that restate the rule a planted change breaks: a comment block within `reach`
 * lines above a planted change of bug B, or inside it, sharing at least `minWords` words with
 * one of B's test names. The exercise's vocabulary (words in at least `commonShare` of all
 * its test names, such as "charge" or "key" in a payments exercise) does not count: every
 * comment of the exercise uses it; nor do the words the planted lines spell themselves (a doc
 * comment naming what a function computes is not a rule).
 */
export function ruleCommentsAtPlantedChanges(
  files: ServedFile[],
  tests: Pick<TestNames, 'bugs' | 'guards' | 'byBug'>,
  { reach = COMMENT_REACH, minWords = 2, commonShare = 0.2 } = {},
): RuleComment[] {
  const names = [...tests.bugs, ...tests.guards];
  const frequency = new Map<string, number>();
  for (const name of names) for (const word of words(name)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const common = new Set([...frequency].filter(([, count]) => count >= Math.max(2, commonShare * names.length)).map(([word]) => word));
  const byBug = new Map([...tests.byBug].map(([bug, list]) => [bug, list.map((name) => [...words(name)].filter((word) => !common.has(word)))]));
  const found: RuleComment[] = [];
  for (const { file, text, planted } of files) {
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    for (let index = 0; index < lines.length; index += 1) {
      if (!isComment(lines[index])) continue;
      let end = index;
      while (end + 1 < lines.length && isComment(lines[end + 1])) end += 1;
      const block = lines
        .slice(index, end + 1)
        .map((line) => line.replace(/^\s*(\/\*\*?|\*\/|\*|\/\/)\s?/, '').replace(/\*\/\s*$/, ''))
        .join(' ')
        .trim();
      // The block spans served lines index+1 … end+1 and is about the `reach` lines below it.
      const own = words(block);
      // Words the planted lines spell themselves (identifiers split at capitals) only name what the code does.
      const restates = (range: ServedFile['planted'][number]) => {
        const code = words(lines.slice(range.start - 1, range.end).filter(isStatement).join(' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2'));
        return (byBug.get(range.bug) ?? []).some((name) => name.filter((word) => own.has(word) && !code.has(word)).length >= minWords);
      };
      const on = planted.find((range) => range.start <= end + 1 + reach && range.end >= index + 1 && restates(range));
      if (on) found.push({ file, line: index + 1, text: block, bug: on.bug });
      index = end;
    }
  }
  return found;
}

function exerciseTests(exercise: Exercise): TestNames {
  const tests: TestNames = { bugs: [], guards: [], byBug: new Map() };
  for (const suite of hiddenSuites(exercise)) {
    const names = testNames(readFileSync(path.join(exercise.hiddenDir, suite), 'utf8'));
    tests.bugs.push(...names.bugs);
    tests.guards.push(...names.guards);
    for (const [bug, list] of names.byBug) tests.byBug.set(bug, [...(tests.byBug.get(bug) ?? []), ...list]);
  }
  return tests;
}

export function servedFiles(exercise: Exercise): ServedFile[] {
  const ranges = plantedRanges(exercise);
  return exercise.manifest.files.map((file) => ({
    file,
    text: serve(readFileSync(path.join(exercise.starterDir, file), 'utf8')),
    planted: ranges.filter((range) => range.file === file),
  }));
}

/** What `author validate` reports: emphasis in the brief is an error; numbers and comments, judged more loosely, warn. */
export function emphasisProblems(exercise: Exercise): { errors: string[]; warnings: string[] } {
  const brief = readFileSync(exercise.briefPath, 'utf8');
  const tests = exerciseTests(exercise);
  const errors: string[] = [];
  const warnings: string[] = [];
  const list = (phrases: string[]) => phrases.map((phrase) => `"${phrase}"`).join(', ');

  const emphasis = judgeEmphasis(brief, tests);
  if (singlesOut(emphasis)) {
    errors.push(
      `${exercise.briefPath}: the brief's emphasis points at the planted bugs: ${list(emphasis.planted)} (bold, italic or called out) match rules only bug tests exercise, against ${emphasis.honoured.length ? list(emphasis.honoured) : 'none'} for rules the starter already honours. State every rule the same way (drop the emphasis, or give honoured rules as much), so reading the brief for emphasis does not find the bugs.`,
    );
  }
  const numbers = judgePhrases(numberedSentences(brief), tests);
  if (singlesOut(numbers)) {
    warnings.push(
      `${exercise.briefPath}: the brief's exact numbers sit mostly in rules only bug tests exercise (${numbers.planted.length} sentences, against ${numbers.honoured.length} for honoured rules): ${list(numbers.planted)}. State the honoured rules' limits, windows and formats as exactly.`,
    );
  }

  const files = servedFiles(exercise);
  for (const comment of ruleCommentsAtPlantedChanges(files, tests)) {
    warnings.push(
      `${path.join(exercise.starterDir, comment.file)}:${comment.line} (served): the comment "${comment.text}" restates the rule that the change of "${comment.bug}" just below breaks. Remove it or move the intent to where it is honoured (the reference and every fixture get the same comment edit).`,
    );
  }
  const position = judgeComments(files);
  if (commentsPointAtBugs(position)) {
    warnings.push(
      `${exercise.starterDir}: ${position.commented} of ${position.planted} planted changes have a comment right above them (${position.where.join(', ')}), against about ${position.expected.toFixed(1)} if they were commented like the rest of the code (${Math.round(position.rate * 100)} % of statements). Comment correct code as often, or drop comments above the planted lines.`,
    );
  }
  return { errors, warnings };
}
