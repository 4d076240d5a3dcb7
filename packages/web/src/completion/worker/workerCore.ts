import { completeLocally } from '@pairwise/complete';
import type { CompletionWorkerAnswer, CompletionWorkerRequest, DocumentChange } from './messages';
import type { PriorCache } from './priorCache';

/**
 * What the completion worker does with each message, apart from the worker itself (unit tests run
 * it in place of one): it keeps the editor's text as of a version, current through `open` and
 * `edit`, and answers `complete` with the local engine and the language's prior.
 */
export function createWorkerCore(reply: (answer: CompletionWorkerAnswer) => void, priors: Pick<PriorCache, 'get' | 'load'>) {
  let document: { text: string; version: number } | null = null;

  return (message: CompletionWorkerRequest): void => {
    switch (message.type) {
      case 'prepare':
        void priors.load(message.language).then((load) => reply({ type: 'prepared', ...load }));
        return;
      case 'open':
        document = { text: message.text, version: message.version };
        return;
      case 'edit':
        if (document) document = { text: applyChanges(document.text, message.changes), version: message.version };
        return;
      case 'complete':
        if (document?.version !== message.version) {
          // Messages arrive in order, so this is a bug in the page's bookkeeping: say so rather than guess.
          reply({ type: 'failed', id: message.id, message: `document version ${document?.version} is not ${message.version}` });
          return;
        }
        try {
          const { cursorPosition, language } = message;
          const started = performance.now();
          const response = completeLocally({ code: document.text, cursorPosition, language }, priors.get(language));
          reply({ type: 'answer', id: message.id, response, engineMs: performance.now() - started });
        } catch (err) {
          // The engine never throws on valid input; an answer of nothing beats a dead worker.
          reply({ type: 'failed', id: message.id, message: err instanceof Error ? err.message : String(err) });
        }
    }
  };
}

/** Each change is against the text before the edit; they come in descending offset order, so none moves another. */
function applyChanges(text: string, changes: readonly DocumentChange[]): string {
  let result = text;
  for (const change of changes) result = result.slice(0, change.offset) + change.text + result.slice(change.offset + change.length);
  return result;
}
