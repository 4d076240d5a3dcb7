export type Theme = 'light' | 'dark';
export const THEME_KEY = 'pairwise.theme';

export function resolveTheme(stored: string | null, prefersDark: boolean): Theme {
  if (stored === 'light' || stored === 'dark') return stored;
  return prefersDark ? 'dark' : 'light';
}
