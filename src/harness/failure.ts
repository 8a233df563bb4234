/**
 * What a hidden test reports when the implementation misbehaves. Everything here is
 * written for the learner: a symptom in plain words, the interleaving that broke it
 * (for races), and the reference's state beside theirs. Never the test's source.
 */
export interface FailureDetails {
  /** What the learner's code did wrong, in the words a payments engineer would use. */
  symptom: string;
  /** The order in which operations and their async steps happened, one line each. */
  interleaving?: string[];
  /** What the reference (or the spec) produced. */
  expected?: unknown;
  /** What the learner's code produced. */
  actual?: unknown;
  /** The operations that led here, for model-based comparisons. */
  steps?: string[];
  /** The seed that reproduces the failure (sampled exploration, model comparison). */
  seed?: number;
  /** The failing ordering as transition keys: `explore({ replay })` runs exactly it. */
  schedule?: string[];
  /** How the scenario was explored when it failed, in words. */
  exploration?: string;
}

/** The structured-cloneable form that crosses the vitest worker boundary. */
export interface FailureReport {
  symptom: string;
  interleaving?: string[];
  steps?: string[];
  expected?: string;
  actual?: string;
  seed?: number;
  schedule?: string[];
  exploration?: string;
}

export class LearnerFailure extends Error {
  readonly details: FailureDetails;

  constructor(details: FailureDetails) {
    super(renderPlain(toReport(details)));
    this.name = 'LearnerFailure';
    this.details = details;
  }

  toReport(): FailureReport {
    return toReport(this.details);
  }
}

export function toReport(details: FailureDetails): FailureReport {
  const report: FailureReport = { symptom: details.symptom };
  if (details.interleaving?.length) report.interleaving = [...details.interleaving];
  if (details.steps?.length) report.steps = [...details.steps];
  if ('expected' in details && details.expected !== undefined) report.expected = show(details.expected);
  if ('actual' in details && details.actual !== undefined) report.actual = show(details.actual);
  if (details.seed !== undefined) report.seed = details.seed;
  if (details.schedule?.length) report.schedule = [...details.schedule];
  if (details.exploration) report.exploration = details.exploration;
  return report;
}

/** Stable, readable rendering of a value: sorted keys, bigint and errors made visible. */
export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(normalise(value), null, 2) ?? String(value);
}

function normalise(value: unknown): unknown {
  if (value === undefined) return '<undefined>';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return code !== undefined ? { error: String(code) } : { error: value.message };
  }
  if (value instanceof Map) return normalise(Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v])));
  if (value instanceof Set) return [...value].map(normalise);
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = normalise((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function renderPlain(report: FailureReport): string {
  const lines = [report.symptom];
  if (report.steps?.length) {
    lines.push('', 'Operations, in order:');
    report.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
  }
  if (report.interleaving?.length) {
    lines.push('', 'Interleaving that broke it:');
    report.interleaving.forEach((step) => lines.push(`  ${step}`));
  }
  if (report.expected !== undefined || report.actual !== undefined) {
    lines.push('', `Expected (reference): ${report.expected ?? '-'}`, `Yours: ${report.actual ?? '-'}`);
  }
  return lines.join('\n');
}

/** Fails the current test with a learner-facing symptom. */
export function fail(symptom: string, details: Omit<FailureDetails, 'symptom'> = {}): never {
  throw new LearnerFailure({ symptom, ...details });
}
