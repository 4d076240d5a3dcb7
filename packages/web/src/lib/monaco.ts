// Monaco without its TypeScript/JSON/CSS/HTML language services: the editor core with its
// standard contributions (find, folding, comments, multi-cursor...) plus Monarch highlighting
// for the languages a room can use. Keeps the bundle and the worker count small.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/editor/edcore.main.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import 'monaco-editor/esm/vs/basic-languages/python/python.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/javascript/javascript.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/typescript/typescript.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/java/java.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/cpp/cpp.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/csharp/csharp.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/go/go.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/rust/rust.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/ruby/ruby.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/php/php.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/kotlin/kotlin.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/swift/swift.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/sql/sql.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/html/html.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/css/css.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/markdown/markdown.contribution.js';
import type { Theme } from './theme';

export { monaco };

export const MONACO_THEMES: Record<Theme, string> = { light: 'pairwise-light', dark: 'pairwise-dark' };

/**
 * Idempotent. Monaco reads its worker factory from a global; nothing else here is global state
 * of ours. Themes are re-defined on every call, which Monaco treats as an update.
 */
export function setupMonaco(): typeof monaco {
  globalThis.MonacoEnvironment ??= { getWorker: () => new EditorWorker() };
  // Backgrounds match the page surfaces in styles/base.css so the editor does not look pasted in.
  monaco.editor.defineTheme(MONACO_THEMES.light, {
    base: 'vs',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#ffffff',
      'editorLineNumber.foreground': '#a0a3ad',
      'editorLineNumber.activeForeground': '#3c3f4a',
      'editor.lineHighlightBackground': '#f4f5f8',
      'editor.lineHighlightBorder': '#00000000',
    },
  });
  monaco.editor.defineTheme(MONACO_THEMES.dark, {
    base: 'vs-dark',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#16171d',
      'editorLineNumber.foreground': '#5b5f6e',
      'editorLineNumber.activeForeground': '#c9ccd6',
      'editor.lineHighlightBackground': '#1e2029',
      'editor.lineHighlightBorder': '#00000000',
    },
  });
  return monaco;
}
