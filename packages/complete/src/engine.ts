import type { AutocompleteResponse } from '@pairwise/protocol';
import { analyzeCursor } from './context.js';
import { cursorInsideWord, fitBeforeFollowing } from './fit.js';
import { buildItems } from './items.js';
import type { CompletionRequest } from './request.js';
import { emptyResponse } from './request.js';
import { chooseGhost, likelyPath } from './ranker.js';
import { gatherSources } from './sources.js';
import { splitsSurrogatePair } from './text.js';

/** The local engine, synchronous and deterministic: same request, same answer. */
export function completeLocally(request: CompletionRequest): AutocompleteResponse {
  const { code, cursorPosition: cursor, language } = request;
  if (!Number.isInteger(cursor) || cursor < 0 || cursor > code.length || splitsSurrogatePair(code, cursor)) {
    return emptyResponse();
  }
  const ctx = analyzeCursor(code, cursor, language);
  const sources = gatherSources(ctx);
  const ghost = chooseGhost(likelyPath(sources));
  const fitted = ghost === null || cursorInsideWord(ctx.after) ? '' : fitBeforeFollowing(ghost.text, ctx.after);
  const allSuggestions = buildItems(ctx, sources, fitted.trim() === '' || ghost === null ? null : { ...ghost, text: fitted });
  const suggestion = fitted.trim() === '' ? '' : fitted;
  return { suggestion, allSuggestions };
}
