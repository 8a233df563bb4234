/**
 * Fixtures of an exercise, in the set format: fixed versions a learner might write, each
 * holding only the files it changes (the rest are the reference's).
 *
 *   fixtures/alternatives/<name>/…   a correct fix other than the reference's: must be solved
 *   fixtures/wrong/<name>/…          a plausible wrong fix, with fixture.json naming the bugs
 *                                    it must leave present: {"present": ["bug-id"], "why": "…"}
 *
 * `author validate` grades every fixture, so a bundled or external set cannot ship hidden
 * tests that pass a wrong fix.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Exercise } from './catalog.js';

export interface Fixture {
  kind: 'alternative' | 'wrong';
  name: string;
  dir: string;
  /** Overlaid on the reference: relative path → content. */
  files: Map<string, string>;
  /** For wrong fixes: the bugs that must still be reported present. */
  present: string[];
  why?: string;
}

const WrongManifest = z.object({
  present: z.array(z.string()).min(1, 'name at least one bug the wrong fix leaves present'),
  why: z.string().optional(),
});

export const FIXTURE_MANIFEST = 'fixture.json';

export function loadFixtures(exercise: Exercise): { fixtures: Fixture[]; problems: string[] } {
  const fixtures: Fixture[] = [];
  const problems: string[] = [];
  const declared = new Set(exercise.bugs.map((bug) => bug.id));
  for (const [kind, folder] of [['alternative', 'alternatives'], ['wrong', 'wrong']] as const) {
    const root = path.join(exercise.dir, 'fixtures', folder);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const dir = path.join(root, name);
      if (!statSync(dir).isDirectory()) continue;
      const files = new Map<string, string>();
      for (const file of readdirSync(dir, { recursive: true }).map(String).sort()) {
        if (file === FIXTURE_MANIFEST || !statSync(path.join(dir, file)).isFile()) continue;
        if (!exercise.manifest.files.includes(file.split(path.sep).join('/'))) {
          problems.push(`${path.join(dir, file)}: a fixture may only hold the exercise's files (${exercise.manifest.files.join(', ')})`);
          continue;
        }
        files.set(file, readFileSync(path.join(dir, file), 'utf8'));
      }
      if (files.size === 0) problems.push(`${dir}: the fixture holds none of the exercise's files`);
      let present: string[] = [];
      let why: string | undefined;
      if (kind === 'wrong') {
        const manifestPath = path.join(dir, FIXTURE_MANIFEST);
        if (!existsSync(manifestPath)) {
          problems.push(`${manifestPath}: missing; a wrong fix says which bugs it leaves present: {"present": ["bug-id"], "why": "what is wrong with it"}`);
          continue;
        }
        const parsed = WrongManifest.safeParse(safeJson(readFileSync(manifestPath, 'utf8')));
        if (!parsed.success) {
          problems.push(`${manifestPath}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'the file'}: ${issue.message}`).join('; ')}`);
          continue;
        }
        present = parsed.data.present;
        why = parsed.data.why;
        for (const bug of present) if (!declared.has(bug)) problems.push(`${manifestPath}: "${bug}" is not a bug of ${exercise.id} (bugs: ${[...declared].join(', ')})`);
      }
      fixtures.push({ kind, name, dir, files, present, why });
    }
  }
  return { fixtures, problems };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
