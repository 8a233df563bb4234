import { findExercise, loadCatalog, setDirsFromEnv, type Catalog, type Exercise } from '../catalog/catalog.js';
import { UsageError } from '../errors.js';
import { resolveWorkspaceDir, Workspace } from '../workspace/workspace.js';

export interface GlobalOptions {
  workspace?: string;
  sets?: string[];
  debug?: boolean;
}

/** What every command gets: the catalog and workspace (both lazy), and where to print. */
export class CommandContext {
  private catalogCache?: Catalog;
  private workspaceCache?: Workspace;

  constructor(
    readonly options: GlobalOptions,
    readonly print: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
    readonly warn: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
  ) {}

  get catalog(): Catalog {
    this.catalogCache ??= loadCatalog({ sets: [...setDirsFromEnv(), ...(this.options.sets ?? [])], trustSets: this.trustSets });
    return this.catalogCache;
  }

  /** Authoring commands work on sets that do not validate yet. */
  trustSets = false;

  get workspace(): Workspace {
    if (!this.workspaceCache) {
      this.workspaceCache = new Workspace(resolveWorkspaceDir(this.options.workspace));
      for (const warning of this.workspaceCache.progress.warnings) this.warn(warning);
    }
    return this.workspaceCache;
  }

  exercise(id: string): Exercise {
    return findExercise(this.catalog, id);
  }

  /**
   * The exercise named on the command line, else the one whose folder we are in, else the one
   * worked on last; for a pooled exercise, the workspace's attempt of it (its drawn bugs only).
   */
  currentExercise(id: string | undefined, cwd = process.cwd()): Exercise {
    if (id) return this.workspace.attempt(this.exercise(id));
    const here = this.workspace.exerciseIdAt(cwd);
    if (here && this.catalog.exercises.some((exercise) => exercise.id === here)) return this.workspace.attempt(this.exercise(here));
    const current = this.workspace.progress.data.current;
    if (current) return this.workspace.attempt(this.exercise(current));
    throw new UsageError('which exercise? Name it (e.g. `bugbash check payment-processor`) or start one with `bugbash start <id>`; `bugbash list` shows them.');
  }
}
