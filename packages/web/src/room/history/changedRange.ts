/** The one stretch where two texts differ: `[start, oldEnd)` in the old one became `[start, newEnd)`. */
export interface ChangedRange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Common prefix and suffix trimmed off; null when the texts are equal. */
export function changedRange(previous: string, next: string): ChangedRange | null {
  if (previous === next) return null;
  const shorter = Math.min(previous.length, next.length);
  let start = 0;
  while (start < shorter && previous.charCodeAt(start) === next.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < shorter - start && previous.charCodeAt(previous.length - 1 - suffix) === next.charCodeAt(next.length - 1 - suffix)) {
    suffix++;
  }
  return { start, oldEnd: previous.length - suffix, newEnd: next.length - suffix };
}
