import { createHash } from 'node:crypto';
import type { BugSpec } from '../catalog/manifest.js';
import type { Round } from './round.js';

/**
 * The bug a blind-round hint is about: the one hinted last if it is still unfixed and has
 * hints left (hints deepen), else the unfixed bug with the fewest hints shown. Ties are
 * broken by an order fixed per round, so it is not always the manifest's first bug.
 */
export function blindHintBug(bugs: BugSpec[], fixed: Set<string>, hintsUsed: Record<string, number>, round: Round): BugSpec | undefined {
  const open = bugs.filter((bug) => !fixed.has(bug.id) && (hintsUsed[bug.id] ?? 0) < bug.hints.length);
  const last = open.find((bug) => bug.id === round.lastHint);
  if (last) return last;
  const order = (bug: BugSpec) => createHash('sha256').update(`${round.startedAt}\0${bug.id}`).digest('hex');
  return [...open].sort((a, b) => (hintsUsed[a.id] ?? 0) - (hintsUsed[b.id] ?? 0) || order(a).localeCompare(order(b)))[0];
}
