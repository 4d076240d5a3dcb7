/** Character classes and safe slicing shared by the completion modules. */

// Letters, marks and digits of any script, so identifiers like `größe` or `变量` count as one word.
const UNICODE_WORD = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;

export function isWordCode(c: number): boolean {
  if (c < 128) {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
  }
  // Lone surrogate halves never match, so astral characters (emoji) end a word instead of splitting it.
  return UNICODE_WORD.test(String.fromCharCode(c));
}

export function isWordCharAt(text: string, index: number): boolean {
  return index >= 0 && index < text.length && isWordCode(text.charCodeAt(index));
}

export function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

export function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** True when `offset` falls between the two halves of a surrogate pair. */
export function splitsSurrogatePair(text: string, offset: number): boolean {
  return offset > 0 && offset < text.length && isHighSurrogate(text.charCodeAt(offset - 1)) && isLowSurrogate(text.charCodeAt(offset));
}

/** `text.slice(start, end)`, pulled back so it never ends on half a surrogate pair. */
export function safeSlice(text: string, start: number, end: number): string {
  const stop = end < text.length && splitsSurrogatePair(text, end) ? end - 1 : end;
  return text.slice(start, Math.max(start, stop));
}

/** Offset of the end of the line containing `offset` (the `\n` itself, or the text length). */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function leadingWhitespace(line: string): string {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return line.slice(0, i);
}

/** Length of the run of word characters at the start of `text` beginning at `from`. */
export function wordRunLength(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWordCode(text.charCodeAt(i))) i++;
  return i - from;
}
