/**
 * The errors a user can act on. The CLI maps each kind to an exit code in one place
 * (src/cli.ts); anything else is a bug in bugbash and shows a short report.
 */
export class BugbashError extends Error {
  /** Exit code the CLI uses for this error. */
  readonly exitCode: number = 2;
}

/** The command line was wrong: unknown exercise, bad option, missing argument. */
export class UsageError extends BugbashError {
  override name = 'UsageError';
}

/** An exercise or set on disk does not follow the documented format. */
export class ExerciseFormatError extends BugbashError {
  override name = 'ExerciseFormatError';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
  }
}

/** The learner's workspace is missing, or its progress file cannot be used. */
export class WorkspaceError extends BugbashError {
  override name = 'WorkspaceError';
}

/** The learner pressed Ctrl-C at a prompt. */
export class CancelledError extends BugbashError {
  override name = 'CancelledError';
  override readonly exitCode = 130;
  constructor() {
    super('cancelled');
  }
}

/** bugbash's own installed files are missing or were modified: reinstalling restores them. */
export class PackageError extends BugbashError {
  override name = 'PackageError';
}
