import { CREDENTIALS, roleAtLeast } from '@pairwise/protocol';
import type { HistoryAccess, RoomRole, ShareLinkInfo, Visibility } from '@pairwise/protocol';
import { formatRelativeTime } from './time';

export const ROLE_LABELS: Record<RoomRole, string> = { viewer: 'Viewer', editor: 'Editor', owner: 'Owner' };

export const VISIBILITY_CHOICES: readonly { value: Visibility; label: string; hint: string }[] = [
  { value: 'public-edit', label: 'Anyone with the link can edit', hint: 'No sign-in needed: the guest default.' },
  { value: 'public-view', label: 'Anyone with the link can view', hint: 'Only members and edit links can change the code.' },
  { value: 'private', label: 'Only people you add', hint: 'Members and share links only; others see "not found".' },
];

export function visibilityLabel(visibility: Visibility): string {
  return VISIBILITY_CHOICES.find((c) => c.value === visibility)?.label ?? visibility;
}

/** For lists, where the full sentence does not fit. */
export const VISIBILITY_SHORT: Record<Visibility, string> = {
  'public-edit': 'Anyone can edit',
  'public-view': 'Anyone can view',
  private: 'Private',
};

/** What the UI offers a role. The server enforces the same rules whatever the UI shows. */
export interface RoomPermissions {
  /** Type in the editor, change the language and the room's name. */
  canEdit: boolean;
  /** Share, change visibility and the room-wide switches. */
  isOwner: boolean;
  /** See versions, compare them and replay the timeline (the room's `historyAccess`). */
  canReadHistory: boolean;
}

export function roomPermissions(role: RoomRole, historyAccess: HistoryAccess): RoomPermissions {
  const historyReaders = historyAccess === 'owners' ? 'owner' : 'editor';
  return { canEdit: roleAtLeast(role, 'editor'), isOwner: role === 'owner', canReadHistory: roleAtLeast(role, historyReaders) };
}

export const HISTORY_ACCESS_CHOICES: readonly { value: HistoryAccess; label: string; hint: string }[] = [
  { value: 'editors', label: 'Everyone who can edit', hint: 'Editors and owners see versions and replay the typing.' },
  { value: 'owners', label: 'Owners only', hint: "E.g. an interview: a candidate's drafts stay with the owners." },
];

/** Lifetimes offered when creating a share link; null lasts until revoked. */
export const LINK_LIFETIMES: readonly { label: string; seconds: number | null }[] = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 24 * 3600 },
  { label: '7 days', seconds: 7 * 24 * 3600 },
  { label: '30 days', seconds: 30 * 24 * 3600 },
  { label: 'Never expires', seconds: null },
];

export type LinkState = 'active' | 'expired' | 'revoked';

export function linkState(link: Pick<ShareLinkInfo, 'expiresAt' | 'revokedAt'>, now: number): LinkState {
  if (link.revokedAt !== null) return 'revoked';
  if (link.expiresAt !== null && Date.parse(link.expiresAt) <= now) return 'expired';
  return 'active';
}

/** "Expires in 3 days", "Never expires", "Expired 2 hours ago", "Revoked". */
export function linkExpiryText(link: Pick<ShareLinkInfo, 'expiresAt' | 'revokedAt'>, now: number): string {
  const state = linkState(link, now);
  if (state === 'revoked') return 'Revoked';
  if (link.expiresAt === null) return 'Never expires';
  const when = formatRelativeTime(Date.parse(link.expiresAt), now);
  return state === 'expired' ? `Expired ${when}` : `Expires ${when}`;
}

/** The URL a share link opens: the room's page with the token, which the app passes on to the server. */
export function shareLinkUrl(origin: string, roomPath: string, token: string): string {
  const url = new URL(roomPath, origin);
  url.searchParams.set(CREDENTIALS.linkParam, token);
  return url.toString();
}
