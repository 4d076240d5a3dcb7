import type { AutocompleteResponse } from '@pairwise/protocol';
import { scanBrackets } from './brackets.js';
import { analyzeCursor } from './context.js';
import { cursorInsideWord, fitBeforeFollowing } from './fit.js';
import { buildItems } from './items.js';
import type { CompletionRequest } from './request.js';
import { emptyResponse } from './request.js';
import type { Source } from './evidence.js';
import { type Ghost, MIN_PROBABILITY, chooseGhost, ghostScore, likelyPath } from './ranker.js';
import type { LanguagePrior } from './prior.js';
import { gatherSources } from './sources.js';
import { splitsSurrogatePair } from './text.js';

/**
 * The local engine, synchronous and deterministic: same request (and prior), same answer. The
 * language's learned prior, when given, fills in where the document has little to say.
 */
export function completeLocally(request: CompletionRequest, prior: LanguagePrior | null = null): AutocompleteResponse {
  const { code, cursorPosition: cursor, language } = request;
  if (!Number.isInteger(cursor) || cursor < 0 || cursor > code.length || splitsSurrogatePair(code, cursor)) {
    return emptyResponse();
  }
  const ctx = analyzeCursor(code, cursor, language);
  const learned = prior?.language === language ? prior : null;
  const sources = gatherSources(ctx, learned);
  const thresholds = learned !== null && scanBrackets(code, cursor, ctx.table).inside !== null ? TEXT_THRESHOLDS : CODE_THRESHOLDS;
  const ghost = betterGhost(chooseGhost(likelyPath(sources, thresholds.blended)), sources, thresholds.priorAlone);
  const fitted = ghost === null || cursorInsideWord(ctx.after) ? '' : fitBeforeFollowing(ghost.text, ctx.after);
  const allSuggestions = buildItems(ctx, sources, fitted.trim() === '' || ghost === null ? null : { ...ghost, text: fitted });
  const suggestion = fitted.trim() === '' ? '' : fitted;
  return { suggestion, allSuggestions };
}

/**
 * The blended evidence speaks for the document first, so where the document knows little it is
 * often too unsure for any ghost while the learned prior alone is sure (`(self` after
 * `def __init__`, `ole.log(` after `cons`): the prior's own best ghost then competes on the same
 * score, confidence against length.
 */
/**
 * The prior alone may follow a token it gives this much (the blend needs 0.5): on the cold-start
 * replays 0.35 saved about one keystroke in a hundred more in every language, with acceptance still
 * above the engine's without a prior; 0.2-0.25 saved a little more but showed a wrong ghost as
 * often as a right one.
 */
const CODE_THRESHOLDS = { blended: MIN_PROBABILITY, priorAlone: 0.35 } as const;
/**
 * Inside a comment or a string (docstrings, messages) the prior is rarely sure of the next word of
 * prose, and a wrong ghost there only has to be typed over. On the cold-start replays these saved
 * about one keystroke in a hundred more in Python (29.1% -> 30.2%; docstrings and comments are a
 * third of what is typed there), 0.5-1.5 in the other languages, while acceptance fell by 2-8
 * points (Python 42% -> 37%). Comments and docstrings alone saved 0.15 less in Python; 0.4 and
 * 0.15 saved 0.1 more with still fewer ghosts accepted. A prose-only n-gram (comment tokens
 * counted apart from code tokens) was tried and saved only 0.1: the code contexts already tell
 * prose apart.
 */
const TEXT_THRESHOLDS = { blended: 0.45, priorAlone: 0.15 } as const;

function betterGhost(blended: Ghost | null, sources: readonly Source[], priorAloneMinProbability: number): Ghost | null {
  const learned = sources.find((s) => s.kind === 'learned');
  if (learned === undefined) return blended;
  const own = Math.min(
    1,
    learned.options.reduce((sum, o) => sum + o.weight, 0),
  );
  const prior = chooseGhost(likelyPath([{ ...learned, lambda: own }], priorAloneMinProbability));
  if (prior === null || blended === null) return prior ?? blended;
  return ghostScore(prior) > ghostScore(blended) ? prior : blended;
}
