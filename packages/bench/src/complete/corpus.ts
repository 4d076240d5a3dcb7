import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LanguageId } from '@pairwise/protocol';

export interface SourceFile {
  /** Where the text came from, for the report. */
  readonly path: string;
  readonly text: string;
}

export interface Corpus {
  readonly language: LanguageId;
  readonly origin: string;
  readonly files: readonly SourceFile[];
}

/**
 * Fixed sample: files in sorted path order, skipping very small and very large ones, until the
 * language's budget is reached. Same machine, same files, same numbers.
 */
export interface SampleLimits {
  readonly minChars: number;
  readonly maxChars: number;
  readonly budgetChars: number;
}

const JAVA_SOURCE_ZIPS = [
  '/usr/lib/jvm/java-17-openjdk-amd64/lib/src.zip',
  // The JDK 17 source package is often absent (its src.zip is a dangling link); any JDK's sources will do.
  '/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip',
];
// Hand-written, unminified sources shipped in installed packages (zod and pg-protocol ship real .ts).
const JS_PACKAGES = ['fastify/lib', 'pg/lib', 'ws/lib', 'find-my-way/lib', 'avvio/lib'];
const TS_PACKAGES = ['zod/src/v4/classic', 'zod/src/v4/core', 'pg-protocol/src'];
const JAVA_PACKAGE = /^java\.base\/java\/util\/[A-Za-z]+\.java$/;

export function loadCorpora(repoRoot: string, limits: SampleLimits): Corpus[] {
  const modules = join(repoRoot, 'node_modules');
  return [
    fromDirectories('python', ['/usr/lib/python3.11'], /\.py$/, limits),
    fromDirectories(
      'javascript',
      JS_PACKAGES.map((d) => join(modules, d)),
      /\.js$/,
      limits,
    ),
    fromDirectories(
      'typescript',
      TS_PACKAGES.map((d) => join(modules, d)),
      /(?<!\.d|\.test|\.tst)\.ts$/,
      limits,
    ),
    fromJavaSources(limits),
    fromDirectories('cpp', ['/usr/include/c++/12/bits'], /\.h$/, limits),
  ];
}

function fromDirectories(language: LanguageId, directories: readonly string[], pattern: RegExp, limits: SampleLimits): Corpus {
  const paths = directories
    .filter((d) => existsSync(d))
    .flatMap((d) => readdirSync(d).map((name) => join(d, name)))
    .filter((p) => pattern.test(p) && statSync(p).isFile())
    .sort();
  return { language, origin: directories.join(', '), files: takeWithinBudget(paths, (p) => readFileSync(p, 'utf8'), limits) };
}

function fromJavaSources(limits: SampleLimits): Corpus {
  const zip = JAVA_SOURCE_ZIPS.find((z) => existsSync(z));
  if (zip === undefined) return { language: 'java', origin: 'no JDK src.zip found', files: [] };
  const listing = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const entries = listing
    .split('\n')
    .filter((e) => JAVA_PACKAGE.test(e))
    .sort();
  const read = (entry: string): string => execFileSync('unzip', ['-p', zip, entry], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return { language: 'java', origin: `${zip} (java.base/java/util)`, files: takeWithinBudget(entries, read, limits) };
}

function takeWithinBudget(paths: readonly string[], read: (path: string) => string, limits: SampleLimits): SourceFile[] {
  const files: SourceFile[] = [];
  let total = 0;
  for (const path of paths) {
    if (total >= limits.budgetChars) break;
    const text = read(path).replaceAll('\r\n', '\n');
    if (text.length < limits.minChars || text.length > limits.maxChars || looksMinified(text)) continue;
    files.push({ path, text });
    total += text.length;
  }
  return files;
}

function looksMinified(text: string): boolean {
  const lines = text.split('\n').length;
  return text.length / lines > 160;
}
