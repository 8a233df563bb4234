/**
 * Type-checks the hidden code of an exercise (its suites, `world.ts` and any other helper
 * under hidden/) the way the grader resolves it: `@impl/*` and `@reference/*` are the
 * reference, `bugbash/harness` is the harness this package ships. A type error in a hidden
 * test otherwise only shows up as a confusing failure on some implementations, or never.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Exercise } from '../catalog/catalog.js';
import { PACKAGE_ROOT } from '../paths.js';

export interface HiddenTypeProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Every hidden source file of an exercise (suites and helpers), absolute paths, sorted. */
export function hiddenSourceFiles(exercise: Pick<Exercise, 'hiddenDir'>): string[] {
  if (!existsSync(exercise.hiddenDir)) return [];
  return readdirSync(exercise.hiddenDir, { recursive: true })
    .map(String)
    .filter((file) => /\.[cm]?[jt]s$/.test(file) && !file.endsWith('.d.ts'))
    .sort()
    .map((file) => path.join(exercise.hiddenDir, file));
}

/**
 * Where `bugbash/harness` resolves for the type checker: the declarations next to the
 * compiled harness (an installed package), else the sources (this repository).
 */
export function harnessTypes(): string {
  const declarations = path.join(PACKAGE_ROOT, 'dist', 'harness', 'index.d.ts');
  return existsSync(declarations) ? declarations : path.join(PACKAGE_ROOT, 'src', 'harness', 'index.ts');
}

const INSTANCE_IMPORT = /['"]@impl\/([^'"?]+)\?instance=(\d+)['"]/g;

/**
 * Path mappings the grader's aliases amount to. `@impl/<file>?instance=N` is a separate copy
 * of the module at run time; for types it is the same file, mapped one specifier at a time
 * because a mapping pattern holds a single `*`.
 */
export function hiddenPaths(exercise: Pick<Exercise, 'hiddenDir' | 'solutionDir'>, implDir = exercise.solutionDir): Record<string, string[]> {
  const paths: Record<string, string[]> = {
    '@impl/*': [`${implDir}/*`],
    '@reference/*': [`${exercise.solutionDir}/*`],
    'bugbash/harness': [harnessTypes()],
  };
  for (const file of hiddenSourceFiles(exercise)) {
    for (const match of readFileSync(file, 'utf8').matchAll(INSTANCE_IMPORT)) {
      paths[`@impl/${match[1]}?instance=${match[2]}`] = [`${implDir}/${match[1]}`];
    }
  }
  // A set outside this package has no node_modules: vitest, fast-check and Node's types are ours.
  paths['*'] = [`${path.join(PACKAGE_ROOT, 'node_modules')}/*`, `${path.join(PACKAGE_ROOT, 'node_modules', '@types')}/*`];
  return paths;
}

/** Type errors in the hidden code, each with file:line:col. */
export async function checkHiddenTypes(exercise: Exercise): Promise<HiddenTypeProblem[]> {
  const files = hiddenSourceFiles(exercise);
  if (files.length === 0) return [];
  const morph = await import('ts-morph');
  const project = new morph.Project({
    compilerOptions: {
      target: morph.ts.ScriptTarget.ES2022,
      module: morph.ts.ModuleKind.ESNext,
      moduleResolution: morph.ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(PACKAGE_ROOT, 'node_modules', '@types')],
      allowImportingTsExtensions: true,
      paths: hiddenPaths(exercise),
    },
  });
  const problems: HiddenTypeProblem[] = [];
  for (const file of files) {
    const sourceFile = project.addSourceFileAtPath(file);
    for (const diagnostic of sourceFile.getPreEmitDiagnostics()) {
      if (diagnostic.getSourceFile()?.getFilePath() !== sourceFile.getFilePath()) continue;
      const start = diagnostic.getStart();
      const position = start !== undefined ? sourceFile.getLineAndColumnAtPos(start) : { line: 1, column: 1 };
      problems.push({ file, line: position.line, column: position.column, message: morph.ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, ' ') });
    }
  }
  return problems;
}
