import { monaco } from '../lib/monaco';
import { COMPLETION_LANGUAGES, cursorContext, signalFor } from './editorContext';
import type { ProviderDeps } from './editorContext';
import { ghostTextFor, skipReason } from './rules';

/**
 * Ghost text. Monaco calls this after each edit once the user has paused for `debounceDelayMs`
 * (its own trailing debounce, which also cancels the previous call's token), keeps the ghost text
 * while typing matches it (the range below starts at the cursor, so Monaco can track it), and
 * accepts it with Tab / dismisses it with Esc. Accepting is an ordinary model edit, so y-monaco
 * sends it to the room like typing.
 */
export function registerInlineProvider(deps: ProviderDeps): monaco.IDisposable {
  const { model: own, client, getConfig, lastEditWasLocal } = deps;
  // The last ghost text fetched, with the line it was fetched for (see the remote-edit case below).
  let last: { line: string; column: number; text: string } | null = null;
  const provider: monaco.languages.InlineCompletionsProvider = {
    displayName: 'Pairwise suggestions',
    get debounceDelayMs() {
      return getConfig().delayMs;
    },
    async provideInlineCompletions(model, position, context, token) {
      const config = getConfig();
      if (model !== own || !config.active) return undefined;
      // The Ctrl+Space list is open: it has the server's items already, and Tab belongs to it.
      if (context.selectedSuggestionInfo) return undefined;
      const ctx = cursorContext(deps, position);
      if (skipReason(ctx) !== null) return undefined;
      const at = new monaco.Range(position.lineNumber, position.column, position.lineNumber, position.column);

      // Once ghost text has been asked for, Monaco asks again after every change to the text,
      // including a partner's typing. Fetching then would make every idle user's browser send a
      // request whenever anyone in the room pauses; instead keep what this line already had.
      if (context.triggerKind !== monaco.languages.InlineCompletionTriggerKind.Explicit && !lastEditWasLocal()) {
        const line = model.getLineContent(position.lineNumber);
        return last && last.line === line && last.column === position.column
          ? { items: [{ insertText: last.text, range: at }] }
          : undefined;
      }

      const { signal, done } = signalFor(token);
      try {
        const outcome = await client.complete(
          { model, cursorPosition: model.getOffsetAt(position), language: config.language, roomId: config.roomId },
          { channel: 'inline', signal },
        );
        if (outcome.kind !== 'ok' || token.isCancellationRequested) return undefined;
        const text = ghostTextFor(outcome.suggestion, ctx.lineSuffix);
        last = text === '' ? null : { line: model.getLineContent(position.lineNumber), column: position.column, text };
        return text === '' ? { items: [] } : { items: [{ insertText: text, range: at }] };
      } finally {
        done();
      }
    },
    disposeInlineCompletions() {
      // Nothing is held per result.
    },
  };
  return monaco.languages.registerInlineCompletionsProvider(COMPLETION_LANGUAGES, provider);
}
