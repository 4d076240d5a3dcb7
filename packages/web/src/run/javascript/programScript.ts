import { transform } from 'sucrase';
import type { BrowserRunLanguage } from '@pairwise/protocol';
import { installProgramEnvironment } from './programEnvironment';

export type ScriptLanguage = Exclude<BrowserRunLanguage, 'python'>;

export type ProgramScript = { ok: true; script: string } | { ok: false; error: string };

/**
 * The whole script of a program's worker: the environment (console, input, no network), then the
 * program inside an async function, so top-level `await` works and its errors are caught. TypeScript
 * loses its types with sucrase (no type checking: like `tsx`, it runs what it can); JavaScript goes
 * through sucrase's parser too, so a syntax error is reported with its line before any worker starts.
 */
export function programScript(code: string, language: ScriptLanguage): ProgramScript {
  let body: string;
  try {
    body = transform(code, { transforms: language === 'typescript' ? ['typescript'] : [], disableESTransforms: true }).code;
  } catch (error) {
    return { ok: false, error: `SyntaxError: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { ok: true, script: `(${installProgramEnvironment.toString()})(self, async () => {\n${body}\n});\n` };
}
