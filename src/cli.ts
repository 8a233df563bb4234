import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import type { CommandContext, GlobalOptions } from './commands/context.js';
import { BugbashError } from './errors.js';
import { PACKAGE_ROOT } from './paths.js';

const version = (JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')) as { version: string }).version;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed)) throw new InvalidArgumentError('a seed is a whole number, 0 or more (e.g. 4821)');
  return seed;
}

export function buildProgram(run: (action: (context: CommandContext) => Promise<number> | number) => Promise<void>): Command {
  const program = new Command('bugbash')
    .description('Practise the payments "bug bash" interview: find and fix the planted bugs, graded by hidden tests.')
    .version(version)
    .option('-w, --workspace <dir>', 'where your exercise files and progress live (default ./bugbash, or $BUGBASH_WORKSPACE)')
    .option('--sets <dir>', 'also read exercises from this set directory (repeatable; or $BUGBASH_SETS)', collect)
    .option('--debug', 'show stack traces of internal errors')
    .option('--color', 'colour the output even when it is not a terminal')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Examples:
  $ bugbash                           open the menu
  $ bugbash start payment-processor   serve an exercise into ./bugbash/payment-processor
  $ bugbash watch                     re-check on every save
  $ bugbash check --json              machine-readable verdict (exit 0 solved, 1 not yet, 2 error)`,
    );

  program
    .command('list')
    .description('list the exercises with difficulty, bug count, your status and best time')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ bugbash list')
    .action((options) => run(async (context) => (await import('./commands/list.js')).listCommand(context, options)));

  program
    .command('start <exercise>')
    .description('copy an exercise into your workspace and show its brief')
    .option('--interview', 'timed blind round: the clock starts now; check reports only what an interviewer would say; ends with a scorecard')
    .option('--blind', 'the same blind round, untimed')
    .option('--seed <n>', 'a pooled exercise: plant the bugs this seed draws (the seed `start` printed replays that attempt)', parseSeed)
    .addHelpText('after', '\nExamples:\n  $ bugbash start payment-processor --interview\n  $ bugbash start webhooks --blind\n  $ bugbash start card-vault --seed 4821')
    .action((id: string, options) => run(async (context) => (await import('./commands/start.js')).startCommand(context, id, options)));

  program
    .command('check [exercise]')
    .description('run the hidden tests against your files and report bug by bug')
    .option('--json', 'print the verdict as JSON')
    .option('-v, --verbose', 'show every failing test, not only the first per bug')
    .addHelpText('after', '\nExit codes: 0 solved, 1 bugs remain or something broke, 2 usage or set-up error.\nExample:\n  $ bugbash check payment-processor --json')
    .action((id: string | undefined, options) => run(async (context) => (await import('./commands/check.js')).checkCommand(context, id, options)));

  program
    .command('test [exercise]')
    .description("a repository-scale exercise: run the test suite it ships with on your files (the library's own tests; check grades)")
    .option('-t, --filter <name>', 'only the tests whose name contains this')
    .option('--json', 'print the results as JSON')
    .addHelpText('after', '\nExit codes: 0 every visible test passes, 1 some fail, 2 usage error.\nExample:\n  $ bugbash test payments-client -t pagination')
    .action((id: string | undefined, options) => run(async (context) => (await import('./commands/test.js')).testCommand(context, id, options)));

  program
    .command('watch [exercise]')
    .description('re-check every time you save')
    .option('-v, --verbose', 'show every failing test')
    .addHelpText('after', '\nExample:\n  $ bugbash watch payment-processor')
    .action((id: string | undefined, options) => run(async (context) => (await import('./commands/watch.js')).watchCommand(context, id, options)));

  program
    .command('hint [exercise]')
    .description('the next hint for the next bug you have not fixed, or for bug N (recorded; costs points in an interview)')
    .option('--bug <n>', 'a hint for this bug, numbered as in the report (not during a blind round)', (value) => Number(value))
    .option('-y, --yes', 'in an interview: accept the hint\'s cost without asking')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ bugbash hint\n  $ bugbash hint payment-processor --bug 3')
    .action((id: string | undefined, options) => run(async (context) => (await import('./commands/hint.js')).hintCommand(context, id, options)));

  program
    .command('mark [exercise]')
    .description('in a blind round: record a bug you found (asks in a terminal when no flags are given); --remove N removes one')
    .option('--file <file>', 'the file, as listed by start (e.g. processor.ts)')
    .option('--line <n>', 'the line (in your file as it is now)')
    .option('--to <n>', 'the last line, for a range')
    .option('--category <category>', 'the kind of bug: race, idempotency, money, rounding, validation, error-handling, off-by-one, state-machine, security, time, ordering, retry, consistency')
    .option('--why <text>', 'one line: what goes wrong, and when')
    .option('--remove <n>', 'remove mark N instead (`bugbash marks` numbers them)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ bugbash mark --file processor.ts --line 42 --to 44 --category race --why "two charges both read the old balance"\n  $ bugbash mark --remove 2')
    .action((id: string | undefined, options) => run(async (context) => (await import('./commands/mark.js')).markCommand(context, id, options)));

  program
    .command('marks [exercise]')
    .description('list the bugs you marked in the running round')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ bugbash marks')
    .action((id: string | undefined, options) => run(async (context) => (await import('./commands/mark.js')).marksCommand(context, id, options)));

  program
    .command('finish [exercise]')
    .description('end a blind round: grade one last time, score your marks and print the scorecard (saved in progress)')
    .option('--json', 'print the scorecard as JSON')
    .addHelpText('after', '\nExample:\n  $ bugbash finish payment-processor --json')
    .action((id: string | undefined, options) => run(async (context) => (await import('./commands/finish.js')).finishCommand(context, id, options)));

  program
    .command('diff [exercise]')
    .description('your changes against the code as it was served')
    .addHelpText('after', '\nExample:\n  $ bugbash diff payment-processor')
    .action((id: string | undefined) => run(async (context) => (await import('./commands/diff.js')).diffCommand(context, id)));

  program
    .command('solution [exercise]')
    .description('the reference beside your code, and why each bug matters (after solving, or give up)')
    .option('-y, --yes', 'give up without asking (recorded)')
    .addHelpText('after', '\nExample:\n  $ bugbash solution payment-processor')
    .action((id: string | undefined, options) => run(async (context) => (await import('./commands/diff.js')).solutionCommand(context, id, options)));

  program
    .command('reset [exercise]')
    .description('put the original starter back (your files are backed up first)')
    .option('-y, --yes', 'do not ask')
    .option('--fresh', 'start a new attempt: the clock starts again (by default it keeps your first start time)')
    .option('--redraw', 'a pooled exercise: draw other bugs from its pool (a new seed; a fresh attempt)')
    .addHelpText('after', '\nExamples:\n  $ bugbash reset payment-processor --fresh\n  $ bugbash reset card-vault --redraw')
    .action((id: string | undefined, options) => run(async (context) => (await import('./commands/diff.js')).resetCommand(context, id, options)));

  program
    .command('progress')
    .description('exercises solved, bugs fixed, hints used, times, and past interview scorecards')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ bugbash progress')
    .action((options) => run(async (context) => (await import('./commands/progress.js')).progressCommand(context, options)));

  const author = program.command('author').description('for instructors: scaffold, validate and mutation-test exercise sets');
  author
    .command('new <id>')
    .description('scaffold a complete, valid exercise to edit')
    .option('--dir <dir>', 'set directory to create it in (default: the first --sets, else the current directory)')
    .option('--template <kind>', 'the kind of example bug: money, race, idempotency or state-machine', 'money')
    .addHelpText('after', '\nExample:\n  $ bugbash author new refund-queue --template race --dir ./my-set && bugbash author validate refund-queue --sets ./my-set')
    .action((id: string, options) => run(async (context) => (await import('./commands/author.js')).authorNewCommand(context, id, options)));
  author
    .command('validate [ids...]')
    .description('prove a set is sound: format, markers, leaks, type and API parity, reference passes, each bug caught on its own')
    .option('--all', 'every exercise (the default when no id is given)')
    .option('--runs <n>', 'run the reference this many times to detect flakes', (value) => Number.parseInt(value, 10), 5)
    .option('--budget <seconds>', 'warn when one implementation spends longer than this in the hidden tests', (value) => Number.parseFloat(value), 10)
    .option('--json', 'print JSON')
    .option('-v, --verbose', 'list every fixture and how each race test was explored')
    .option('--watch', 're-validate whenever a file of the exercise or its reference is saved')
    .option('--mutate', 'also run the mutation gate: the hidden tests must kill the share of mutants of the reference that exercise.json asks (default 90 %)')
    .option('--quick', 'the inner loop: skip the re-runs of the reference alone (flakes, perturbation, shuffled, each test alone); writes no stamp')
    .addHelpText('after', '\nExamples:\n  $ bugbash author validate --all --sets ./my-set\n  $ bugbash author validate refund-queue --sets ./my-set --mutate\n  $ bugbash author validate refund-queue --sets ./my-set --watch --runs 1')
    .action((ids: string[], options) => run(async (context) => (await import('./commands/author.js')).authorValidateCommand(context, ids, options)));
  author
    .command('mutate <id>')
    .description('mutation-test the hidden suites: mutants of the reference that no test kills (exit 1 below the gate)')
    .option('--json', 'print JSON')
    .option('--max <n>', 'at most this many mutants', (value) => Number.parseInt(value, 10))
    .addHelpText('after', '\nExample:\n  $ bugbash author mutate payment-processor')
    .action((id: string, options) => run(async (context) => (await import('./commands/author.js')).authorMutateCommand(context, id, options)));
  author
    .command('grade <id> <dir>')
    .description('grade a folder against an exercise: the files it holds, laid over the reference (a fix you are trying, a wrong fix, an alternative)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ bugbash author grade payment-processor ./my-fix --json')
    .action((id: string, dir: string, options) => run(async (context) => (await import('./commands/author.js')).authorGradeCommand(context, id, dir, options)));

  return program;
}

/**
 * A reader that stops early (`bugbash check | head -1`) closes the pipe: later writes fail
 * with EPIPE. That is not an error of ours: keep going quietly, and exit with the command's code.
 */
function ignoreClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

export async function main(argv: string[]): Promise<number> {
  ignoreClosedOutput(process.stdout);
  ignoreClosedOutput(process.stderr);
  const { applyColorChoice } = await import('./report/style.js');
  applyColorChoice(argv.slice(2), process.env, Boolean(process.stdout.isTTY));
  let exitCode = 0;
  let globals: GlobalOptions = {};
  // Commands load what they need when they run: --help and list stay fast.
  const run = async (action: (context: CommandContext) => Promise<number> | number) => {
    const { CommandContext } = await import('./commands/context.js');
    exitCode = await action(new CommandContext(globals));
  };
  const program = buildProgram(run);
  // Usage errors exit with 2 everywhere: subcommands do not inherit a setting made after they
  // were added, so every command gets it.
  const overrideExit = (command: Command): void => {
    command.exitOverride();
    for (const sub of command.commands) overrideExit(sub);
  };
  overrideExit(program);
  program.hook('preAction', (command) => {
    globals = command.optsWithGlobals() as GlobalOptions;
  });
  try {
    if (argv.slice(2).every((arg) => arg === '--debug' || arg === '--color' || arg === '--no-color')) {
      const { interactive } = await import('./prompts.js');
      if (!interactive()) {
        program.outputHelp();
        return 0;
      }
      const { menu } = await import('./commands/menu.js');
      const { CommandContext } = await import('./commands/context.js');
      return await menu(new CommandContext(program.opts() as GlobalOptions));
    }
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return handleError(error, globals.debug || argv.includes('--debug'));
  }
}

function handleError(error: unknown, debug: boolean | undefined): number {
  if (error instanceof CommanderError) {
    // Commander already printed help, version or the usage error.
    return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  }
  if (error instanceof BugbashError) {
    if (error.exitCode !== 130) process.stderr.write(`bugbash: ${error.message}\n`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  if (error instanceof Error && error.name === 'ExitPromptError') return 130;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`bugbash hit an internal error: ${message}\n${debug ? `${(error as Error).stack}\n` : 'Run again with --debug for details; your files and progress are unchanged.\n'}`);
  return 2;
}

const exitCode = await main(process.argv);
process.exitCode = exitCode;
