/**
 * The cooperative scheduler under `explore`. Every point where an operation waits for the
 * world — its arrival, a store or network round trip, a timer it set — is a *transition*
 * that waits here until the explorer releases it. The explorer releases one transition at
 * a time and waits until the code it woke up has run to its next wait (quiescence), so a
 * run is a sequence of atomic transitions that can be replayed exactly.
 */

/** What a step reads or writes: a resource (a store's name), optionally one key of it. */
export interface Touch {
  resource: string;
  /** Absent: the whole resource (e.g. a table scan). */
  key?: string;
  write: boolean;
}

/** A step that declares nothing touches everything: it is ordered against every other. */
export const EVERYTHING: readonly Touch[] = [{ resource: '*', write: true }];

export type TransitionKind = 'arrive' | 'step' | 'timer';

export interface PendingTransition {
  /** Stable across replays: operation number and the operation's n-th wait. */
  key: string;
  operation: number;
  /** The operation's n-th wait. */
  sequence: number;
  /**
   * The strand of the operation this wait belongs to ("<operation>/<n>"): program order holds
   * within a strand. An operation has one strand while it awaits each call before the next;
   * a call it does not await (a floating write) or calls it awaits together (Promise.all)
   * leave several waits pending at once, each on a strand of its own, and those are explored
   * in every order like waits of different operations.
   */
  thread: string;
  kind: TransitionKind;
  description: string;
  touches: readonly Touch[];
  release: () => void;
}

/** A transition as it happened: what it was declared to touch and whether it wrote memory. */
export interface Footprint {
  key: string;
  operation: number;
  thread: string;
  touches: readonly Touch[];
  memoryWrite: boolean;
}

export function touchesConflict(a: readonly Touch[], b: readonly Touch[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (!x.write && !y.write) continue;
      if (x.resource === '*' || y.resource === '*') return true;
      if (x.resource !== y.resource) continue;
      if (x.key === undefined || y.key === undefined || x.key === y.key) return true;
    }
  }
  return false;
}

/**
 * Two transitions are independent when running them in either order leads to the same
 * state: different strands (operations, or waits one operation left pending together), no
 * conflicting touches, and neither changed in-process memory (which every transition may read).
 */
export function independent(a: Footprint, b: Footprint): boolean {
  if (a.thread === b.thread) return false;
  if (a.memoryWrite || b.memoryWrite) return false;
  return !touchesConflict(a.touches, b.touches);
}

const realSetImmediate = globalThis.setImmediate;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

export function nextMacrotask(): Promise<void> {
  return new Promise<void>((resolve) => realSetImmediate(resolve));
}

export function nextTimerTick(): Promise<void> {
  return new Promise<void>((resolve) => realSetTimeout(resolve, 1));
}

export class Controller {
  private readonly pending: PendingTransition[] = [];
  private readonly requests = new Map<number, number>();

  request(operation: number, kind: TransitionKind, description: string, touches: readonly Touch[]): Promise<void> {
    return new Promise<void>((resolve) => {
      this.add(operation, kind, description, touches, resolve);
    });
  }

  /** A timer set inside an operation: it fires when the explorer releases it. */
  timer(operation: number, description: string, fire: () => void): { cancel(): void } {
    const key = this.add(operation, 'timer', description, [], fire);
    return {
      cancel: () => {
        const index = this.pending.findIndex((p) => p.key === key);
        if (index >= 0) this.pending.splice(index, 1);
      },
    };
  }

  private add(operation: number, kind: TransitionKind, description: string, touches: readonly Touch[], release: () => void): string {
    const n = this.requests.get(operation) ?? 0;
    this.requests.set(operation, n + 1);
    const key = `${operation}.${n}`;
    // The lowest strand none of the operation's pending waits is on: 0 for code that awaits
    // each call in turn, another one for a wait requested while an earlier one still pends.
    let strand = 0;
    while (this.pending.some((p) => p.operation === operation && p.thread === `${operation}/${strand}`)) strand += 1;
    // Kept in (operation, sequence) order: the explorer reads it at every choice.
    const transition = { key, operation, sequence: n, thread: `${operation}/${strand}`, kind, description, touches, release };
    let index = this.pending.length;
    while (index > 0 && (this.pending[index - 1]!.operation > operation || (this.pending[index - 1]!.operation === operation && this.pending[index - 1]!.sequence > n))) index -= 1;
    this.pending.splice(index, 0, transition);
    return key;
  }

  enabled(): readonly PendingTransition[] {
    return this.pending;
  }

  release(key: string): PendingTransition {
    const index = this.pending.findIndex((p) => p.key === key);
    if (index < 0) throw new Error(`internal: no pending transition ${key}`);
    const [transition] = this.pending.splice(index, 1);
    transition!.release();
    return transition!;
  }

  /**
   * Waits until the code woken by the last release has run to its next wait. One macrotask
   * drains every microtask chain, however deep; code that waits on a macrotask of its own
   * (setImmediate, real I/O) runs on later turns, deterministically after the next choice.
   */
  quiesce(): Promise<void> {
    return nextMacrotask();
  }
}

export { realSetTimeout, realClearTimeout };
