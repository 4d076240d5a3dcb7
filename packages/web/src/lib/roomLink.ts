import { ROOM_ID_PATTERN } from '@pairwise/protocol';

export function roomPath(id: string): string {
  return `/r/${encodeURIComponent(id)}`;
}

/**
 * Accepts what people paste: a bare id, `/r/<id>`, or a full link from any host (a link
 * shared from another deployment still names the room). Returns null when no valid id is in it.
 */
export function parseRoomInput(input: string): string | null {
  const text = input.trim();
  if (text.length === 0) return null;
  if (ROOM_ID_PATTERN.test(text)) return text;
  let pathname: string;
  try {
    pathname = new URL(text, 'http://pairwise.invalid').pathname;
  } catch {
    return null;
  }
  const match = /\/r\/([^/]+)\/?$/.exec(pathname);
  if (!match?.[1]) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return ROOM_ID_PATTERN.test(id) ? id : null;
}
