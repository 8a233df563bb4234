import { diffArrays } from 'diff';
import { exerciseHunks, type Exercise } from '../catalog/catalog.js';
import { markerOf, type Hunk } from '../catalog/markers.js';
import { hunksOf } from '../catalog/pool.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Where one planted bug sits in a file as served (markers removed), 1-based and inclusive. */
export interface PlantedRange {
  bug: string;
  file: string;
  start: number;
  end: number;
}

/**
 * The served lines of every marked hunk. A hunk's starter lines are shifted up by the marker
 * lines above them (serving removes markers). A hunk that only removes reference lines (the
 * bug is a missing line) covers the two served lines around the gap.
 */
export function hunkRanges(starterText: string, hunks: Hunk[]): PlantedRange[] {
  const lines = starterText.replace(/\r\n/g, '\n').split('\n');
  const markersBefore: number[] = [];
  let count = 0;
  for (const line of lines) {
    markersBefore.push(count);
    if (markerOf(line) !== undefined) count += 1;
  }
  const ranges: PlantedRange[] = [];
  for (const hunk of hunks) {
    if (hunk.markers.length !== 1) continue;
    const index = hunk.starterLine - 1;
    // The first line of the hunk that is not a marker, as a served line number.
    let first = index;
    while (first < lines.length && markerOf(lines[first]!) !== undefined) first += 1;
    const servedFirst = first - (markersBefore[first] ?? count) + 1;
    const range =
      hunk.starterLines.length > 0
        ? { start: servedFirst, end: servedFirst + hunk.starterLines.length - 1 }
        : { start: Math.max(1, servedFirst - 1), end: servedFirst };
    ranges.push({ bug: hunk.markers[0]!, file: hunk.file, ...range });
  }
  return ranges;
}

/**
 * The served lines of hunks applied to the reference (an attempt of a pooled exercise is
 * served the reference with its drawn bugs' hunks only): each hunk starts where the reference
 * line it replaces lands once the hunks above it were applied.
 */
export function appliedRanges(hunks: Hunk[]): PlantedRange[] {
  const ranges: PlantedRange[] = [];
  const shift = new Map<string, number>();
  for (const hunk of [...hunks].sort((a, b) => a.file.localeCompare(b.file) || a.referenceStart - b.referenceStart)) {
    if (hunk.markers.length !== 1) continue;
    const offset = shift.get(hunk.file) ?? 0;
    const servedFirst = hunk.referenceStart + offset + 1;
    const range =
      hunk.starterLines.length > 0
        ? { start: servedFirst, end: servedFirst + hunk.starterLines.length - 1 }
        : { start: Math.max(1, servedFirst - 1), end: servedFirst };
    ranges.push({ bug: hunk.markers[0]!, file: hunk.file, ...range });
    shift.set(hunk.file, offset + hunk.starterLines.length - (hunk.referenceEnd - hunk.referenceStart));
  }
  return ranges;
}

/** Every planted bug's served line ranges, from the catalog's marker diff (for a pooled attempt: its drawn bugs'). */
export function plantedRanges(exercise: Exercise): PlantedRange[] {
  const { hunks } = exerciseHunks(exercise);
  if (exercise.draw) return appliedRanges(hunksOf(hunks, exercise.draw.planted));
  return exercise.manifest.files.flatMap((file) =>
    hunkRanges(
      readFileSync(path.join(exercise.starterDir, file), 'utf8'),
      hunks.filter((hunk) => hunk.file === file),
    ),
  );
}

/**
 * Maps a line of the learner's current file to the same place in the file as served, so a
 * mark made after editing is still scored where the learner pointed. A line the learner
 * added or changed maps to the served lines it replaced (or the gap it was inserted in).
 */
export function servedLine(servedText: string, currentText: string, line: number): number {
  const served = servedText.replace(/\r\n/g, '\n').split('\n');
  const current = currentText.replace(/\r\n/g, '\n').split('\n');
  let servedIndex = 0;
  let currentIndex = 0;
  // The first served line of a block the learner replaced, while its replacement follows.
  let replacedFrom: number | undefined;
  for (const change of diffArrays(served, current)) {
    const count = change.value.length;
    if (change.removed) {
      replacedFrom = servedIndex + 1;
      servedIndex += count;
      continue;
    }
    if (line - 1 < currentIndex + count) {
      if (change.added) return Math.max(1, Math.min(replacedFrom ?? servedIndex, served.length));
      return servedIndex + (line - 1 - currentIndex) + 1;
    }
    currentIndex += count;
    if (!change.added) servedIndex += count;
    replacedFrom = undefined;
  }
  return Math.max(1, served.length);
}
