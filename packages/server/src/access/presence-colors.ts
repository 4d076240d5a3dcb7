import { createHash } from 'node:crypto';

/** The web app's cursor colours (packages/web/src/lib/identity.ts), for signed-in users. */
const PRESENCE_COLORS = [
  '#e5484d',
  '#f76b15',
  '#e2a336',
  '#30a46c',
  '#12a594',
  '#0090ff',
  '#3e63dd',
  '#6e56cf',
  '#ab4aba',
  '#d6409f',
  '#8e4ec6',
  '#46a758',
] as const;

/** The same colour for the same key, every time and on every instance. */
export function colorFor(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  return PRESENCE_COLORS[digest.readUInt32BE(0) % PRESENCE_COLORS.length] ?? PRESENCE_COLORS[0];
}
