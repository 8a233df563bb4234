/**
 * Words that give a planted bug away. Two lists, because code and prose differ:
 *
 * - served code (comments and identifiers, not string literals) gets the strict list: a
 *   comment "not atomic" or an identifier `offByOne` in production code is a pointer to the
 *   bug, and no correct code needs those words;
 * - the brief and the hints must talk about concurrency, locks and atomic operations to
 *   specify the behaviour, so they are checked only for words that point at a *planted* bug:
 *   "bug", "fixme", "off-by-one", "not atomic", "race condition" and the like ("find and fix
 *   the bugs", the task itself, is allowed).
 *
 * Identifiers are split into words (camelCase, snake_case, kebab-case), and an entry of
 * several words ("off by one") matches those words in a row, however they are joined.
 */

/**
 * Served code: comments and identifiers. Single words that correct code also uses for its
 * API ("atomically inserts", a `LockService`, "never applied twice") are matched only in
 * phrases that claim a defect ("not atomic", "double charge").
 */
export const DEFAULT_LEAK_WORDS = [
  'bug', 'bugs', 'buggy', 'fixme', 'todo', 'xxx', 'hack', 'hacky', 'race', 'races', 'racy', 'raced', 'broken', 'wrong', 'vulnerable', 'unsafe',
  'intentional', 'intentionally', 'planted', 'nonatomic', 'toctou',
  'off by one', 'not atomic', 'non atomic', 'isn t atomic', 'race condition', 'check then act', 'lost update', 'not locked', 'without a lock', 'without locking',
  'double charge', 'double charged', 'double charges', 'double spend', 'double refund', 'charge twice', 'charged twice', 'both get here',
];

/** The brief and the hints: only words that point at a planted bug, never at the spec. */
export const PROSE_LEAK_WORDS = [
  'bug', 'bugs', 'buggy', 'fixme', 'todo', 'xxx', 'planted', 'off by one', 'not atomic', 'non atomic', 'nonatomic', 'race condition', 'racy',
];

/** "Find and fix the bugs": the task itself, which every brief may state. */
const TASK_STATEMENT = /\b(?:find|fix|spot)(?:\s+and\s+(?:fix|find))?\s+(?:the|all|every|any|its|these)\s+(?:\w+\s+)?bugs?\b/gi;

export interface Leak {
  file: string;
  line: number;
  word: string;
  text: string;
}

/** Splits identifiers and prose into lowercase words: "raceCheck_TODO" → race, check, todo; "offByOne" → off, by, one. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The entries of `list` (single words or phrases) found in `text`, in order, each once. */
export function matchLeakWords(text: string, list: string[]): string[] {
  const found = words(text);
  const hits: string[] = [];
  for (const entry of list) {
    const phrase = words(entry);
    if (phrase.length === 0) continue;
    for (let start = 0; start + phrase.length <= found.length; start++) {
      if (phrase.every((word, offset) => found[start + offset] === word)) {
        hits.push(entry);
        break;
      }
    }
  }
  // "not atomic" also contains "atomic": report the longer entry alone.
  return hits.filter((hit) => !hits.some((other) => other !== hit && other.length > hit.length && ` ${words(other).join(' ')} `.includes(` ${words(hit).join(' ')} `)));
}

/** Leaks in served code: string literals are left out (error messages name states, not bugs). */
export function findLeaks(file: string, served: string, leakWords: string[]): Leak[] {
  const leaks: Leak[] = [];
  served.split('\n').forEach((text, index) => {
    const stripped = text.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '""');
    for (const word of matchLeakWords(stripped, leakWords)) leaks.push({ file, line: index + 1, word, text: text.trim() });
    if (/@bug\b/.test(text)) leaks.push({ file, line: index + 1, word: '@bug', text: text.trim() });
  });
  return leaks;
}

/** Leaks in prose (brief.md, a hint): every line, code spans included. */
export function findProseLeaks(file: string, prose: string, leakWords: string[] = PROSE_LEAK_WORDS): Leak[] {
  const leaks: Leak[] = [];
  prose.split('\n').forEach((text, index) => {
    for (const word of matchLeakWords(text.replace(TASK_STATEMENT, ''), leakWords)) leaks.push({ file, line: index + 1, word, text: text.trim() });
    if (/@bug\b/.test(text)) leaks.push({ file, line: index + 1, word: '@bug', text: text.trim() });
  });
  return leaks;
}
