import { lstatSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { ClassDeclaration, FunctionDeclaration, MethodDeclaration, Node, Project, SourceFile } from 'ts-morph';
import type { Exercise } from '../catalog/catalog.js';
import { PACKAGE_ROOT } from '../paths.js';

/** A problem found before any test runs: the code does not parse, type-check, or keep the API. */
export interface CodeProblem {
  kind: 'syntax' | 'type' | 'api' | 'file' | 'import';
  file: string;
  line?: number;
  column?: number;
  message: string;
}

type TsMorph = typeof import('ts-morph');
let tsMorph: Promise<TsMorph> | undefined;
/** ts-morph bundles the TypeScript compiler: load it only for commands that check code. */
function loadTsMorph(): Promise<TsMorph> {
  tsMorph ??= import('ts-morph');
  return tsMorph;
}

/**
 * Type checks and API checks implementations of one exercise. Keeps one ts-morph Project
 * alive, so re-checks (watch mode, validate's variants) reuse the parsed libraries.
 */
export class CodeChecker {
  private project?: Project;
  private referenceApi?: Map<string, ApiEntry[]>;

  constructor(private readonly exercise: Exercise) {}

  private async setup(): Promise<{ project: Project; morph: TsMorph }> {
    const morph = await loadTsMorph();
    if (!this.project) {
      this.project = new morph.Project({
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
        },
      });
    }
    return { project: this.project, morph };
  }

  async check(dir: string): Promise<CodeProblem[]> {
    const { project, morph } = await this.setup();
    if (!this.referenceApi) {
      const referenceFiles = this.addFiles(project, this.exercise.solutionDir);
      this.referenceApi = new Map(referenceFiles.map((sf) => [path.relative(this.exercise.solutionDir, sf.getFilePath()), extractApi(sf, morph)]));
    }
    const problems: CodeProblem[] = [];
    const fileProblems = this.exercise.manifest.files.flatMap((file) => fileProblem(dir, file));
    if (fileProblems.length > 0) return fileProblems;
    const files = this.addFiles(project, dir);
    const imports = files.flatMap((sourceFile) => forbiddenImports(sourceFile, path.relative(dir, sourceFile.getFilePath()), morph));
    if (imports.length > 0) return imports;
    for (const sourceFile of files) {
      const relative = path.relative(dir, sourceFile.getFilePath());
      const syntactic = sourceFile.getPreEmitDiagnostics().filter((d) => d.getSourceFile()?.getFilePath() === sourceFile.getFilePath());
      for (const diagnostic of syntactic) {
        const start = diagnostic.getStart();
        const position = start !== undefined ? sourceFile.getLineAndColumnAtPos(start) : undefined;
        const code = diagnostic.getCode();
        problems.push({
          kind: code >= 1000 && code < 2000 ? 'syntax' : 'type',
          file: relative,
          line: position?.line,
          column: position?.column,
          message: morph.ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, '\n'),
        });
      }
    }
    // After a syntax error the parser's recovery produces echoes, and type errors follow from
    // it: show the first syntax error of each file alone, as compilers advise.
    if (problems.some((p) => p.kind === 'syntax')) {
      const seen = new Set<string>();
      return problems.filter((p) => p.kind === 'syntax' && !seen.has(p.file) && seen.add(p.file));
    }
    for (const [file, expected] of this.referenceApi) {
      const sourceFile = files.find((sf) => path.relative(dir, sf.getFilePath()) === file);
      if (!sourceFile) {
        problems.push({ kind: 'api', file, message: `${file} is missing` });
        continue;
      }
      problems.push(...compareApi(file, expected, extractApi(sourceFile, morph)));
    }
    return problems;
  }

  private addFiles(project: Project, dir: string): SourceFile[] {
    return this.exercise.manifest.files.map((file) => {
      const filePath = path.join(dir, file);
      const existing = project.getSourceFile(filePath);
      if (existing) {
        existing.refreshFromFileSystemSync();
        return existing;
      }
      return project.addSourceFileAtPath(filePath);
    });
  }
}

/** A learner file must be a plain file: a symlink could point at the reference, a folder or a FIFO cannot be graded. */
function fileProblem(dir: string, file: string): CodeProblem[] {
  let stats: Stats;
  try {
    stats = lstatSync(path.join(dir, file));
  } catch {
    return [{ kind: 'api', file, message: `${file} is missing from ${dir}: restore it (bugbash reset puts the starter back, after a backup)` }];
  }
  const what = stats.isSymbolicLink() ? 'a symbolic link' : stats.isDirectory() ? 'a folder' : stats.isFile() ? undefined : 'not a regular file';
  if (!what) return [];
  return [{ kind: 'file', file, message: `${file} is ${what}: bugbash grades only regular files and does not follow links. Replace it with the file itself (bugbash reset puts the starter back, after a backup)` }];
}

const FORBIDDEN_SPECIFIER = /^(@reference\/|bugbash\/harness$|bugbash$)/;

/** Literal imports of the reference or the harness (computed ones are refused when the suites run). */
function forbiddenImports(sourceFile: SourceFile, file: string, morph: TsMorph): CodeProblem[] {
  const { Node, SyntaxKind } = morph;
  const problems: CodeProblem[] = [];
  const report = (specifier: string, node: Node) => {
    if (!FORBIDDEN_SPECIFIER.test(specifier)) return;
    const { line, column } = sourceFile.getLineAndColumnAtPos(node.getStart());
    const what = specifier.startsWith('@reference/') ? 'reference' : 'harness';
    problems.push({ kind: 'import', file, line, column, message: `your code imports the ${what} ("${specifier}"): the hidden tests compare your code with the reference, so it may only import its own files and libraries` });
  };
  for (const declaration of [...sourceFile.getImportDeclarations(), ...sourceFile.getExportDeclarations()]) {
    const specifier = declaration.getModuleSpecifierValue();
    if (specifier) report(specifier, declaration);
  }
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const argument = call.getArguments()[0];
    if (call.getExpression().getKind() === SyntaxKind.ImportKeyword && argument && Node.isStringLiteral(argument)) report(argument.getLiteralValue(), call);
  }
  return problems;
}

interface ApiEntry {
  /** "PaymentProcessor", "PaymentProcessor.refund", "PaymentProcessor.constructor" */
  name: string;
  kind: 'class' | 'function' | 'method' | 'constructor' | 'type' | 'value';
  signature?: string;
}

function extractApi(sourceFile: SourceFile, morph: TsMorph): ApiEntry[] {
  const { Node } = morph;
  const entries: ApiEntry[] = [];
  for (const [name, declarations] of sourceFile.getExportedDeclarations()) {
    const declaration = declarations[0];
    if (!declaration) continue;
    if (Node.isClassDeclaration(declaration)) {
      entries.push({ name, kind: 'class' });
      entries.push(...classApi(name, declaration, morph));
    } else if (Node.isFunctionDeclaration(declaration)) {
      entries.push({ name, kind: 'function', signature: callableSignature(declaration) });
    } else if (Node.isInterfaceDeclaration(declaration) || Node.isTypeAliasDeclaration(declaration) || Node.isEnumDeclaration(declaration)) {
      entries.push({ name, kind: 'type' });
    } else {
      entries.push({ name, kind: 'value' });
    }
  }
  return entries;
}

function classApi(className: string, declaration: ClassDeclaration, morph: TsMorph): ApiEntry[] {
  const { Scope } = morph;
  const entries: ApiEntry[] = [];
  const constructor = declaration.getConstructors()[0];
  if (constructor) entries.push({ name: `${className}.constructor`, kind: 'constructor', signature: parameters(constructor) });
  for (const method of declaration.getMethods()) {
    if (method.getScope() === Scope.Private || method.getScope() === Scope.Protected || method.getName().startsWith('#')) continue;
    entries.push({ name: `${className}.${method.getName()}`, kind: 'method', signature: callableSignature(method) });
  }
  return entries;
}

function parameters(node: MethodDeclaration | FunctionDeclaration | import('ts-morph').ConstructorDeclaration): string {
  return node
    .getParameters()
    .map((parameter) => `${parameter.isOptional() ? '?' : ''}${typeText(parameter)}`)
    .join(', ');
}

function callableSignature(node: MethodDeclaration | FunctionDeclaration): string {
  return `(${parameters(node)}): ${node.getReturnType().getText(node)}`;
}

function typeText(node: Node & { getType(): import('ts-morph').Type }): string {
  return node.getType().getText(node);
}

function compareApi(file: string, expected: ApiEntry[], actual: ApiEntry[]): CodeProblem[] {
  const found = new Map(actual.map((entry) => [entry.name, entry]));
  const problems: CodeProblem[] = [];
  for (const entry of expected) {
    const mine = found.get(entry.name);
    const label = entry.kind === 'method' || entry.kind === 'constructor' ? entry.name.replace('.constructor', ' constructor') : entry.name;
    if (!mine) {
      problems.push({ kind: 'api', file, message: `${label} is missing${entry.kind === 'class' || entry.kind === 'function' || entry.kind === 'type' || entry.kind === 'value' ? ` (it must stay exported from ${file})` : ''}` });
    } else if (entry.signature !== undefined && mine.signature !== entry.signature) {
      const display = (signature: string | undefined) => `${entry.name.split('.').pop()}${signature ?? ''}`;
      problems.push({ kind: 'api', file, message: `${label} changed its signature: the hidden tests call ${display(entry.signature)}, yours is ${display(mine.signature)}` });
    }
  }
  return problems;
}
