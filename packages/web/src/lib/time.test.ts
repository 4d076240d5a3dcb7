import { describe, expect, it } from 'vitest';
import { formatRelativeTime } from './time';

describe('formatRelativeTime', () => {
  const now = Date.UTC(2026, 0, 10, 12);
  it('formats recent and older visits', () => {
    expect(formatRelativeTime(now - 10_000, now, 'en')).toBe('just now');
    expect(formatRelativeTime(now - 5 * 60_000, now, 'en')).toBe('5 minutes ago');
    expect(formatRelativeTime(now - 3 * 3600_000, now, 'en')).toBe('3 hours ago');
    expect(formatRelativeTime(now - 24 * 3600_000, now, 'en')).toBe('yesterday');
  });
});
