/**
 * A vite transform for the implementation's own modules: it appends one line that lists the
 * module's top-level bindings, so the explorer can see in-process state kept at module
 * level (`const inFlight = new Map()`), not only in the instances a world tracks. It only
 * appends, so line numbers in the learner's stack traces do not move.
 */
import path from 'node:path';
import type { Plugin } from 'vite';

const MODULE_STATE = "Symbol.for('bugbash.moduleState')";

interface Node {
  type: string;
  [key: string]: unknown;
}

export function moduleStatePlugin(implementationDir: string): Plugin {
  const root = implementationDir.endsWith(path.sep) ? implementationDir : implementationDir + path.sep;
  return {
    name: 'bugbash-module-state',
    enforce: 'post',
    async transform(code, id) {
      const file = id.split('?')[0]!;
      if (!file.startsWith(root) || !/\.[cm]?[jt]sx?$/.test(file)) return null;
      const { parseAst } = await import('vite');
      let program: { body: Node[] };
      try {
        program = parseAst(code) as unknown as { body: Node[] };
      } catch {
        return null;
      }
      const names = topLevelBindings(program.body);
      const opaque = containsPrivateNames(program);
      const line = `\n;(globalThis[${MODULE_STATE}] ??= []).push({ id: ${JSON.stringify(path.relative(root, file) + (id.includes('?') ? id.slice(id.indexOf('?')) : ''))}, opaque: ${opaque}, read: () => [${names.join(', ')}] });\n`;
      return { code: code + line, map: null };
    },
  };
}

function topLevelBindings(body: Node[]): string[] {
  const names: string[] = [];
  for (const statement of body) {
    const declaration = statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration' ? (statement.declaration as Node | null) : statement;
    if (!declaration) continue;
    if (declaration.type === 'VariableDeclaration') for (const declarator of declaration.declarations as Node[]) collect(declarator.id as Node, names);
    if (declaration.type === 'ClassDeclaration' && declaration.id) names.push((declaration.id as { name: string }).name);
  }
  return names;
}

function collect(pattern: Node | null, names: string[]): void {
  if (!pattern) return;
  switch (pattern.type) {
    case 'Identifier':
      names.push(pattern.name as string);
      return;
    case 'ObjectPattern':
      for (const property of pattern.properties as Node[]) collect((property.type === 'RestElement' ? property.argument : property.value) as Node, names);
      return;
    case 'ArrayPattern':
      for (const element of pattern.elements as (Node | null)[]) collect(element, names);
      return;
    case 'AssignmentPattern':
      collect(pattern.left as Node, names);
      return;
    case 'RestElement':
      collect(pattern.argument as Node, names);
      return;
  }
}

/** Class `#private` fields cannot be read by reflection: such a module's memory is opaque. */
function containsPrivateNames(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if ((node as Node).type === 'PrivateIdentifier') return true;
  for (const value of Object.values(node)) {
    if (Array.isArray(value) ? value.some(containsPrivateNames) : typeof value === 'object' && containsPrivateNames(value)) return true;
  }
  return false;
}
