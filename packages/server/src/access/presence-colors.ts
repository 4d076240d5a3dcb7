import { createHash } from 'node:crypto';
import { PRESENCE_COLORS } from '@pairwise/protocol';

/** The same colour for the same key, every time and on every instance. */
export function colorFor(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  return PRESENCE_COLORS[digest.readUInt32BE(0) % PRESENCE_COLORS.length] ?? PRESENCE_COLORS[0];
}
