import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { BUG_CATEGORIES, type BugCategory } from '../catalog/manifest.js';
import { UsageError } from '../errors.js';

/** The file a learner named, as one of the exercise's files: "processor.ts", "bugbash/<id>/processor.ts" or an absolute path. */
export function exerciseFile(exercise: Exercise, exerciseDir: string, given: string): string {
  const normalised = given.split(path.sep).join('/');
  const absolute = path.resolve(given);
  const match = exercise.manifest.files.find((file) => file === normalised || absolute === path.join(exerciseDir, file) || normalised.endsWith(`/${exercise.id}/${file}`));
  if (match) return match;
  throw new UsageError(`"${given}" is not a file of ${exercise.id}: mark one of ${exercise.manifest.files.join(', ')}.`);
}

/** Lines of a text as an editor numbers them (a final newline does not start another line). */
export function countLines(text: string): number {
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

export function lineNumber(value: string | number, lineCount: number, flag: string): number {
  const line = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(line) || line < 1 || line > lineCount) throw new UsageError(`${flag} must be a line number from 1 to ${lineCount} (the file has ${lineCount} lines); got "${value}".`);
  return line;
}

export function category(value: string): BugCategory {
  const found = BUG_CATEGORIES.find((candidate) => candidate === value.trim().toLowerCase());
  if (!found) throw new UsageError(`"${value}" is not a bug category; use one of: ${BUG_CATEGORIES.join(', ')}.`);
  return found;
}

/** One line, as the learner would say it to the interviewer. */
export function explanation(value: string): string {
  const why = value.replace(/\s+/g, ' ').trim();
  if (why.length < 3) throw new UsageError('--why needs a one-line explanation of the bug (what goes wrong, and when).');
  if (why.length > 300) throw new UsageError(`--why is ${why.length} characters; keep it to one line (at most 300).`);
  return why;
}

/** Turns a thrown usage error into a prompt's validation message. */
export function validator<T>(parse: (value: string) => T): (value: string) => string | true {
  return (value) => {
    try {
      parse(value);
      return true;
    } catch (error) {
      return (error as Error).message;
    }
  };
}
