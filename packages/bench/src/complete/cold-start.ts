import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LanguageId } from '@pairwise/protocol';
import { filesUnder } from './files.js';
import type { TypedRange } from './simulate.js';

/**
 * Cold-start replays (issue 12): files OUTSIDE the learned priors' corpus
 * (packages/complete/priors/corpus.json excludes them), typed from their first definition for
 * COLD_START_CHARS characters with what precedes it (imports, licence) already in the room.
 */
export const COLD_START_CHARS = 1_500;

export interface ColdStartFile {
  readonly path: string;
  readonly text: string;
  readonly range: TypedRange;
}

export interface ColdStartCorpus {
  readonly language: LanguageId;
  readonly origin: string;
  readonly files: readonly ColdStartFile[];
}

const FIRST_DEFINITION: Readonly<Record<string, RegExp>> = {
  python: /^(async\s+def|def|class)\s/m,
  javascript: /^(export\s+)?(default\s+)?(async\s+)?(function\*?|class)\s/m,
  typescript: /^(export\s+)?(default\s+)?(abstract\s+)?(async\s+)?(function\*?|class|interface)\s/m,
  java: /^[ \t]*((public|protected|private|abstract|final|static|sealed|non-sealed)\s+)*(class|interface|enum|record)\s/m,
  cpp: /^[ \t]*(template\s*<|class\s+\w|struct\s+\w|namespace\s+\w)/m,
};

interface ColdSource {
  readonly language: LanguageId;
  readonly roots: readonly string[];
  readonly include: RegExp;
  readonly exclude?: RegExp;
}

const JAVA_SOURCE_ZIP = '/usr/lib/jvm/temurin-25-jdk-amd64/lib/src.zip';

function coldSources(modules: string): ColdSource[] {
  return [
    { language: 'python', roots: ['/usr/lib/python3/dist-packages'], include: /\.py$/, exclude: /\/tests?\// },
    {
      language: 'javascript',
      roots: ['fastify/lib', 'pg/lib', 'ws/lib', 'find-my-way/lib', 'avvio/lib'].map((d) => join(modules, d)),
      include: /\.js$/,
    },
    {
      language: 'typescript',
      roots: ['zod/src/v4', 'pg-protocol/src'].map((d) => join(modules, d)),
      include: /(?<!\.d|\.test)\.ts$/,
      exclude: /\/tests?\//,
    },
    { language: 'cpp', roots: ['/usr/include/node'], include: /\.h$/, exclude: /\/(openssl|uv)\// },
  ];
}

/** Up to `perLanguage` files per language, spread evenly over each source's sorted file list. */
export function loadColdStartCorpora(repoRoot: string, perLanguage: number): ColdStartCorpus[] {
  const corpora: ColdStartCorpus[] = coldSources(join(repoRoot, 'node_modules')).map((source) => {
    const paths = source.roots
      .filter((r) => existsSync(r))
      .flatMap((r) => filesUnder(r))
      .filter((p) => source.include.test(p) && !source.exclude?.test(p));
    const files = pickSpread(paths.sort(), perLanguage, (path) => coldFile(source.language, path, readFileSync(path, 'utf8')));
    return { language: source.language, origin: source.roots.join(', '), files };
  });
  corpora.splice(3, 0, javaColdStart(perLanguage));
  return corpora;
}

function javaColdStart(perLanguage: number): ColdStartCorpus {
  const origin = `${JAVA_SOURCE_ZIP} (java.base/java/util, left out of training)`;
  if (!existsSync(JAVA_SOURCE_ZIP)) return { language: 'java', origin: `${JAVA_SOURCE_ZIP} not found`, files: [] };
  const entries = execFileSync('unzip', ['-Z1', JAVA_SOURCE_ZIP], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter((e) => /^java\.base\/java\/util\/[A-Za-z]+\.java$/.test(e))
    .sort();
  const read = (entry: string): string =>
    execFileSync('unzip', ['-p', JAVA_SOURCE_ZIP, entry], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return { language: 'java', origin, files: pickSpread(entries, perLanguage, (entry) => coldFile('java', entry, read(entry))) };
}

function pickSpread(paths: readonly string[], count: number, load: (path: string) => ColdStartFile | null): ColdStartFile[] {
  const files: ColdStartFile[] = [];
  const stride = Math.max(1, Math.floor(paths.length / count));
  // Files without a usable definition are skipped, so walk on past the stride points if needed.
  for (let offset = 0; offset < stride && files.length < count; offset++) {
    for (let i = offset; i < paths.length && files.length < count; i += stride) {
      if (files.some((f) => f.path === paths[i])) continue;
      const file = load(paths[i]!);
      if (file !== null) files.push(file);
    }
  }
  return files;
}

function coldFile(language: LanguageId, path: string, raw: string): ColdStartFile | null {
  const text = raw.replaceAll('\r\n', '\n');
  const match = FIRST_DEFINITION[language]!.exec(text);
  if (match === null || text.length - match.index < COLD_START_CHARS) return null;
  return { path, text, range: { start: match.index, end: match.index + COLD_START_CHARS } };
}
