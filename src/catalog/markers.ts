import { diffArrays } from 'diff';

/** A whole-line comment `// @bug <bug-id>` that marks the change below it as part of a bug. */
const MARKER = /^\s*\/\/\s*@bug\s+([a-z0-9]+(?:-[a-z0-9]+)*)\s*$/;
const MARKER_LIKE = /@bug\b/;

/** One contiguous difference between the starter (markers included) and the reference. */
export interface Hunk {
  file: string;
  /** Bug ids of the markers inside the hunk (a sound hunk has exactly one). */
  markers: string[];
  /** Where the hunk sits in the reference: lines [referenceStart, referenceEnd) are replaced. */
  referenceStart: number;
  referenceEnd: number;
  /** The starter's lines for this hunk, marker lines removed. */
  starterLines: string[];
  /** 1-based line of the hunk's first line in the starter file (markers included), for messages. */
  starterLine: number;
}

export interface MarkerProblem {
  file: string;
  line: number;
  message: string;
}

export function markerOf(line: string): string | undefined {
  return MARKER.exec(line)?.[1];
}

/** The starter as the learner sees it: every marker line removed, nothing else changed. */
export function serve(starterText: string): string {
  return splitLines(starterText)
    .filter((line) => markerOf(line) === undefined)
    .join('\n');
}

/** Lines mentioning `@bug` that are not well-formed marker lines (e.g. a marker at the end of a code line). */
export function malformedMarkers(file: string, starterText: string): MarkerProblem[] {
  return splitLines(starterText).flatMap((line, index) =>
    MARKER_LIKE.test(line) && markerOf(line) === undefined
      ? [{ file, line: index + 1, message: `"${line.trim()}" is not a marker line: a marker is a whole line "// @bug <bug-id>" directly above the change` }]
      : [],
  );
}

/** The differences between the starter (with markers) and the reference, as hunks. */
export function computeHunks(file: string, starterText: string, referenceText: string): Hunk[] {
  const reference = splitLines(referenceText);
  const starter = splitLines(starterText);
  const hunks: Hunk[] = [];
  let referenceIndex = 0;
  let starterIndex = 0;
  let open: Hunk | undefined;
  for (const change of diffArrays(reference, starter)) {
    const count = change.value.length;
    if (!change.added && !change.removed) {
      if (open) hunks.push(open);
      open = undefined;
      referenceIndex += count;
      starterIndex += count;
      continue;
    }
    open ??= { file, markers: [], referenceStart: referenceIndex, referenceEnd: referenceIndex, starterLines: [], starterLine: starterIndex + 1 };
    if (change.removed) {
      referenceIndex += count;
      open.referenceEnd = referenceIndex;
    } else {
      for (const line of change.value) {
        const bug = markerOf(line);
        if (bug !== undefined) open.markers.push(bug);
        else open.starterLines.push(line);
      }
      starterIndex += count;
    }
  }
  if (open) hunks.push(open);
  return hunks;
}

/** The reference with the given hunks applied (e.g. one bug's hunks: a single-bug variant). */
export function applyHunks(referenceText: string, hunks: Hunk[]): string {
  const reference = splitLines(referenceText);
  const sorted = [...hunks].sort((a, b) => a.referenceStart - b.referenceStart);
  const out: string[] = [];
  let cursor = 0;
  for (const hunk of sorted) {
    out.push(...reference.slice(cursor, hunk.referenceStart), ...hunk.starterLines);
    cursor = hunk.referenceEnd;
  }
  out.push(...reference.slice(cursor));
  return out.join('\n');
}

function splitLines(text: string): string[] {
  return text.replace(/\r\n/g, '\n').split('\n');
}
