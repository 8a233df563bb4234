import chalk from 'chalk';

/** Symbols carry the meaning; colour only underlines it (NO_COLOR output reads the same). */
export const symbols = {
  fixed: '✔',
  present: '✘',
  regression: '!',
  notChecked: '?',
  bullet: '•',
};

export const style = {
  ok: (text: string) => chalk.green(text),
  bad: (text: string) => chalk.red(text),
  warn: (text: string) => chalk.yellow(text),
  dim: (text: string) => chalk.dim(text),
  bold: (text: string) => chalk.bold(text),
  code: (text: string) => chalk.cyan(text),
  added: (text: string) => chalk.green(text),
  removed: (text: string) => chalk.red(text),
};

export function indent(text: string, by = 2): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}
