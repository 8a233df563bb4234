import { hasVisibleTests } from '../grading/visible.js';
import { choose } from '../prompts.js';
import { style } from '../report/style.js';
import type { CommandContext } from './context.js';
import { exerciseRows } from './list.js';

type Action = 'start' | 'check' | 'test' | 'watch' | 'hint' | 'mark' | 'marks' | 'finish' | 'diff' | 'solution' | 'reset' | 'progress' | 'list' | 'quit';

/** `bugbash` with no arguments in a terminal: the same actions as the commands, by menu. */
export async function menu(context: CommandContext): Promise<number> {
  context.print(style.bold('bugbash — find and fix the bugs in real-looking payment code'));
  for (;;) {
    const outcome = await chooseAndRun(context);
    if (outcome !== 'back to menu') return outcome;
  }
}

/** One choice: its exit code, or 'back to menu' after a detour (the list, progress). */
async function chooseAndRun(context: CommandContext): Promise<number | 'back to menu'> {
  const rows = exerciseRows(context);
  const current = context.workspace.progress.data.current;
  const round = current ? context.workspace.progress.exercise(current)?.round : undefined;
  const currentExercise = current ? context.catalog.exercises.find((exercise) => exercise.id === current) : undefined;
  const hasOwnTests = currentExercise ? hasVisibleTests(currentExercise) : false;
  const action = await choose<Action>('What would you like to do?', [
    ...(current ? [{ name: `Check ${current}`, value: 'check' as const, description: 'run the hidden tests against your files' }] : []),
    { name: 'Start an exercise', value: 'start', description: 'serve a buggy payment service into your workspace' },
    ...(current
      ? ([
          ...(hasOwnTests ? ([{ name: `Run the tests of ${current}`, value: 'test', description: "the library's own test suite, on your files" }] as const) : []),
          { name: `Watch ${current}`, value: 'watch', description: 're-check on every save' },
          { name: 'Get a hint', value: 'hint' },
          ...(round
            ? ([
                { name: 'Mark a bug I found', value: 'mark', description: 'scored when the round ends' },
                { name: 'List my marks', value: 'marks' },
                { name: 'Finish the interview', value: 'finish', description: 'grade once more and print the scorecard' },
              ] as const)
            : []),
          { name: 'Show my changes', value: 'diff' },
          { name: 'See the solution', value: 'solution' },
          { name: 'Reset the exercise', value: 'reset' },
        ] as const)
      : []),
    { name: 'Progress', value: 'progress' },
    { name: 'List exercises', value: 'list' },
    { name: 'Quit', value: 'quit' },
  ]);
  switch (action) {
    case 'start': {
      const id = await choose(
        'Which exercise?',
        rows.map((row) => ({ name: `${row.id.padEnd(20)} ${row.difficulty.padEnd(6)} ${row.planted === row.pool ? row.bugs : `${row.planted} of ${row.pool}`} bugs  ${row.status}`, value: row.id, description: row.title })),
      );
      const exercise = context.exercise(id);
      if (context.workspace.isStarted(exercise)) {
        context.workspace.progress.data.current = id;
        context.workspace.progress.save();
        context.print(`"${id}" is already in your workspace at ${context.workspace.exerciseDir(exercise)}; picking up where you left off.`);
        return 0;
      }
      return (await import('./start.js')).startCommand(context, id, {});
    }
    case 'check':
      return (await import('./check.js')).checkCommand(context, current, {});
    case 'test':
      return (await import('./test.js')).testCommand(context, current, {});
    case 'watch':
      return (await import('./watch.js')).watchCommand(context, current, {});
    case 'hint':
      return (await import('./hint.js')).hintCommand(context, current, {});
    case 'mark':
      return (await import('./mark.js')).markCommand(context, current, {});
    case 'marks':
      return (await import('./mark.js')).marksCommand(context, current, {});
    case 'finish':
      return (await import('./finish.js')).finishCommand(context, current, {});
    case 'diff':
      return (await import('./diff.js')).diffCommand(context, current);
    case 'solution':
      return (await import('./diff.js')).solutionCommand(context, current, {});
    case 'reset':
      return (await import('./diff.js')).resetCommand(context, current, {});
    case 'progress':
      await (await import('./progress.js')).progressCommand(context, {});
      return 'back to menu';
    case 'list':
      await (await import('./list.js')).listCommand(context, {});
      return 'back to menu';
    case 'quit':
      return 0;
  }
}
