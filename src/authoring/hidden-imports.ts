/**
 * What hidden code may import. The grader points `@impl/*` at the code being graded (the
 * learner's, the starter, a variant, a fixture); any other way of reaching the exercise's
 * code grades something fixed instead, so the test passes or fails whatever the learner
 * writes. The reference is allowed only where it is compared with: a file that calls
 * `compareWithReference`, or a helper (a world) that builds either side on request.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { hiddenSourceFiles } from './hidden-check.js';

const SPECIFIER = /\b(?:from\s*|import\s*\(\s*|import\s+|require\s*\(\s*)(['"])([^'"]+)\1/g;

/** A helper that builds either side: `side === 'reference'`, `side: Side`, a `'yours' | 'reference'` parameter. */
const BUILDS_EITHER_SIDE = /\bside\s*[!=]==?\s*['"]reference['"]|['"]reference['"]\s*[!=]==?\s*side\b|\bside\??\s*:\s*(?:Side\b|['"](?:yours|reference)['"])/;

function inside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export function hiddenImportProblems(exercise: Exercise): string[] {
  const problems: string[] = [];
  const solutionsRoot = path.dirname(exercise.solutionDir);
  for (const file of hiddenSourceFiles(exercise)) {
    const text = readFileSync(file, 'utf8');
    const comparesWithReference = /\bcompareWithReference\b/.test(text) || (!file.endsWith('.test.ts') && BUILDS_EITHER_SIDE.test(text));
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      const code = line.replace(/^\s*\/\/.*$/, '');
      for (const match of code.matchAll(SPECIFIER)) {
        const specifier = match[2]!;
        const where = `${file}:${index + 1}`;
        if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
          const target = path.resolve(path.dirname(file), specifier);
          const served = path.basename(specifier).replace(/\.[cm]?[jt]s$/, '');
          if (inside(target, exercise.starterDir)) {
            problems.push(`${where}: imports the starter by path ("${specifier}"): the test would always grade the starter, whatever the learner writes; import the code under test from "@impl/${served}"`);
          } else if (inside(target, solutionsRoot)) {
            problems.push(
              comparesWithReference
                ? `${where}: imports the reference by path ("${specifier}"): the grader only knows it as "@reference/${served}"; import it from there`
                : `${where}: imports the reference by path ("${specifier}") outside compareWithReference: the test would grade the reference, not the learner's code; import the code under test from "@impl/${served}"`,
            );
          }
        } else if (specifier.startsWith('@reference/') && !comparesWithReference) {
          problems.push(
            `${where}: imports "${specifier}" in a file that never calls compareWithReference: the test would grade the reference, not the learner's code; import the code under test from "@impl/${specifier.slice('@reference/'.length)}", and use the reference only as compareWithReference's reference side (or in a helper that builds either side, with a side: Side parameter)`,
          );
        }
      }
    });
  }
  return problems;
}
