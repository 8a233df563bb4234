import { createTwoFilesPatch, diffLines } from 'diff';
import { style } from './style.js';

/** Line diff of two values' renderings: "-" lines are the reference's, "+" lines are yours. */
export function stateDiff(expected: string, actual: string): string {
  const lines: string[] = [];
  for (const part of diffLines(expected.endsWith('\n') ? expected : `${expected}\n`, actual.endsWith('\n') ? actual : `${actual}\n`)) {
    const text = part.value.replace(/\n$/, '').split('\n');
    for (const line of text) {
      if (part.added) lines.push(style.added(`+ ${line}`));
      else if (part.removed) lines.push(style.removed(`- ${line}`));
      else lines.push(style.dim(`  ${line}`));
    }
  }
  return lines.join('\n');
}

/** A unified diff of one file, coloured, without the patch header noise. */
export function fileDiff(file: string, before: string, after: string, labels: [string, string]): string {
  const patch = createTwoFilesPatch(`${labels[0]}/${file}`, `${labels[1]}/${file}`, before, after, undefined, undefined, { context: 3 });
  const lines = patch.split('\n').slice(1);
  return lines
    .filter((line) => line !== '\\ No newline at end of file')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return style.bold(line);
      if (line.startsWith('@@')) return style.code(line);
      if (line.startsWith('+')) return style.added(line);
      if (line.startsWith('-')) return style.removed(line);
      return line;
    })
    .join('\n')
    .trimEnd();
}
