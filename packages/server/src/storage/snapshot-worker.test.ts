import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PACKAGES = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The packages a module reaches through imports that stay in the built JavaScript (type-only
 * imports are erased), following this repository's own files and naming every other package.
 */
function packagesReachedFrom(entry: string): Set<string> {
  const reached = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      const specifier = runtimeImportOf(statement);
      if (specifier === null) continue;
      const local = localFileOf(specifier, file);
      if (local !== null) visit(local);
      else reached.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  };
  visit(entry);
  return reached;
}

function runtimeImportOf(statement: ts.Statement): string | null {
  if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
    return (statement.moduleSpecifier as ts.StringLiteral).text;
  }
  if (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier !== undefined) {
    return (statement.moduleSpecifier as ts.StringLiteral).text;
  }
  return null;
}

/** The TypeScript source behind a relative import or one of the workspace's packages; null for anything else. */
function localFileOf(specifier: string, from: string): string | null {
  if (specifier.startsWith('.')) return fileURLToPath(new URL(specifier.replace(/\.js$/, '.ts'), `file://${from}`));
  const workspace = /^@pairwise\/(\w+)(?:\/(\w+))?$/.exec(specifier);
  if (workspace === null) return null;
  const file = `${PACKAGES}${workspace[1]}/src/${workspace[2] ?? 'index'}.ts`;
  return existsSync(file) ? file : null;
}

describe('the rebuild thread (snapshot-worker)', () => {
  // Regression: compaction.ts took CODE_TEXT from the protocol's index, so every start of the
  // thread built all of its zod schemas: 210 ms of CPU per start instead of 105 (issue 9).
  it('starts without the protocol schemas: nothing but Yjs', () => {
    const entry = fileURLToPath(new URL('./snapshot-worker.ts', import.meta.url));
    const reached = [...packagesReachedFrom(entry)].filter((name) => !name.startsWith('node:'));
    expect(reached.sort()).toEqual(['yjs']);
  });

  it('follows what a module imports, so a schema import would be seen', () => {
    const entry = fileURLToPath(new URL('../../../protocol/src/index.ts', import.meta.url));
    expect(packagesReachedFrom(entry)).toContain('zod');
  });
});

describe('the SQLite thread (sqlite-worker)', () => {
  // Regression: sqlite-store.ts took SERVER_AUTHOR_ID from the protocol's index, so the storage
  // thread built every zod schema of the protocol it never uses: 4 MB of its heap (issue 9).
  it('starts without the protocol schemas: nothing but SQLite', () => {
    const entry = fileURLToPath(new URL('./sqlite-worker.ts', import.meta.url));
    const reached = [...packagesReachedFrom(entry)].filter((name) => !name.startsWith('node:'));
    expect(reached.sort()).toEqual(['better-sqlite3']);
  });
});
