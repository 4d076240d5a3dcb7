import type { CursorContext } from './context.js';
import { lineStartOf } from './text.js';

// Digits split from letters, so `opt1` → `opt2` is a step too.
const TOKEN = /\d+|[\p{L}_$]+|\s+|./gu;
const INTEGER = /^\d+$/;
const MAX_LINE = 400;

/**
 * Next line of a numeric sequence: when the two lines above differ only in integers, the line
 * being typed most likely steps them again (`x[1] = a1`, `x[2] = a2` → `x[3] = a3`).
 * Returns the rest of that line after what is already typed, or null.
 */
export function sequenceContinuation(ctx: CursorContext): string | null {
  if (ctx.after.trim() !== '' || ctx.lineStart < 2) return null;
  const prevStart = lineStartOf(ctx.code, ctx.lineStart - 1);
  const prev = stripCr(ctx.code.slice(prevStart, ctx.lineStart - 1));
  if (prevStart < 2) return null;
  const firstStart = lineStartOf(ctx.code, prevStart - 1);
  const first = stripCr(ctx.code.slice(firstStart, prevStart - 1));
  const predicted = stepLine(first, prev);
  if (predicted === null) return null;
  const typed = ctx.code.slice(ctx.lineStart, ctx.cursor);
  return predicted.length > typed.length && predicted.startsWith(typed) ? predicted.slice(typed.length) : null;
}

/** `b` with every integer that changed from `a` to `b` changed once more by the same step. */
export function stepLine(a: string, b: string): string | null {
  if (a.length > MAX_LINE || b.length > MAX_LINE || a.trim() === '' || a === b) return null;
  const ta = a.match(TOKEN) ?? [];
  const tb = b.match(TOKEN) ?? [];
  if (ta.length !== tb.length) return null;
  let stepped = false;
  const next = tb.map((token, i) => {
    const before = ta[i]!;
    if (token === before) return token;
    if (!INTEGER.test(token) || !INTEGER.test(before)) return null;
    const value = 2 * Number(token) - Number(before);
    if (value < 0 || !Number.isSafeInteger(value)) return null;
    stepped = true;
    return String(value).padStart(token.length, '0');
  });
  if (!stepped || next.some((t) => t === null)) return null;
  return next.join('');
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
