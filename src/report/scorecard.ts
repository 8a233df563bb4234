import type { Mark } from '../interview/round.js';
import type { Scorecard, ScoredMark } from '../interview/scorecard.js';
import { indent, style, symbols } from './style.js';
import { formatDuration } from './time.js';

function markPlace(mark: Mark): string {
  return `${mark.file}:${mark.line}${mark.to !== mark.line ? `-${mark.to}` : ''}`;
}

/** `bugbash marks`: what the learner has marked so far (nothing about whether it is right). */
export function renderMarks(marks: Mark[]): string {
  if (marks.length === 0) return style.dim('No marks yet: `bugbash mark --file F --line N --category C --why "…"` records a bug you found.');
  return marks.map((mark) => `${String(mark.number).padStart(2)}. ${style.code(markPlace(mark))}  ${style.dim(`(${mark.category})`)}  ${mark.why}`).join('\n');
}

function renderScoredMark(mark: ScoredMark): string {
  const head = `${String(mark.number).padStart(2)}. ${style.code(markPlace(mark))}  (${mark.category})`;
  if (!mark.found) return `${style.bad(symbols.present)} ${head}  ${style.bad('false alarm: no planted bug there')}\n${indent(`you wrote: ${mark.why}`, 5)}`;
  const verdict = mark.categoryRight ? style.ok(`found bug ${mark.bug}, category right`) : style.warn(`found bug ${mark.bug}, but it is ${mark.bugCategory}`);
  return `${style.ok(symbols.fixed)} ${head}  ${verdict}\n${indent(`you wrote: ${mark.why}`, 5)}`;
}

/** The scorecard printed by `finish` (and at the first check after time is up). */
export function renderScorecard(card: Scorecard): string {
  const ended = card.endedBy === 'time-up' ? 'time is up' : card.endedBy === 'gave-up' ? 'you gave up' : 'finished';
  const time = `${formatDuration(card.seconds * 1000)}${card.limitSeconds !== undefined ? ` of ${formatDuration(card.limitSeconds * 1000)}` : ''}${card.overSeconds > 0 ? style.bad(` (${formatDuration(card.overSeconds * 1000)} over)`) : ''}`;
  const points = (value: number) => (value > 0 ? `+${value}` : String(value));
  const rows: [string, string, number | undefined][] = [
    ['bugs found (marked)', `${card.found} of ${card.total}`, card.points.found],
    ['bugs fixed', `${card.fixed} of ${card.total}`, card.points.fixed],
    ['found and fixed', `${card.foundAndFixed} of ${card.total}`, undefined],
    ['category right', `${card.categoryRight} of ${card.total}`, card.points.explanations],
    ['regressions left', `${card.regressions}${card.problems ? `, ${card.problems} problem${card.problems > 1 ? 's' : ''}` : ''}`, card.points.noRegressions],
    ['false alarms', String(card.falseAlarms), card.points.falseAlarms],
    ['hints used', String(card.hintsUsed), card.points.hints],
    ['checks run', `${card.checks}${card.watchRuns ? ` (+${card.watchRuns} watch re-runs)` : ''}`, undefined],
    ['time', time, card.points.overTime || undefined],
  ];
  const out = [style.bold(`Scorecard: ${card.exercise} (${card.mode}, ${ended})`), ''];
  for (const [label, value, score] of rows) out.push(`  ${label.padEnd(20)} ${value.padEnd(24)} ${score === undefined ? '' : style.dim(points(score))}`.trimEnd());
  out.push('', style.bold(`  Score: ${card.score} / 100`), '');
  if (card.marks.length > 0) {
    out.push(style.bold('Your marks:'));
    for (const mark of card.marks) out.push(renderScoredMark(mark));
    out.push('');
  }
  out.push(style.bold('The planted bugs:'));
  for (const bug of card.bugs) {
    const found = bug.found ? (bug.categoryRight ? 'found' : 'found (category wrong)') : 'not found';
    out.push(`${bug.fixed ? style.ok(symbols.fixed) : style.bad(symbols.present)} ${bug.number}. ${bug.title} ${style.dim(`(${bug.category})`)}  ${bug.fixed ? 'fixed' : 'not fixed'}, ${found}`);
    out.push(indent(style.dim(bug.explanation), 5));
  }
  out.push('', style.dim(`The round is over: \`bugbash check ${card.exercise}\` now gives the full report, \`bugbash solution ${card.exercise}\` the reference.`));
  return out.join('\n');
}

/** One line per past scorecard, for `progress`. */
export function scorecardLine(card: Scorecard): string {
  const day = card.finishedAt.slice(0, 16).replace('T', ' ');
  return `${day}  ${card.mode.padEnd(9)}  score ${String(card.score).padStart(3)}  found ${card.found}/${card.total}  fixed ${card.fixed}/${card.total}  false alarms ${card.falseAlarms}  hints ${card.hintsUsed}  ${formatDuration(card.seconds * 1000)}${card.overSeconds > 0 ? ` (${formatDuration(card.overSeconds * 1000)} over)` : ''}`;
}
