import type { CompletionItem, CompletionKind } from '@pairwise/protocol';
import { monaco } from '../lib/monaco';
import { COMPLETION_LANGUAGES, cursorContext, signalFor } from './editorContext';
import type { ProviderDeps } from './editorContext';
import { skipReason } from './rules';

const { CompletionItemKind, CompletionTriggerKind } = monaco.languages;

const KIND: Record<CompletionKind, monaco.languages.CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  identifier: CompletionItemKind.Variable,
  member: CompletionItemKind.Property,
  line: CompletionItemKind.Text,
  closer: CompletionItemKind.Operator,
  model: CompletionItemKind.Text,
};

/**
 * The server's `allSuggestions` in Monaco's suggestion list (Ctrl+Space). Quick suggestions are
 * off in our editor, so an `Invoke` here always is an explicit request; it never fetches while
 * typing, which is the ghost-text provider's job.
 */
export function registerSuggestProvider(deps: ProviderDeps): monaco.IDisposable {
  const { model: own, client, getConfig } = deps;
  const provider: monaco.languages.CompletionItemProvider = {
    async provideCompletionItems(model, position, context, token) {
      const config = getConfig();
      if (model !== own || !config.active || context.triggerKind !== CompletionTriggerKind.Invoke) return undefined;
      const ctx = cursorContext(deps, position);
      if (skipReason(ctx) !== null) return undefined;

      const { signal, done } = signalFor(token);
      try {
        const outcome = await client.complete(
          { model, cursorPosition: model.getOffsetAt(position), language: config.language, roomId: config.roomId },
          { channel: 'list', signal },
        );
        if (outcome.kind !== 'ok' || token.isCancellationRequested) return undefined;
        // Replacing the word typed so far with word + text is the same edit as inserting text at
        // the cursor, but lets Monaco filter and rank the item against that word like its own.
        const word = model.getWordUntilPosition(position);
        const prefix = word.word;
        const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, position.column);
        return {
          suggestions: outcome.items.map((item: CompletionItem, index) => ({
            label: { label: item.label, description: item.source === 'openai' ? 'AI' : undefined },
            kind: KIND[item.kind],
            insertText: prefix + item.text,
            filterText: prefix + item.text,
            // Keeps the server's order among equally good matches.
            sortText: String(index).padStart(4, '0'),
            range,
          })),
        };
      } finally {
        done();
      }
    },
  };
  return monaco.languages.registerCompletionItemProvider(COMPLETION_LANGUAGES, provider);
}
