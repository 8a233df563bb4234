import { fail, show } from './failure.js';

/** Fails with `symptom` unless `actual` deep-equals `expected` (keys compared in sorted order). */
export function expectSame(actual: unknown, expected: unknown, symptom: string): void {
  if (show(actual) !== show(expected)) fail(symptom, { expected, actual });
}

/** Fails with `symptom` unless `condition` holds. */
export function expectThat(condition: boolean, symptom: string, details: { expected?: unknown; actual?: unknown; interleaving?: string[] } = {}): asserts condition {
  if (!condition) fail(symptom, details);
}

/** The `code` of an error the implementation threw, or its name, or its message. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') return String(code);
    if (error instanceof Error) return error.name === 'Error' ? error.message : error.name;
  }
  return String(error);
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; code: string };

/** Awaits a call and returns how it ended, without throwing. */
export async function outcome<T>(call: Promise<T> | (() => Promise<T> | T)): Promise<Outcome<T>> {
  try {
    const value = await (typeof call === 'function' ? call() : call);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error, code: errorCode(error) };
  }
}

/** Expects the call to fail with an error whose code is `code`; returns the error. */
export async function expectRejects(call: Promise<unknown> | (() => Promise<unknown> | unknown), code: string, symptom: string): Promise<unknown> {
  const result = await outcome(call);
  if (result.ok) fail(symptom, { expected: { error: code }, actual: { returned: result.value } });
  if (result.code !== code) fail(symptom, { expected: { error: code }, actual: { error: result.code } });
  return result.error;
}

/** Expects the call to succeed; returns its value. */
export async function expectResolves<T>(call: Promise<T> | (() => Promise<T> | T), symptom: string): Promise<T> {
  const result = await outcome(call);
  if (!result.ok) fail(symptom, { expected: 'success', actual: { error: result.code } });
  return result.value;
}
