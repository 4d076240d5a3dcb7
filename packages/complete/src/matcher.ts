import type { CursorContext } from './context.js';
import { isHighSurrogate, isSpaceCode, isWordCode, isWordCharAt, safeSlice, wordRunLength } from './text.js';

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
const MAX_MATCHES = 96;
const MAX_PROBES = 2_000;
const MAX_CONTINUATION = 160;
const PROXIMITY_SCALE = 6_000;

/**
 * `wordCloser`: the bare-word level also guesses the character after the word from its earlier
 * occurrences (`(` after a function's name). With a learned prior that guess is left to the
 * prior, which knows what follows a word in this context: a name used once before is often
 * followed by something else now (cold-start replays saved 1-3 keystrokes in a hundred more).
 */
export function collectLevels(ctx: CursorContext, wordCloser = true): Level[] {
  const levels: Level[] = [];
  const floor = Math.max(0, ctx.cursor - WINDOW_BEFORE);
  // Searching a slice keeps a miss from scanning the whole of a large document.
  const ceiling = Math.min(ctx.code.length, ctx.cursor + WINDOW_AFTER);
  const window: SearchWindow = { text: ctx.code.slice(floor, ceiling), offset: floor };
  let previous: Search | null = null;
  if (ctx.word !== '') {
    previous = search(ctx, window, ctx.wordStart);
    // The word alone says nothing about what comes after it here, only how it ends.
    const words = previous.matches.map((m) => ({
      text: wordCloser ? wordWithCloser(m.text) : m.text.slice(0, wordRunLength(m.text, 0)),
      weight: m.weight,
    }));
    if (words.length > 0) levels.push({ order: 0, continuations: words });
  }
  const starts = tokenStartsBefore(ctx.code, ctx.wordStart, MAX_ORDER, ctx.cursor - MAX_CONTEXT_CHARS);
  for (let k = 0; k < starts.length; k++) {
    const narrowed = previous?.complete === true;
    const current: Search = narrowed ? narrow(ctx, previous!, starts[k]!) : search(ctx, window, starts[k]!);
    if (current.matches.length === 0) break;
    // Same occurrences under a longer context are the same evidence, not more of it: keep only the longest.
    const last = levels[levels.length - 1];
    const sameAsLast = last !== undefined && last.order > 0 && last.continuations.length === current.matches.length;
    if (narrowed && sameAsLast) levels.pop();
    levels.push({ order: k + 1, continuations: current.matches });
    previous = current;
  }
  return levels;
}

interface Match extends Continuation {
  /** Where the matched context starts. */
  readonly at: number;
}

interface Search {
  readonly contextStart: number;
  readonly matches: readonly Match[];
  /** Every occurrence in the window was found (neither the match nor the probe cap was hit). */
  readonly complete: boolean;
}

/**
 * A longer context occurs only where the shorter one it ends with does, so when the shorter
 * search was exhaustive the longer one just filters it instead of scanning the window again.
 */
function narrow(ctx: CursorContext, shorter: Search, contextStart: number): Search {
  const { code } = ctx;
  const extra = code.slice(contextStart, shorter.contextStart);
  const needsBoundary = isWordCode(extra.charCodeAt(0));
  const matches = shorter.matches.filter((m) => {
    const at = m.at - extra.length;
    return at >= 0 && code.startsWith(extra, at) && (!needsBoundary || !isWordCharAt(code, at - 1));
  });
  return { contextStart, matches: matches.map((m) => ({ ...m, at: m.at - extra.length })), complete: true };
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

interface SearchWindow {
  readonly text: string;
  /** Offset of `text` in the document. */
  readonly offset: number;
}

/** Occurrences of `code[contextStart, cursor)` elsewhere in the window, nearest first, with what followed. */
function search(ctx: CursorContext, window: SearchWindow, contextStart: number): Search {
  const { code, cursor } = ctx;
  const context = code.slice(contextStart, cursor);
  const needsBoundary = isWordCode(context.charCodeAt(0));
  const matches: Match[] = [];
  const add = (at: number, stop: number): void => {
    if (needsBoundary && isWordCharAt(code, at - 1)) return;
    matches.push({ at, text: continuationAt(code, at + context.length, stop), weight: proximity(Math.abs(cursor - at)) });
  };
  // Probes bound the hits rejected for starting mid-word, which are endless in `aaaa…`-like text.
  let probes = 0;
  const here = contextStart - window.offset;
  let back = here <= 0 ? -1 : window.text.lastIndexOf(context, here - 1);
  while (back !== -1 && matches.length < MAX_MATCHES && probes++ < MAX_PROBES) {
    add(back + window.offset, ctx.wordStart);
    back = back === 0 ? -1 : window.text.lastIndexOf(context, back - 1);
  }
  let ahead = window.text.indexOf(context, cursor - window.offset);
  while (ahead !== -1 && matches.length < MAX_MATCHES && probes++ < MAX_PROBES) {
    add(ahead + window.offset, code.length);
    ahead = window.text.indexOf(context, ahead + 1);
  }
  return { contextStart, matches, complete: matches.length < MAX_MATCHES && probes < MAX_PROBES };
}

/** Rest of the line from `from`, stopping short of `stop` so the word being typed never predicts itself. */
function continuationAt(code: string, from: number, stop: number): string {
  const limit = Math.min(code.length, from + MAX_CONTINUATION);
  // Bounded search: on a minified one-line file the next line break may be a megabyte away.
  const newline = code.slice(from, limit).indexOf('\n');
  let end = newline === -1 ? limit : from + newline;
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
