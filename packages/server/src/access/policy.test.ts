import { describe, expect, it } from 'vitest';
import { ROOM_ROLES, VISIBILITIES, type RoomRole } from '@pairwise/protocol';
import type { LinkRecord } from '../storage/access.js';
import { highestRole, linkRole, roleFrom, visibilityRole, type RoleGrants } from './policy.js';

const nothing: RoleGrants = { visibility: 'private', isOwner: false, memberRole: null, linkRole: null };

describe('roleFrom', () => {
  it('gives a private room’s outsider no role at all', () => {
    expect(roleFrom(nothing)).toBeNull();
  });

  it('gives anyone with the link what the visibility grants', () => {
    expect(roleFrom({ ...nothing, visibility: 'public-edit' })).toBe('editor');
    expect(roleFrom({ ...nothing, visibility: 'public-view' })).toBe('viewer');
  });

  it('makes the owner owner whatever else is true', () => {
    for (const visibility of VISIBILITIES) {
      for (const memberRole of [null, ...ROOM_ROLES]) {
        expect(roleFrom({ visibility, isOwner: true, memberRole, linkRole: 'viewer' })).toBe('owner');
      }
    }
  });

  it('takes the highest of member role, link role and visibility', () => {
    expect(roleFrom({ ...nothing, memberRole: 'viewer' })).toBe('viewer');
    expect(roleFrom({ ...nothing, linkRole: 'editor' })).toBe('editor');
    expect(roleFrom({ ...nothing, memberRole: 'viewer', linkRole: 'editor' })).toBe('editor');
    expect(roleFrom({ ...nothing, visibility: 'public-edit', memberRole: 'viewer' })).toBe('editor');
    expect(roleFrom({ ...nothing, visibility: 'public-view', memberRole: 'editor' })).toBe('editor');
    expect(roleFrom({ ...nothing, visibility: 'public-view', linkRole: 'viewer' })).toBe('viewer');
    expect(roleFrom({ ...nothing, memberRole: 'owner' })).toBe('owner');
  });
});

describe('visibilityRole and highestRole', () => {
  it('map each visibility', () => {
    expect(VISIBILITIES.map(visibilityRole)).toEqual(['editor', 'viewer', null]);
  });

  it('pick the highest, ignoring nulls', () => {
    const cases: [(RoomRole | null)[], RoomRole | null][] = [
      [[], null],
      [[null, null], null],
      [['viewer', null, 'editor'], 'editor'],
      [['owner', 'viewer'], 'owner'],
    ];
    for (const [roles, expected] of cases) expect(highestRole(roles)).toBe(expected);
  });
});

describe('linkRole', () => {
  const link: LinkRecord = { id: 'l1', roomId: 'r1', tokenHash: 'h', role: 'editor', createdAt: 0, expiresAt: null, revokedAt: null };

  it('grants its role until revoked', () => {
    expect(linkRole(link, 1e12)).toBe('editor');
    expect(linkRole({ ...link, revokedAt: 5 }, 1e12)).toBeNull();
  });

  it('grants nothing from the moment it expires', () => {
    const expiring = { ...link, role: 'viewer' as const, expiresAt: 1_000 };
    expect(linkRole(expiring, 999)).toBe('viewer');
    expect(linkRole(expiring, 1_000)).toBeNull();
  });

  it('grants nothing for no link', () => {
    expect(linkRole(null, 0)).toBeNull();
  });
});
