import { LANGUAGES } from '@pairwise/protocol';
import type { CompletionRunsOn, LanguageId } from '@pairwise/protocol';
import type { monaco } from '../lib/monaco';
import type { CompleteOptions, CompletionOutcome } from './completionClient';
import type { CursorContext } from './rules';

/** Read on every request, so toggles, the delay and the room's language apply without re-registering. */
export interface CompletionConfig {
  /** This browser's toggle and the room's switch are both on. */
  active: boolean;
  delayMs: number;
  /** `browser`: this page's worker runs the local engine; `server`: only the server can answer (a model). */
  runsOn: CompletionRunsOn;
  language: LanguageId;
  roomId: string;
  /** The room's credentials (owner key, share link): the server checks the caller may edit the room. */
  headers: Readonly<Record<string, string>>;
}

/** The editor's text, read only by a client that sends it whole (the server's). */
export interface DocumentSource {
  getValue(): string;
  /** Grows with every change: a client that keeps a copy checks it against this. */
  getVersionId(): number;
}

/** What a provider asks for: a suggestion at `cursorPosition` in `model`. */
export interface CompletionAsk {
  model: DocumentSource;
  /** UTF-16 offset, as Monaco's getOffsetAt counts. */
  cursorPosition: number;
  language: LanguageId;
  roomId: string;
}

/** The providers' view of where suggestions come from (the page's worker or the server). */
export interface AskingClient {
  complete(ask: CompletionAsk, options?: CompleteOptions): Promise<CompletionOutcome>;
  cancel(): void;
  resume(): void;
  dispose(): void;
}

/** What a provider needs from the editor it belongs to. */
export interface ProviderDeps {
  editor: monaco.editor.IStandaloneCodeEditor;
  /** Providers are global in Monaco; each only answers for its own editor's model. */
  model: monaco.editor.ITextModel;
  client: AskingClient;
  getConfig: () => CompletionConfig;
  /** Whether the latest change to the text was made in this editor (not by someone else in the room). */
  lastEditWasLocal: () => boolean;
}

/** Every language a room can use (Monaco ids). */
export const COMPLETION_LANGUAGES: readonly string[] = LANGUAGES.map((l) => l.monacoId);

export function cursorContext(deps: ProviderDeps, position: monaco.Position): CursorContext {
  const selections = deps.editor.getSelections() ?? [];
  const line = deps.model.getLineContent(position.lineNumber);
  return {
    documentLength: deps.model.getValueLength(),
    hasSelection: selections.length > 1 || selections.some((s) => !s.isEmpty()),
    lineSuffix: line.slice(position.column - 1),
  };
}

/** Bridges Monaco's cancellation token to fetch's AbortSignal. Call `done` to drop the listener. */
export function signalFor(token: monaco.CancellationToken): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, done: () => listener.dispose() };
}
