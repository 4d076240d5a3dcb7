import type { monaco } from '../lib/monaco';
import { createCompletionClient } from './completionClient';
import type { CompletionClient } from './completionClient';
import type { AskingClient, CompletionConfig, ProviderDeps } from './editorContext';
import { registerInlineProvider } from './inlineProvider';
import { createLocalCompletionClient } from './localClient';
import type { LocalCompletionClient } from './localClient';
import { registerSuggestProvider } from './suggestProvider';

export type { CompletionConfig };

export interface EditorCompletions {
  /** Call when `active`, `runsOn` or `language` may have changed. */
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
  const local = createLocalCompletionClient();
  const server = createCompletionClient({ headers: () => getConfig().headers });
  local.follow(model);
  const client = routedClient(getConfig, local, server);
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
  let prepared: string | null = null;
  const refresh = () => {
    const config = getConfig();
    if (config.active && config.runsOn === 'browser' && prepared !== config.language) {
      prepared = config.language;
      local.prepare(config.language);
    }
    if (config.active === active) return;
    const wasOff = active === false;
    active = config.active;
    editor.updateOptions({ inlineSuggest: { enabled: config.active } });
    if (!config.active) {
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

/** Asks the page's own engine or the server, whichever the server said answers (read per request). */
function routedClient(getConfig: () => CompletionConfig, local: LocalCompletionClient, server: CompletionClient): AskingClient {
  const both = [local, server];
  return {
    complete: (ask, options) => {
      if (getConfig().runsOn === 'browser') return local.complete(ask, options);
      const { model, cursorPosition, language, roomId } = ask;
      return server.complete({ code: model.getValue(), cursorPosition, language, roomId }, options);
    },
    cancel: () => {
      for (const client of both) client.cancel();
    },
    resume: () => {
      for (const client of both) client.resume();
    },
    dispose: () => {
      for (const client of both) client.dispose();
    },
  };
}
