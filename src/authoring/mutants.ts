import type { Node, SourceFile } from 'ts-morph';

/** One change to the reference, as a text edit of one file. */
export interface Mutant {
  id: number;
  file: string;
  operator: string;
  description: string;
  line: number;
  /**
   * A name that survives unrelated edits, for marking a mutant equivalent in exercise.json:
   * `<file> · <the mutated line, trimmed> · <description>` (and ` · #2`, … when a line has the
   * same mutation twice).
   */
  key: string;
  /** Why the author marked it equivalent with a `// mutate-ignore: <why>` comment, if they did. */
  ignored?: string;
  start: number;
  end: number;
  replacement: string;
}

type TsMorph = typeof import('ts-morph');

const BOUNDARY: Record<string, string> = { '<': '<=', '<=': '<', '>': '>=', '>=': '>' };
const EQUALITY: Record<string, string> = { '===': '!==', '!==': '===', '==': '!=', '!=': '==' };
const ARITHMETIC: Record<string, string> = { '+': '-', '-': '+', '*': '/', '/': '*' };
const LOGICAL: Record<string, string> = { '&&': '||', '||': '&&' };

/**
 * Generates mutants of one source file with the operators that matter in payment code:
 * dropped awaits, dropped calls (a lock, a lookup, a write), comparison boundaries, equality,
 * ±1 on constants, arithmetic and logic swaps, removed guard clauses and throws, and two
 * statements reordered across an await.
 */
export function generateMutants(morph: TsMorph, file: string, sourceFile: SourceFile, firstId = 0): Mutant[] {
  const { Node, SyntaxKind } = morph;
  const text = sourceFile.getFullText();
  const lines = text.split('\n');
  const mutants: Mutant[] = [];
  const keys = new Map<string, number>();
  const add = (operator: string, node: Node | { getStart(): number; getEnd(): number }, replacement: string, description: string, start = node.getStart(), end = node.getEnd()) => {
    if (text.slice(start, end) === replacement) return;
    const line = sourceFile.getLineAndColumnAtPos(start).line;
    const base = `${file} · ${short(lines[line - 1]!.replace(IGNORE, ''), 90)} · ${description}`;
    const seen = (keys.get(base) ?? 0) + 1;
    keys.set(base, seen);
    const ignored = ignoreReason(lines, line);
    mutants.push({ id: firstId + mutants.length, file, operator, description, line, key: seen === 1 ? base : `${base} · #${seen}`, ...(ignored ? { ignored } : {}), start, end, replacement });
  };

  sourceFile.forEachDescendant((node) => {
    if (Node.isAwaitExpression(node)) {
      add('drop-await', node, node.getExpression().getText(), `await dropped: ${short(node.getText())}`);
    } else if (Node.isBinaryExpression(node)) {
      const operator = node.getOperatorToken();
      const op = operator.getText();
      const swap = BOUNDARY[op] ?? EQUALITY[op] ?? LOGICAL[op] ?? ARITHMETIC[op];
      if (swap && !(op === '+' && isStringy(node))) {
        const kind = BOUNDARY[op] ? 'boundary' : EQUALITY[op] ? 'equality' : LOGICAL[op] ? 'logic' : 'arithmetic';
        add(kind, operator, swap, `${op} → ${swap} in ${short(node.getText())}`);
      }
    } else if (Node.isNumericLiteral(node)) {
      const value = Number(node.getLiteralValue());
      if (Number.isFinite(value) && !Node.isElementAccessExpression(node.getParent())) {
        add('constant', node, String(value + 1), `${node.getText()} → ${value + 1}`);
        if (value !== 0) add('constant', node, String(value - 1), `${node.getText()} → ${value - 1}`);
      }
    } else if (Node.isIfStatement(node) && !node.getElseStatement() && exits(morph, node.getThenStatement())) {
      add('remove-guard', node, '', `guard clause removed: ${short(node.getExpression().getText())}`);
    } else if (Node.isThrowStatement(node) && !Node.isIfStatement(node.getParent())) {
      add('remove-throw', node, '', `throw removed: ${short(node.getText())}`);
    } else if (Node.isExpressionStatement(node) && containsCall(morph, node)) {
      add('drop-call', node, '', `call removed: ${short(node.getText())}`);
    } else if (Node.isBlock(node)) {
      const statements = node.getStatements();
      for (let i = 0; i + 1 < statements.length; i++) {
        const [a, b] = [statements[i]!, statements[i + 1]!];
        const awaits = a.getDescendantsOfKind(SyntaxKind.AwaitExpression).length + b.getDescendantsOfKind(SyntaxKind.AwaitExpression).length;
        if (awaits === 0 || declares(morph, a) || declares(morph, b) || Node.isReturnStatement(b) || Node.isThrowStatement(b)) continue;
        add('reorder', { getStart: () => a.getStart(), getEnd: () => b.getEnd() }, `${b.getText()}\n${' '.repeat(a.getIndentationLevel() * 2)}${a.getText()}`, `swapped: ${short(a.getText())} ⇄ ${short(b.getText())}`);
      }
    }
  });
  return mutants;
}

export function applyMutant(text: string, mutant: Mutant): string {
  return text.slice(0, mutant.start) + mutant.replacement + text.slice(mutant.end);
}

function short(code: string, max = 70): string {
  const line = code.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/** `// mutate-ignore: <why>` at the end of the mutated line, or alone on the line above it. */
const IGNORE = /\/\/\s*mutate-ignore:\s*(.*)$/;

function ignoreReason(lines: string[], line: number): string | undefined {
  const above = lines[line - 2] ?? '';
  const match = IGNORE.exec(lines[line - 1] ?? '') ?? (above.trim().startsWith('//') ? IGNORE.exec(above) : null);
  return match ? match[1]!.trim() || 'marked equivalent' : undefined;
}

function isStringy(node: Node): boolean {
  const text = node.getText();
  return /['"`]/.test(text);
}

function exits(morph: TsMorph, statement: Node): boolean {
  const { Node } = morph;
  if (Node.isThrowStatement(statement) || Node.isReturnStatement(statement) || Node.isContinueStatement(statement)) return true;
  if (Node.isBlock(statement)) {
    const last = statement.getStatements().at(-1);
    return last !== undefined && exits(morph, last);
  }
  return false;
}

function containsCall(morph: TsMorph, statement: Node): boolean {
  const { Node } = morph;
  let expression = (statement as import('ts-morph').ExpressionStatement).getExpression();
  if (Node.isAwaitExpression(expression)) expression = expression.getExpression();
  return Node.isCallExpression(expression);
}

function declares(morph: TsMorph, statement: Node): boolean {
  return morph.Node.isVariableStatement(statement);
}
