import { performance } from 'node:perf_hooks';
import type { LanguageId } from '@pairwise/protocol';
import type { CompletionProvider } from '@pairwise/server';

/**
 * Replays a file as typed top to bottom. Rules:
 * - The document is the text up to the cursor; the rest of the file does not exist yet.
 * - Leading indentation is inserted by the editor's auto-indent: free, and not counted.
 * - The typist pauses, and the editor asks for a suggestion, after every keystroke except the
 *   first character of a word: after any non-word character (a word boundary, `.`, `(`, the
 *   indentation at a line start) and inside a word once 2+ of its characters are typed.
 * - A suggestion is accepted when it is a non-empty prefix of what really follows: one Tab
 *   keystroke, and the cursor jumps past it. Otherwise the next character is typed.
 */
export interface TypingStats {
  /** Characters in the files. */
  chars: number;
  /** Keystrokes needed without completion: every character except auto-indented indentation. */
  baseline: number;
  /** Keystrokes used with completion, Tabs included. */
  keystrokes: number;
  shown: number;
  accepted: number;
  latenciesMs: number[];
}

export function emptyStats(): TypingStats {
  return { chars: 0, baseline: 0, keystrokes: 0, shown: 0, accepted: 0, latenciesMs: [] };
}

/** Which part of the file is typed: `[start, end)`; the text before `start` is already there. */
export interface TypedRange {
  readonly start: number;
  readonly end: number;
}

export async function replayTyping(
  provider: CompletionProvider,
  text: string,
  language: LanguageId,
  stats: TypingStats,
  range: TypedRange = { start: 0, end: text.length },
): Promise<void> {
  const signal = new AbortController().signal;
  const typed = text.slice(range.start, range.end);
  stats.chars += typed.length;
  stats.baseline += typed.length - indentationChars(typed);
  let pos = range.start;
  while (pos < range.end) {
    if (pos === 0 || text[pos - 1] === '\n') pos = skipIndentation(text, pos);
    if (pos >= range.end) break;
    if (isPause(text, pos)) {
      const started = performance.now();
      const { suggestion } = await provider.complete({ code: text.slice(0, pos), cursorPosition: pos, language }, signal);
      stats.latenciesMs.push(performance.now() - started);
      if (suggestion !== '') {
        stats.shown++;
        // Past the range's end the text is not typed here, so it cannot be accepted either.
        if (text.startsWith(suggestion, pos) && pos + suggestion.length <= range.end) {
          stats.accepted++;
          stats.keystrokes++;
          pos += suggestion.length;
          continue;
        }
      }
    }
    stats.keystrokes++;
    pos++;
  }
}

export function isPause(text: string, pos: number): boolean {
  if (pos === 0 || !WORD.test(text[pos - 1]!)) return true;
  return pos >= 2 && WORD.test(text[pos - 2]!);
}

const WORD = /[\p{L}\p{N}_$]/u;

function skipIndentation(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function indentationChars(text: string): number {
  let count = 0;
  for (const match of text.matchAll(/^[ \t]+/gm)) count += match[0].length;
  return count;
}
