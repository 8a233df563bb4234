import { z } from 'zod';

export const BUG_CATEGORIES = [
  'race',
  'idempotency',
  'money',
  'rounding',
  'validation',
  'error-handling',
  'off-by-one',
  'state-machine',
  'security',
  'time',
  'ordering',
  'retry',
  'consistency',
] as const;

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

const id = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case: lowercase letters, digits and single hyphens (e.g. "refund-overflow")');

const relativeFile = z
  .string()
  .regex(/^(?!\/)(?!.*\.\.)[\w./-]+\.ts$/, 'must be a relative path to a .ts file inside starter/ (no "..", no leading "/")');

export const bugSchema = z.object({
  id,
  title: z.string().min(3, 'must be a one-line title'),
  category: z.enum(BUG_CATEGORIES, { error: `must be one of: ${BUG_CATEGORIES.join(', ')}` }),
  hints: z.array(z.string().min(3)).min(1, 'needs at least one hint, ordered from vague to specific'),
  explanation: z.string().min(20, 'must explain what was wrong, why it matters in production and how the reference fixes it'),
});

/** The mutation gate of `author validate --mutate` (docs/authoring.md, "Mutation score as a gate"). */
export const mutationSchema = z.object({
  threshold: z.number().min(0, 'must be a percentage from 0 to 100').max(100, 'must be a percentage from 0 to 100').optional(),
  equivalent: z
    .array(
      z.object({
        mutant: z.string().min(3, 'must be the mutant\'s key as `author mutate` prints it'),
        why: z.string().min(10, 'must say in a sentence why no behaviour the brief fixes can tell the mutant from the reference'),
      }),
    )
    .optional(),
});

export const DEFAULT_MUTATION_THRESHOLD = 90;

const visibleTestFile = z
  .string()
  .regex(/^(?!\/)(?!.*\.\.)[\w./-]+\.ts$/, 'must be a relative path to a .ts file inside starter/ (no "..", no leading "/"): a *.test.ts file, or a helper the tests import');

/**
 * A repository-scale exercise's own test suite, served beside the code and run by
 * `bugbash test` (docs/authoring.md, "Repository-scale exercises"): never graded, never mutated.
 */
export const visibleTestsSchema = z.object({
  files: z
    .array(visibleTestFile)
    .min(1, 'must list the visible test files (paths relative to starter/)')
    .refine((files) => files.some((file) => file.endsWith('.test.ts')), 'must list at least one *.test.ts file (the other files are helpers the tests import)'),
  /** The bug whose visible tests fail on the served code: the learner's way in. */
  entry: id,
});

export const manifestSchema = z
  .object({
    id,
    title: z.string().min(3),
    difficulty: z.enum(DIFFICULTIES, { error: `must be one of: ${DIFFICULTIES.join(', ')}` }),
    order: z.number().int().positive().optional(),
    summary: z.string().min(10),
    files: z.array(relativeFile).min(1, 'must list the served files (paths relative to starter/)'),
    timeLimitMinutes: z.number().int().positive().max(240),
    bugs: z.array(bugSchema).min(1, 'must declare at least one bug'),
    mutation: mutationSchema.optional(),
    /** Pooled exercises: how many of `bugs` one attempt plants (drawn with a seed). Absent: all of them. */
    plant: z.number({ error: 'must be a whole number of bugs to plant per attempt' }).int('must be a whole number of bugs to plant per attempt').min(1, 'must plant at least 1 bug per attempt').optional(),
    visibleTests: visibleTestsSchema.optional(),
  })
  .superRefine((manifest, context) => {
    const seen = new Set<string>();
    manifest.bugs.forEach((bug, index) => {
      if (seen.has(bug.id)) context.addIssue({ code: 'custom', path: ['bugs', index, 'id'], message: `duplicate bug id "${bug.id}"` });
      seen.add(bug.id);
    });
    if (manifest.plant !== undefined && manifest.plant >= manifest.bugs.length) {
      context.addIssue({
        code: 'custom',
        path: ['plant'],
        message: `is ${manifest.plant} but the pool has ${manifest.bugs.length} bug${manifest.bugs.length === 1 ? '' : 's'}: a pool plants fewer bugs than it declares (leave "plant" out to plant them all)`,
      });
    }
    const files = new Set<string>();
    manifest.files.forEach((file, index) => {
      if (files.has(file)) context.addIssue({ code: 'custom', path: ['files', index], message: `"${file}" is listed twice` });
      files.add(file);
    });
    const visible = manifest.visibleTests;
    if (visible) {
      visible.files.forEach((file, index) => {
        if (files.has(file)) context.addIssue({ code: 'custom', path: ['visibleTests', 'files', index], message: `"${file}" is also in "files": a visible test is served beside the code, never graded as the learner's code; list it in one place only` });
      });
      if (!manifest.bugs.some((bug) => bug.id === visible.entry)) {
        context.addIssue({ code: 'custom', path: ['visibleTests', 'entry'], message: `names "${visible.entry}", which is not one of the bugs (${manifest.bugs.map((bug) => bug.id).join(', ')}): the entry is the bug whose visible tests fail on the served code` });
      }
      if (manifest.plant !== undefined) {
        context.addIssue({ code: 'custom', path: ['visibleTests'], message: 'a pooled exercise cannot have an entry bug: the entry must be planted in every attempt; leave "plant" out, or "visibleTests" out' });
      }
    }
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type BugSpec = z.infer<typeof bugSchema>;
export type BugCategory = (typeof BUG_CATEGORIES)[number];

/** What each manifest field is for: a missing field is named with its purpose, not a schema message. */
const FIELD_PURPOSE: Record<string, string> = {
  id: 'the exercise id, kebab-case, the same as its folder',
  title: 'the one-line title `bugbash list` shows',
  difficulty: `how hard the exercise is (${DIFFICULTIES.join(', ')})`,
  summary: 'a sentence `bugbash list` shows under the title',
  files: 'the served files, relative to starter/ (e.g. ["refunds.ts"])',
  timeLimitMinutes: 'the suggested time in minutes, counted down by `start --interview`',
  bugs: 'the planted bugs, each with id, title, category, hints and explanation',
  plant: 'for a pooled exercise, how many of its bugs one attempt plants',
  'visibleTests.files': 'the visible test files served beside the code, relative to starter/',
  'visibleTests.entry': 'the bug whose visible tests fail on the served code (the entry point)',
  'bugs[].id': 'the bug id (kebab-case) that markers "// @bug <id>" and bug() tests use',
  'bugs[].title': 'the title a learner sees once the bug is fixed',
  'bugs[].category': `the kind of bug (${BUG_CATEGORIES.join(', ')})`,
  'bugs[].hints': 'the hints `bugbash hint` shows one at a time, from vague to specific',
  'mutation.equivalent[].mutant': "the surviving mutant's key, as `author mutate` prints it",
  'mutation.equivalent[].why': 'why the mutant cannot change any behaviour the brief fixes',
  'bugs[].explanation': 'what was wrong, why it matters in production and how the reference fixes it, shown once the bug is fixed',
};

/** Parses a manifest; returns readable problems ("bugs[2].hints: needs at least one hint…") instead of throwing. */
export function parseManifest(raw: unknown): { manifest?: Manifest; problems: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: ['(top level): must be a JSON object with id, title, difficulty, summary, files, timeLimitMinutes and bugs'] };
  const result = manifestSchema.safeParse(raw);
  if (result.success) return { manifest: result.data, problems: [] };
  return {
    problems: result.error.issues.map((issue) => {
      const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
      const field = issue.path.map((p) => (typeof p === 'number' ? '[]' : String(p))).join('.').replace(/\.\[\]/g, '[]');
      const purpose = FIELD_PURPOSE[field];
      if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) {
        return `${where}: missing${purpose ? `: ${purpose}` : ''}`;
      }
      return `${where}: ${issue.message}`;
    }),
  };
}

function valueAt(raw: unknown, at: PropertyKey[]): unknown {
  let value = raw;
  for (const key of at) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
