import { describe, expect, it } from 'vitest';
import { linkExpiryText, linkState, roomPermissions, shareLinkUrl, visibilityLabel } from './access';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('roomPermissions', () => {
  it('lets editors and owners type, and only owners manage', () => {
    expect(roomPermissions('viewer', 'editors')).toEqual({ canEdit: false, isOwner: false, canReadHistory: false });
    expect(roomPermissions('editor', 'editors')).toEqual({ canEdit: true, isOwner: false, canReadHistory: true });
    expect(roomPermissions('owner', 'editors')).toEqual({ canEdit: true, isOwner: true, canReadHistory: true });
  });

  it('shows history to the roles the room allows: owners only, or everyone who can edit', () => {
    expect(roomPermissions('editor', 'owners').canReadHistory).toBe(false);
    expect(roomPermissions('owner', 'owners').canReadHistory).toBe(true);
    expect(roomPermissions('viewer', 'owners').canReadHistory).toBe(false);
  });
});

describe('share links', () => {
  const link = (expiresAt: string | null, revokedAt: string | null = null) => ({ expiresAt, revokedAt });

  it('tells active, expired and revoked links apart', () => {
    expect(linkState(link(null), NOW)).toBe('active');
    expect(linkState(link('2026-03-11T12:00:00Z'), NOW)).toBe('active');
    expect(linkState(link('2026-03-10T11:00:00Z'), NOW)).toBe('expired');
    expect(linkState(link(null, '2026-03-09T00:00:00Z'), NOW)).toBe('revoked');
  });

  it('describes expiry in words', () => {
    expect(linkExpiryText(link(null), NOW)).toBe('Never expires');
    expect(linkExpiryText(link('2026-03-13T12:00:00Z'), NOW)).toBe('Expires in 3 days');
    expect(linkExpiryText(link('2026-03-10T10:00:00Z'), NOW)).toBe('Expired 2 hours ago');
    expect(linkExpiryText(link('2026-03-13T12:00:00Z', '2026-03-10T00:00:00Z'), NOW)).toBe('Revoked');
  });

  it('builds the room URL with the token', () => {
    expect(shareLinkUrl('https://pw.example', '/r/abc', 'tok_123')).toBe('https://pw.example/r/abc?link=tok_123');
  });

  it('labels visibility', () => {
    expect(visibilityLabel('public-view')).toBe('Anyone with the link can view');
  });
});
