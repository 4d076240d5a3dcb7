import type { monaco } from '../lib/monaco';
import { createCompletionClient } from './completionClient';
import type { CompletionConfig, ProviderDeps } from './editorContext';

export type { CompletionConfig };
import { registerInlineProvider } from './inlineProvider';
import { registerSuggestProvider } from './suggestProvider';

export interface EditorCompletions {
  /** Call when `active` may have changed. */
  refresh(): void;
  dispose(): void;
}

/** Ghost text and the Ctrl+Space list for one editor; everything is undone by `dispose`. */
export function attachCompletions(
  editor: monaco.editor.IStandaloneCodeEditor,
  model: monaco.editor.ITextModel,
  options: Pick<ProviderDeps, 'getConfig' | 'lastEditWasLocal'>,
): EditorCompletions {
  const { getConfig } = options;
  const client = createCompletionClient({ headers: () => getConfig().headers });
  const deps: ProviderDeps = { editor, model, client, ...options };
  const registrations = [registerInlineProvider(deps), registerSuggestProvider(deps)];
  // The word list popping up while typing would take Tab from the ghost text (Tab accepts the
  // list's item), so the list only opens on Ctrl+Space. That also lets the list provider treat
  // every invoke as explicit.
  editor.updateOptions({
    quickSuggestions: false,
    // Plain grey ghost text: coloured tokens read as real code and clash with remote cursor colours.
    inlineSuggest: { syntaxHighlightingEnabled: false },
  });

  let active: boolean | null = null;
  const refresh = () => {
    const next = getConfig().active;
    if (next === active) return;
    const wasOff = active === false;
    active = next;
    editor.updateOptions({ inlineSuggest: { enabled: next } });
    if (!next) {
      client.cancel();
      editor.trigger('pairwise', 'editor.action.inlineSuggest.hide', undefined);
    } else if (wasOff) {
      // Turned back on (maybe the room's switch): a 403 seen while it was off no longer applies.
      client.resume();
    }
  };
  refresh();

  return {
    refresh,
    dispose: () => {
      client.dispose();
      for (const registration of registrations) registration.dispose();
    },
  };
}
