import { isWordCode } from './text.js';

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
  const inside = fitted.indexOf(following);
  if (inside !== -1) fitted = fitted.slice(0, inside);
  for (let m = Math.min(fitted.length, following.length); m > 0; m--) {
    if (fitted.endsWith(following.slice(0, m))) {
      fitted = fitted.slice(0, fitted.length - m);
      break;
    }
  }
  return after.startsWith(' ') || after.startsWith('\t') ? fitted.trimEnd() : fitted;
}

/** Ghost text inside a word would split it; editors show nothing there. */
export function cursorInsideWord(after: string): boolean {
  return after.length > 0 && isWordCode(after.charCodeAt(0));
}
