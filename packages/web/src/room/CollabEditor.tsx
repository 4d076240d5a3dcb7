import { useEffect, useMemo, useRef } from 'react';
import * as Y from 'yjs';
import { MonacoBinding } from 'y-monaco';
import type { Awareness } from 'y-protocols/awareness';
import { attachCompletions } from '../completion/attachCompletions';
import type { CompletionConfig, EditorCompletions } from '../completion/attachCompletions';
import { MONACO_THEMES, monaco, setupMonaco } from '../lib/monaco';
import type { Participant } from '../lib/presence';
import type { Theme } from '../lib/theme';
import { remoteCursorCss } from './remoteCursorStyles';

export interface CollabEditorProps {
  text: Y.Text;
  awareness: Awareness;
  /** A Monaco language id. */
  language: string;
  theme: Theme;
  /** Why the editor takes no typing right now (shown when someone tries), or null when it does. */
  readOnlyMessage: string | null;
  participants: readonly Participant[];
  /** Called on every edit made in this editor (not on remote edits). */
  onLocalEdit?: () => void;
  /** Someone tried to type while the editor was read-only. */
  onReadOnlyAttempt?: () => void;
  /** Ghost text and the Ctrl+Space list; read on every request. */
  completions: CompletionConfig;
}

function readOnlyOptions(message: string | null): monaco.editor.IEditorOptions {
  return message === null ? { readOnly: false } : { readOnly: true, readOnlyMessage: { value: message } };
}

/** Monaco bound to the room's Y.Text, with an undo stack that only holds this user's edits. */
export default function CollabEditor({
  text,
  awareness,
  language,
  theme,
  readOnlyMessage,
  participants,
  onLocalEdit,
  onReadOnlyAttempt,
  completions,
}: CollabEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const completionsRef = useRef<EditorCompletions | null>(null);
  const latest = useRef({ language, theme, readOnlyMessage, onLocalEdit, onReadOnlyAttempt, completions });
  latest.current = { language, theme, readOnlyMessage, onLocalEdit, onReadOnlyAttempt, completions };

  useEffect(() => {
    const host = hostRef.current;
    const doc = text.doc;
    if (!host || !doc) return;
    const m = setupMonaco();
    // Phones: wrap long lines and give the gutter less room. Decided once, at creation.
    const narrow = window.matchMedia('(max-width: 760px)').matches;
    const model = m.editor.createModel('', latest.current.language);
    // Monaco would otherwise adopt CRLF from a Windows paste or platform default, and the
    // Y.Text offsets of Windows and Unix users would stop matching (y-monaco #6).
    model.setEOL(m.editor.EndOfLineSequence.LF);
    const editor = m.editor.create(host, {
      model,
      theme: MONACO_THEMES[latest.current.theme],
      ...readOnlyOptions(latest.current.readOnlyMessage),
      automaticLayout: true,
      fontFamily: "'JetBrains Mono', 'Fira Code', ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      fontSize: narrow ? 13 : 14,
      wordWrap: narrow ? 'on' : 'off',
      lineNumbersMinChars: narrow ? 3 : 5,
      folding: !narrow,
      lineHeight: 22,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      // Room above line 1 for the name label of a remote cursor sitting there.
      padding: { top: 20, bottom: 16 },
      renderLineHighlight: 'line',
      overviewRulerBorder: false,
      hideCursorInOverviewRuler: true,
      smoothScrolling: true,
      fixedOverflowWidgets: true,
      tabSize: 4,
      ariaLabel: 'Shared code editor',
    });
    const binding = new MonacoBinding(text, model, new Set([editor]), awareness);
    // Only edits that came through this binding are undoable here; remote edits and the
    // language picker are never undone by Ctrl+Z (y-monaco #9).
    const undoManager = new Y.UndoManager(text, { trackedOrigins: new Set([binding]), captureTimeout: 500 });
    const { KeyMod, KeyCode } = m;
    // addAction (not addCommand) scopes the keybinding to this editor and can be disposed.
    const actions = [
      editor.addAction({
        id: 'pairwise.undo',
        label: 'Undo my last edit',
        keybindings: [KeyMod.CtrlCmd | KeyCode.KeyZ],
        run: () => void undoManager.undo(),
      }),
      editor.addAction({
        id: 'pairwise.redo',
        label: 'Redo my last edit',
        keybindings: [KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, KeyMod.CtrlCmd | KeyCode.KeyY],
        run: () => void undoManager.redo(),
      }),
    ];
    const readOnlyAttempts = editor.onDidAttemptReadOnlyEdit(() => latest.current.onReadOnlyAttempt?.());
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === binding || origin === undoManager) latest.current.onLocalEdit?.();
    };
    doc.on('update', onUpdate);
    let lastTextEditLocal = false;
    const onTextChange = (_event: Y.YTextEvent, transaction: Y.Transaction) => {
      lastTextEditLocal = transaction.origin === binding || transaction.origin === undoManager;
    };
    text.observe(onTextChange);
    host.dataset.language = model.getLanguageId();
    editorRef.current = editor;
    completionsRef.current = attachCompletions(editor, model, {
      getConfig: () => latest.current.completions,
      lastEditWasLocal: () => lastTextEditLocal,
    });

    return () => {
      completionsRef.current?.dispose();
      completionsRef.current = null;
      editorRef.current = null;
      doc.off('update', onUpdate);
      text.unobserve(onTextChange);
      for (const action of actions) action.dispose();
      readOnlyAttempts.dispose();
      undoManager.destroy();
      editor.dispose();
      // Disposing the model destroys the binding too (y-monaco listens for it); calling
      // binding.destroy() as well would unobserve the Y.Text twice.
      model.dispose();
    };
  }, [text, awareness]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monaco.editor.setModelLanguage(model, language);
    // Lets tests and tooling see the language Monaco actually applied.
    if (hostRef.current) hostRef.current.dataset.language = model.getLanguageId();
  }, [language]);

  useEffect(() => {
    monaco.editor.setTheme(MONACO_THEMES[theme]);
  }, [theme]);

  useEffect(() => {
    editorRef.current?.updateOptions(readOnlyOptions(readOnlyMessage));
  }, [readOnlyMessage]);

  // biome-ignore lint/correctness/useExhaustiveDependencies(completions.active): a trigger; refresh() reads it through getConfig.
  // biome-ignore lint/correctness/useExhaustiveDependencies(completions.runsOn): a trigger, likewise.
  // biome-ignore lint/correctness/useExhaustiveDependencies(completions.language): a trigger, likewise.
  useEffect(() => {
    completionsRef.current?.refresh();
  }, [completions.active, completions.runsOn, completions.language]);

  const cursorCss = useMemo(() => remoteCursorCss(participants), [participants]);

  return (
    <>
      <style data-remote-cursors="">{cursorCss}</style>
      <div ref={hostRef} className="editor-host" data-testid="editor" />
    </>
  );
}
