import { isWordCode } from './text.js';

const OPENERS = '([{';
const CLOSERS = ')]}';

/**
 * Shape `text` for insertion before `after` (the rest of the cursor's line) so the result never
 * repeats what already follows the cursor: a continuation that runs into that text is cut where
 * the existing text would take over.
 */
export function fitBeforeFollowing(text: string, after: string): string {
  const following = after.trimEnd();
  if (following === '') return text;
  // A multi-line insertion before existing text would strand that text after the block.
  const newline = text.indexOf('\n');
  let fitted = newline === -1 ? text : text.slice(0, newline);
  fitted = CLOSERS.includes(following[0]!) ? beforeForeignCloser(fitted) : beforeOverlap(fitted, following);
  return after.startsWith(' ') || after.startsWith('\t') ? fitted.trimEnd() : fitted;
}

/**
 * Before an (auto-inserted) closing bracket, keep the ghost's own balanced brackets and cut at the
 * first closer it did not open: that one is already in the document.
 */
function beforeForeignCloser(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (OPENERS.includes(text[i]!)) depth++;
    else if (CLOSERS.includes(text[i]!) && --depth < 0) return text.slice(0, i);
  }
  return text;
}

/** Cut where the ghost starts repeating the following text, or where its end overlaps that text's start. */
function beforeOverlap(text: string, following: string): string {
  const inside = text.indexOf(following);
  const fitted = inside === -1 ? text : text.slice(0, inside);
  for (let m = Math.min(fitted.length, following.length); m > 0; m--) {
    if (fitted.endsWith(following.slice(0, m))) return fitted.slice(0, fitted.length - m);
  }
  return fitted;
}

/** Ghost text inside a word would split it; editors show nothing there. */
export function cursorInsideWord(after: string): boolean {
  return after.length > 0 && isWordCode(after.charCodeAt(0));
}
