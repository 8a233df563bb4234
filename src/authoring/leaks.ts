/** Words that give a bug away when they appear in served code (comments or identifiers). */
export const DEFAULT_LEAK_WORDS = ['bug', 'bugs', 'buggy', 'fixme', 'todo', 'xxx', 'hack', 'race', 'racy', 'broken', 'wrong', 'vulnerable', 'unsafe', 'intentional', 'planted'];

export interface Leak {
  file: string;
  line: number;
  word: string;
  text: string;
}

/** Splits identifiers and prose into lowercase words: "raceCheck_TODO" → race, check, todo. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function findLeaks(file: string, served: string, leakWords: string[]): Leak[] {
  const wanted = new Set(leakWords.map((word) => word.toLowerCase()));
  const leaks: Leak[] = [];
  served.split('\n').forEach((text, index) => {
    const stripped = text.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '""');
    for (const word of words(stripped)) {
      if (wanted.has(word)) leaks.push({ file, line: index + 1, word, text: text.trim() });
    }
    if (/@bug\b/.test(text)) leaks.push({ file, line: index + 1, word: '@bug', text: text.trim() });
  });
  return leaks;
}
