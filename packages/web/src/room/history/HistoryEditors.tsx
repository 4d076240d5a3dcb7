import { useEffect, useRef } from 'react';
import { MONACO_THEMES, type monaco, setupMonaco } from '../../lib/monaco';
import type { Theme } from '../../lib/theme';
import { changedRange } from './changedRange';

// Loaded lazily (like CollabEditor): Monaco is most of the bundle.

const FONT = "'JetBrains Mono', 'Fira Code', ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";

function baseOptions(narrow: boolean): monaco.editor.IEditorOptions {
  return {
    readOnly: true,
    automaticLayout: true,
    fontFamily: FONT,
    fontSize: narrow ? 13 : 14,
    lineHeight: 22,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    wordWrap: narrow ? 'on' : 'off',
    lineNumbersMinChars: narrow ? 3 : 5,
    padding: { top: 12, bottom: 12 },
    renderLineHighlight: 'none',
    overviewRulerBorder: false,
    overviewRulerLanes: 0,
    hideCursorInOverviewRuler: true,
    // The moment's change is scrolled into view; a sticky header would cover the lines above it.
    stickyScroll: { enabled: false },
  };
}

const isNarrow = () => window.matchMedia('(max-width: 760px)').matches;

/**
 * Monaco's diff editor, read-only: `original` on the left (or above, inline on phones), `modified`
 * on the right. `data-changes` tells how many changed regions the diff found (tests read it).
 */
export function DiffEditor({
  original,
  modified,
  language,
  theme,
}: {
  original: string;
  modified: string;
  language: string;
  theme: Theme;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const models = useRef<{ original: monaco.editor.ITextModel; modified: monaco.editor.ITextModel } | null>(null);
  const initial = useRef({ original, modified, language, theme });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const m = setupMonaco();
    const narrow = isNarrow();
    const { language: lang } = initial.current;
    const pair = {
      original: m.editor.createModel(initial.current.original, lang),
      modified: m.editor.createModel(initial.current.modified, lang),
    };
    const editor = m.editor.createDiffEditor(host, {
      ...baseOptions(narrow),
      theme: MONACO_THEMES[initial.current.theme],
      originalEditable: false,
      renderSideBySide: !narrow,
      // Its grey strip of change markers takes room a short snippet does not need.
      renderOverviewRuler: false,
      ignoreTrimWhitespace: false,
      ariaLabel: 'Differences',
    });
    editor.setModel(pair);
    models.current = pair;
    const updates = editor.onDidUpdateDiff(() => {
      host.dataset.changes = String(editor.getLineChanges()?.length ?? 0);
    });
    return () => {
      updates.dispose();
      models.current = null;
      editor.dispose();
      pair.original.dispose();
      pair.modified.dispose();
    };
  }, []);

  useEffect(() => {
    const pair = models.current;
    if (!pair) return;
    if (pair.original.getValue() !== original) pair.original.setValue(original);
    if (pair.modified.getValue() !== modified) replaceChanged(pair.modified, modified);
  }, [original, modified]);

  useEffect(() => {
    const pair = models.current;
    if (!pair) return;
    setupMonaco().editor.setModelLanguage(pair.original, language);
    setupMonaco().editor.setModelLanguage(pair.modified, language);
  }, [language]);

  useEffect(() => {
    setupMonaco().editor.setTheme(MONACO_THEMES[theme]);
  }, [theme]);

  return <div ref={hostRef} className="editor-host" data-testid="diff-editor" />;
}

/** Replaces only the changed part, so the view keeps its scroll position; returns the new range. */
function replaceChanged(model: monaco.editor.ITextModel, next: string): monaco.IRange | null {
  const change = changedRange(model.getValue(), next);
  if (!change) return null;
  const start = model.getPositionAt(change.start);
  const end = model.getPositionAt(change.oldEnd);
  model.applyEdits([
    {
      range: { startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column },
      text: next.slice(change.start, change.newEnd),
    },
  ]);
  const newEnd = model.getPositionAt(change.newEnd);
  return { startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: newEnd.lineNumber, endColumn: newEnd.column };
}

/**
 * Read-only code for playback: each step edits only what changed, marks it in `color` (the
 * author's) and scrolls it into view.
 */
export function CodeView({ code, language, theme, color }: { code: string; language: string; theme: Theme; color: string | null }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const initial = useRef({ code, language, theme });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const m = setupMonaco();
    const model = m.editor.createModel(initial.current.code, initial.current.language);
    const editor = m.editor.create(host, {
      ...baseOptions(isNarrow()),
      model,
      theme: MONACO_THEMES[initial.current.theme],
      domReadOnly: true,
      ariaLabel: 'Code at this moment',
    });
    editorRef.current = editor;
    decorations.current = editor.createDecorationsCollection();
    return () => {
      editorRef.current = null;
      decorations.current = null;
      editor.dispose();
      model.dispose();
    };
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (!editor || !model) return;
    const range = replaceChanged(model, code);
    if (!range) return;
    decorations.current?.set([{ range, options: { className: 'playback-change', isWholeLine: false } }]);
    editor.revealRangeInCenterIfOutsideViewport(range);
  }, [code]);

  useEffect(() => {
    hostRef.current?.style.setProperty('--change-color', color ?? 'var(--accent)');
  }, [color]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model) setupMonaco().editor.setModelLanguage(model, language);
  }, [language]);

  useEffect(() => {
    setupMonaco().editor.setTheme(MONACO_THEMES[theme]);
  }, [theme]);

  return <div ref={hostRef} className="editor-host" data-testid="playback-code" />;
}
