import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exerciseHunks, type Exercise } from './catalog.js';
import { applyHunks, type Hunk } from './markers.js';

/**
 * Bug pools: an exercise may declare more bugs than one attempt plants (`"plant": 6` with 9
 * bugs). Each attempt draws which bugs to plant from a seed, so the same exercise can be
 * practised several times without knowing where the bugs are, and a seed replays an attempt.
 */

/** The bugs one attempt of a pooled exercise plants, and the seed they were drawn with. */
export interface Draw {
  seed: number;
  /** Bug ids, in the manifest's order. */
  planted: string[];
}

/** The largest seed `start --seed` accepts; drawn seeds are smaller, to stay easy to type. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export function isPooled(exercise: Pick<Exercise, 'manifest'>): boolean {
  return exercise.manifest.plant !== undefined;
}

/** How many bugs one attempt plants: `plant`, or every bug of a non-pooled exercise. */
export function plantedCount(exercise: Pick<Exercise, 'manifest'>): number {
  return exercise.manifest.plant ?? exercise.manifest.bugs.length;
}

export function isSeed(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The bugs a seed plants: a pure function of the exercise id, the pool's bug ids and the seed,
 * the same on every machine. Each bug gets a key, sha256(exercise id, seed, bug id); the
 * `plant` smallest keys win. A bug's key does not depend on the other bugs, so adding a bug to
 * the pool changes a draw only where the new bug wins a place.
 */
export function drawBugs(exerciseId: string, pool: string[], plant: number, seed: number): string[] {
  const key = (bug: string) => createHash('sha256').update(`${exerciseId}\0${seed}\0${bug}`).digest('hex');
  const chosen = new Set(
    pool
      .map((bug) => ({ bug, key: key(bug) }))
      .sort((a, b) => a.key.localeCompare(b.key))
      .slice(0, plant)
      .map(({ bug }) => bug),
  );
  return pool.filter((bug) => chosen.has(bug));
}

/** The draw for `seed` of a pooled exercise. */
export function drawFor(exercise: Pick<Exercise, 'id' | 'manifest'>, seed: number): Draw {
  return { seed, planted: drawBugs(exercise.id, exercise.manifest.bugs.map((bug) => bug.id), plantedCount(exercise), seed) };
}

/**
 * A draw read back from progress, checked against the exercise as it is now: the recorded
 * bugs when they are still a draw of this pool, else the seed's draw again, else none.
 */
export function recordedDraw(exercise: Pick<Exercise, 'id' | 'manifest'>, recorded: unknown): Draw | undefined {
  if (!isPooled(exercise) || typeof recorded !== 'object' || recorded === null) return undefined;
  const { seed, planted } = recorded as Partial<Draw>;
  if (!isSeed(seed)) return undefined;
  const pool = exercise.manifest.bugs.map((bug) => bug.id);
  const sound =
    Array.isArray(planted) &&
    planted.length === plantedCount(exercise) &&
    new Set(planted).size === planted.length &&
    planted.every((bug) => typeof bug === 'string' && pool.includes(bug));
  return sound ? { seed, planted: pool.filter((bug) => planted.includes(bug)) } : drawFor(exercise, seed);
}

/**
 * One attempt's view of an exercise: `bugs` are the drawn bugs only (every grader, report,
 * hint and scorecard iterates `bugs`), `manifest.bugs` stays the whole pool.
 */
export function plantedExercise(exercise: Exercise, draw: Draw): Exercise {
  const planted = new Set(draw.planted);
  return { ...exercise, bugs: exercise.manifest.bugs.filter((bug) => planted.has(bug.id)), draw };
}

/** The marked hunks of the given bugs (a hunk with no or several markers belongs to none). */
export function hunksOf(hunks: Hunk[], bugIds: Iterable<string>): Hunk[] {
  const wanted = new Set(bugIds);
  return hunks.filter((hunk) => hunk.markers.length === 1 && wanted.has(hunk.markers[0]!));
}

/** The reference with the given bugs' hunks applied: what an attempt that drew them is served. */
export function plantedFiles(exercise: Exercise, bugIds: Iterable<string>, hunks: Hunk[] = exerciseHunks(exercise).hunks): Map<string, string> {
  const chosen = hunksOf(hunks, bugIds);
  return new Map(
    exercise.manifest.files.map((file) => [
      file,
      applyHunks(
        readFileSync(path.join(exercise.solutionDir, file), 'utf8'),
        chosen.filter((hunk) => hunk.file === file),
      ),
    ]),
  );
}

/** "6 of 9 bugs" for a pooled exercise, "6 bugs" otherwise. */
export function bugCountLabel(exercise: Pick<Exercise, 'manifest'>): string {
  const planted = plantedCount(exercise);
  return isPooled(exercise) ? `${planted} of ${exercise.manifest.bugs.length} bugs` : `${planted} bug${planted === 1 ? '' : 's'}`;
}
