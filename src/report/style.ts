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

/**
 * The colour level (0 none … 3 truecolor) for this run: `--color`/`--no-color` win, then
 * FORCE_COLOR, then NO_COLOR (any non-empty value, https://no-color.org), then what the
 * terminal supports (`detected`).
 */
export function colorLevel(argv: string[], env: NodeJS.ProcessEnv, detected: number): number {
  const options = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined);
  const flag = options.filter((arg) => arg === '--color' || arg === '--no-color').at(-1);
  if (flag === '--no-color') return 0;
  if (flag === '--color') return Math.max(1, detected);
  // https://force-color.org: set and not empty, whatever the value ("0" and "false" excepted, as chalk does).
  if (env.FORCE_COLOR) {
    if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return 0;
    const level = Number.parseInt(env.FORCE_COLOR, 10);
    return Number.isNaN(level) ? Math.max(1, detected) : Math.min(Math.max(level, 1), 3);
  }
  if (env.NO_COLOR) return 0;
  return detected;
}

/** Applies colorLevel to the renderers (chalk alone ignores NO_COLOR and lets FORCE_COLOR beat the flags). */
export function applyColorChoice(argv: string[], env: NodeJS.ProcessEnv, isTTY: boolean): void {
  const detected = isTTY ? Math.max(chalk.level, 1) : 0;
  chalk.level = colorLevel(argv, env, detected) as typeof chalk.level;
}
