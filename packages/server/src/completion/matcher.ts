import type { CursorContext } from './context.js';
import { isHighSurrogate, isSpaceCode, isWordCode, isWordCharAt, lineEnd, safeSlice, wordRunLength } from './text.js';

/**
 * Document evidence: wherever the text just before the cursor occurred before, what followed it.
 * Order k means the context is the last k tokens plus the word being typed (order 0: the word alone),
 * like the contexts of a PPM model; longer contexts predict better but match less often.
 */
export interface Level {
  readonly order: number;
  readonly continuations: readonly Continuation[];
}

export interface Continuation {
  /** What followed the matched context, up to the end of its line. */
  readonly text: string;
  /** Proximity to the cursor: nearer occurrences are likelier to be the same local names. */
  readonly weight: number;
}

// The window bounds the cost on large files: identifiers and repeated lines are mostly local anyway.
export const WINDOW_BEFORE = 48_000;
export const WINDOW_AFTER = 16_000;
const MAX_ORDER = 12;
const MAX_CONTEXT_CHARS = 200;
const MAX_MATCHES = 160;
const MAX_CONTINUATION = 160;
const PROXIMITY_SCALE = 6_000;

export function collectLevels(ctx: CursorContext): Level[] {
  const levels: Level[] = [];
  if (ctx.word !== '') {
    // The word alone says nothing about what comes after it here, only how it ends.
    const words = findContinuations(ctx, ctx.wordStart).map((c) => ({ ...c, text: wordWithCloser(c.text) }));
    levels.push({ order: 0, continuations: words });
  }
  const starts = tokenStartsBefore(ctx.code, ctx.wordStart, MAX_ORDER, ctx.cursor - MAX_CONTEXT_CHARS);
  for (let k = 0; k < starts.length; k++) {
    const continuations = findContinuations(ctx, starts[k]!);
    if (continuations.length === 0) break;
    levels.push({ order: k + 1, continuations });
  }
  return levels;
}

/**
 * Start offsets of the tokens before `end`, nearest first. A token is a run of word characters
 * or one other character; whitespace only separates.
 */
export function tokenStartsBefore(code: string, end: number, max: number, floor: number): number[] {
  const starts: number[] = [];
  let pos = end;
  while (starts.length < max) {
    while (pos > 0 && isSpaceCode(code.charCodeAt(pos - 1))) pos--;
    if (pos <= Math.max(0, floor)) break;
    if (isWordCode(code.charCodeAt(pos - 1))) {
      while (pos > 0 && isWordCode(code.charCodeAt(pos - 1))) pos--;
    } else {
      pos--;
    }
    if (pos < floor) break;
    starts.push(pos);
  }
  return starts;
}

/** Occurrences of `code[contextStart, cursor)` elsewhere in the window, nearest first, with what followed. */
function findContinuations(ctx: CursorContext, contextStart: number): Continuation[] {
  const { code, cursor } = ctx;
  const context = code.slice(contextStart, cursor);
  const needsBoundary = isWordCode(context.charCodeAt(0));
  const found: Continuation[] = [];
  const floor = Math.max(0, cursor - WINDOW_BEFORE);
  let at = contextStart - 1 < 0 ? -1 : code.lastIndexOf(context, contextStart - 1);
  while (at >= floor && found.length < MAX_MATCHES) {
    if (!needsBoundary || !isWordCharAt(code, at - 1)) {
      found.push({ text: continuationAt(code, at + context.length, ctx.wordStart), weight: proximity(cursor - at) });
    }
    at = at === 0 ? -1 : code.lastIndexOf(context, at - 1);
  }
  const ceiling = Math.min(code.length, cursor + WINDOW_AFTER);
  let ahead = code.indexOf(context, cursor);
  while (ahead !== -1 && ahead < ceiling && found.length < MAX_MATCHES) {
    if (!needsBoundary || !isWordCharAt(code, ahead - 1)) {
      found.push({ text: continuationAt(code, ahead + context.length, code.length), weight: proximity(ahead - cursor) });
    }
    ahead = code.indexOf(context, ahead + 1);
  }
  return found;
}

/** Rest of the line from `from`, stopping short of `stop` so the word being typed never predicts itself. */
function continuationAt(code: string, from: number, stop: number): string {
  let end = Math.min(lineEnd(code, from), from + MAX_CONTINUATION);
  if (from <= stop && stop < end) end = stop;
  if (end > from && code.charCodeAt(end - 1) === 13) end--;
  return safeSlice(code, from, end);
}

/** The rest of the word and the character right after it (`(`, `.`, `:`), if not a space. */
function wordWithCloser(text: string): string {
  const end = wordRunLength(text, 0);
  const next = text.charCodeAt(end);
  return end < text.length && !isSpaceCode(next) && !isHighSurrogate(next) ? text.slice(0, end + 1) : text.slice(0, end);
}

function proximity(distance: number): number {
  return 1 / (1 + distance / PROXIMITY_SCALE);
}
