/**
 * What the explorer knows about the implementation's in-process memory: a fingerprint of
 * every value reachable from the implementation instances a world tracks and from the
 * module-level bindings of the implementation's files. A transition whose fingerprint
 * differs before and after it wrote memory; every transition is assumed to read it.
 *
 * The world's own fakes are left out (their state changes only in declared steps): the
 * harness marks its fakes, and a world marks its own with `markWorld`.
 */
const WORLD = Symbol.for('bugbash.world');
/** Filled by the grader's transform of implementation modules (see moduleStatePlugin). */
const MODULE_STATE = Symbol.for('bugbash.moduleState');

export interface ModuleState {
  id: string;
  /** The current values of the module's top-level bindings. */
  read: () => unknown[];
  /** Set when the module holds state no reflection can see (class `#private` fields). */
  opaque: boolean;
}

/** Marks an object as part of the test's world, not the implementation's memory. */
export function markWorld<T extends object>(object: T): T {
  Object.defineProperty(object, WORLD, { value: true, enumerable: false });
  return object;
}

export function moduleStates(): ModuleState[] {
  return ((globalThis as Record<symbol, unknown>)[MODULE_STATE] as ModuleState[] | undefined) ?? [];
}

/** Past this many visited values a fingerprint is not worth computing: treat as always changed. */
const MAX_NODES = 20_000;

export class MemoryProbe {
  private readonly identities = new WeakMap<object, number>();
  private nextIdentity = 1;
  private opaqueTick = 0;

  constructor(private readonly subjects: () => readonly object[]) {}

  /**
   * True when nothing tells the probe where in-process state lives (no tracked instance):
   * then every transition must be assumed to write memory.
   */
  get blind(): boolean {
    return this.subjects().length === 0;
  }

  fingerprint(): string {
    if (this.blind) return `opaque:${++this.opaqueTick}`;
    // A string built by concatenation (V8 ropes) is cheaper than an array joined at the end.
    let text = '';
    const emit = (part: string) => void (text += part + '\u0001');
    const seen = new Set<object>();
    let nodes = 0;
    const identity = (value: object) => {
      let id = this.identities.get(value);
      if (id === undefined) {
        id = this.nextIdentity++;
        this.identities.set(value, id);
      }
      return id;
    };
    const visit = (value: unknown): void => {
      if (++nodes > MAX_NODES) throw new TooLarge();
      switch (typeof value) {
        case 'undefined':
          emit('u');
          return;
        case 'string':
          emit(`s${value.length}:${value}`);
          return;
        case 'number':
        case 'boolean':
        case 'bigint':
          emit(`${typeof value}:${String(value)}`);
          return;
        case 'symbol':
          emit(`sym:${value.description ?? ''}`);
          return;
        case 'function':
          emit(`f${identity(value)}`);
          // A class's static fields are memory too; plain functions are only compared by identity.
          if (seen.has(value) || !/^class[\s{]/.test(Function.prototype.toString.call(value))) return;
          seen.add(value);
          visitProperties(value, new Set(['prototype', 'length', 'name']));
          return;
      }
      if (value === null) {
        emit('null');
        return;
      }
      const object = value as object;
      if ((object as Record<symbol, unknown>)[WORLD]) {
        emit('world');
        return;
      }
      const id = identity(object);
      if (seen.has(object)) {
        emit(`ref${id}`);
        return;
      }
      seen.add(object);
      if (object instanceof Promise || object instanceof WeakMap || object instanceof WeakSet || object instanceof WeakRef) {
        emit(`o${id}`);
        return;
      }
      if (object instanceof Date) {
        emit(`date:${object.getTime()}`);
        return;
      }
      if (object instanceof Map) {
        emit(`map${id}(`);
        for (const [k, v] of object) {
          visit(k);
          visit(v);
        }
        emit(')');
        return;
      }
      if (object instanceof Set) {
        emit(`set${id}(`);
        for (const v of object) visit(v);
        emit(')');
        return;
      }
      emit(`obj${id}(`);
      visitProperties(object);
      emit(')');
    };
    // Own enumerable fields (class fields, TS `private` ones included): Object.entries is far
    // cheaper than reading every descriptor, and own enumerable accessors are rare.
    const visitProperties = (object: object, skip?: Set<string>) => {
      for (const [key, value] of Object.entries(object)) {
        if (skip?.has(key)) continue;
        emit(key);
        visit(value);
      }
    };
    try {
      for (const subject of this.subjects()) visit(subject);
      for (const module of moduleStates()) {
        emit(`module:${module.id}`);
        if (module.opaque) emit(`opaque:${++this.opaqueTick}`);
        // The bindings one by one: the array read() returns is new every time.
        else for (const binding of module.read()) visit(binding);
      }
    } catch (error) {
      if (error instanceof TooLarge) return `opaque:${++this.opaqueTick}`;
      // A binding still in its temporal dead zone, or a proxy that throws: say "changed".
      return `opaque:${++this.opaqueTick}`;
    }
    return text;
  }
}

class TooLarge extends Error {}
