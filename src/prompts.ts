/**
 * The only module that talks to @inquirer/prompts. Ctrl-C at a prompt becomes a
 * CancelledError (exit 130, no stack trace); without a terminal we never prompt.
 */
import { CancelledError, UsageError } from './errors.js';

export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

async function guard<T>(prompt: () => Promise<T>): Promise<T> {
  try {
    return await prompt();
  } catch (error) {
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) throw new CancelledError();
    throw error;
  }
}

/** Asks yes/no; without a terminal, `assumeYes` must be given (--yes). */
export async function confirmAction(message: string, assumeYes: boolean | undefined, flagHint = '--yes'): Promise<boolean> {
  if (assumeYes) return true;
  if (!interactive()) throw new UsageError(`${message} — there is no terminal to ask, so pass ${flagHint} to confirm.`);
  const { confirm } = await import('@inquirer/prompts');
  return guard(() => confirm({ message, default: false }));
}

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export async function choose<T>(message: string, choices: Choice<T>[]): Promise<T> {
  const { select } = await import('@inquirer/prompts');
  return guard(() => select({ message, choices, pageSize: 12 }));
}

/** Asks for one line of text; `validate` returns an error message or true. */
export async function askText(message: string, validate?: (value: string) => string | true): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return guard(() => input({ message, validate: validate ?? (() => true) }));
}
