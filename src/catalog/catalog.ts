import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import { STAMP_FILE, stampState } from './stamp.js';
import { ExerciseFormatError, UsageError } from '../errors.js';
import { parseManifest, type BugSpec, type Manifest } from './manifest.js';
import { computeHunks, malformedMarkers, type Hunk } from './markers.js';
import type { Draw } from './pool.js';


/** A directory laid out like ours: exercises/<id>/ and solutions/<id>/. */
export interface ExerciseSet {
  root: string;
  bundled: boolean;
}

export interface Exercise {
  id: string;
  manifest: Manifest;
  set: ExerciseSet;
  /** exercises/<id>/ */
  dir: string;
  starterDir: string;
  solutionDir: string;
  hiddenDir: string;
  briefPath: string;
  /** The bugs graded, hinted and scored: every bug, or for one attempt of a pooled exercise the drawn ones (see pool.ts). */
  bugs: BugSpec[];
  /** Set on one attempt's view of a pooled exercise: which bugs it plants. */
  draw?: Draw;
}

/** An exercise that could not be loaded: listed with its problems, never served. */
export interface BrokenExercise {
  id: string;
  set: ExerciseSet;
  problems: string[];
}

export interface Catalog {
  exercises: Exercise[];
  broken: BrokenExercise[];
}

export interface CatalogOptions {
  /** Extra set directories (--sets, BUGBASH_SETS). */
  sets?: string[];
  /** Leave out the bundled set (tests of external sets). */
  withoutBundled?: boolean;
  /** Serve external sets without a successful `author validate` (authoring and tests). */
  trustSets?: boolean;
}

export function setDirsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.BUGBASH_SETS ?? '').split(path.delimiter).filter((dir) => dir.trim() !== '');
}

export function loadCatalog(options: CatalogOptions = {}): Catalog {
  const sets: ExerciseSet[] = [
    ...(options.withoutBundled ? [] : [{ root: PACKAGE_ROOT, bundled: true }]),
    ...(options.sets ?? []).map((dir) => ({ root: path.resolve(dir), bundled: false })),
  ];
  const exercises: Exercise[] = [];
  const broken: BrokenExercise[] = [];
  const where = new Map<string, string>();
  for (const set of sets) {
    const exercisesDir = path.join(set.root, 'exercises');
    if (!existsSync(exercisesDir)) {
      if (!set.bundled) throw new UsageError(`${set.root} is not an exercise set: it has no exercises/ folder (a set has exercises/<id>/ and solutions/<id>/, see docs/authoring.md)`);
      continue;
    }
    for (const id of readdirSync(exercisesDir).sort()) {
      const dir = path.join(exercisesDir, id);
      if (!statSync(dir).isDirectory()) continue;
      const previous = where.get(id);
      if (previous) {
        throw new UsageError(`exercise id "${id}" is defined twice: in ${previous} and in ${dir}. Rename one of them (folder and "id" in exercise.json).`);
      }
      where.set(id, dir);
      try {
        const exercise = loadExercise(set, id);
        const stamp = set.bundled || options.trustSets ? 'validated' : stampState(exercise);
        if (stamp !== 'validated') {
          const why = stamp === 'edited' ? `edited since it was validated (its ${STAMP_FILE} is for other files)` : 'not validated';
          broken.push({ id, set, problems: [`${why}: an external exercise is served once it passes \`bugbash author validate ${id} --sets ${set.root}\` (re-run it after every change)`] });
          continue;
        }
        exercises.push(exercise);
      } catch (error) {
        if (!(error instanceof ExerciseFormatError)) throw error;
        broken.push({ id, set, problems: error.message.split('\n') });
      }
    }
  }
  exercises.sort((a, b) => (a.manifest.order ?? 1_000) - (b.manifest.order ?? 1_000) || a.id.localeCompare(b.id));
  return { exercises, broken };
}

/** Loads one exercise and checks its structure; every problem found is reported at once. */
export function loadExercise(set: ExerciseSet, id: string): Exercise {
  const dir = path.join(set.root, 'exercises', id);
  const manifestPath = path.join(dir, 'exercise.json');
  if (!existsSync(manifestPath)) throw new ExerciseFormatError('missing: every exercise needs an exercise.json manifest (see docs/authoring.md)', manifestPath);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new ExerciseFormatError(`is not valid JSON (${(error as Error).message}); fix the syntax`, manifestPath);
  }
  const { manifest, problems } = parseManifest(raw);
  if (!manifest) throw new ExerciseFormatError(problems.map((p) => `${manifestPath}: ${p}`).join('\n'));
  const exercise: Exercise = {
    id,
    manifest,
    set,
    dir,
    starterDir: path.join(dir, 'starter'),
    solutionDir: path.join(set.root, 'solutions', id),
    hiddenDir: path.join(dir, 'hidden'),
    briefPath: path.join(dir, 'brief.md'),
    bugs: manifest.bugs,
  };
  const missing: string[] = [];
  if (manifest.id !== id) missing.push(`${manifestPath}: id: is "${manifest.id}" but the folder is "${id}"; make them the same`);
  if (!existsSync(exercise.briefPath)) missing.push(`${exercise.briefPath}: missing: write the brief (the spec the learner reads)`);
  for (const file of manifest.files) {
    if (!existsSync(path.join(exercise.starterDir, file))) missing.push(`${path.join(exercise.starterDir, file)}: missing: listed in "files" of exercise.json`);
    if (!existsSync(path.join(exercise.solutionDir, file))) missing.push(`${path.join(exercise.solutionDir, file)}: missing: the reference needs every file the starter has`);
  }
  for (const file of manifest.visibleTests?.files ?? []) {
    if (!existsSync(path.join(exercise.starterDir, file))) missing.push(`${path.join(exercise.starterDir, file)}: missing: listed in "visibleTests.files" of exercise.json`);
  }
  if (hiddenSuites(exercise).length === 0) missing.push(`${exercise.hiddenDir}: no hidden suites: add at least one *.test.ts`);
  if (missing.length > 0) throw new ExerciseFormatError(missing.join('\n'));
  return exercise;
}

export function hiddenSuites(exercise: Exercise): string[] {
  if (!existsSync(exercise.hiddenDir)) return [];
  return readdirSync(exercise.hiddenDir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.test.ts'))
    .sort();
}

export function findExercise(catalog: Catalog, id: string): Exercise {
  const exercise = catalog.exercises.find((candidate) => candidate.id === id);
  if (exercise) return exercise;
  const broken = catalog.broken.find((candidate) => candidate.id === id);
  if (broken) throw new ExerciseFormatError(`exercise "${id}" cannot be served until its set is fixed:\n${broken.problems.join('\n')}`);
  const known = catalog.exercises.map((candidate) => candidate.id);
  const close = closestIds(id, known);
  throw new UsageError(`no exercise "${id}".${close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : ''} Run \`bugbash list\` to see them all.`);
}

/** Edit distance (insertions, deletions, substitutions, and swaps of neighbours count one). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i]![j] = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i]![j] = Math.min(rows[i]![j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}

/** Ids a mistyped one probably meant: a prefix or part of it, or within a few edits. */
export function closestIds(id: string, known: string[]): string[] {
  const contained = known.filter((candidate) => candidate.includes(id) || id.includes(candidate));
  if (contained.length > 0) return contained;
  const limit = Math.max(2, Math.floor(id.length / 4));
  const scored = known.map((candidate) => ({ candidate, distance: editDistance(id, candidate) })).filter(({ distance }) => distance <= limit);
  const best = Math.min(...scored.map(({ distance }) => distance));
  return scored.filter(({ distance }) => distance === best).map(({ candidate }) => candidate);
}

/** Starter and reference text of every served file, with the hunks between them. */
export function exerciseHunks(exercise: Exercise): { hunks: Hunk[]; problems: string[] } {
  const hunks: Hunk[] = [];
  const problems: string[] = [];
  for (const file of exercise.manifest.files) {
    const starterPath = path.join(exercise.starterDir, file);
    const starter = readFileSync(starterPath, 'utf8');
    const reference = readFileSync(path.join(exercise.solutionDir, file), 'utf8');
    problems.push(...malformedMarkers(file, starter).map((p) => `${starterPath}:${p.line}: ${p.message}`));
    hunks.push(...computeHunks(file, starter, reference));
  }
  return { hunks, problems };
}
