import { describe, expect, it } from 'vitest';
import {
  LINK_TOKENS_KEY,
  OWNER_KEYS_KEY,
  OWNER_KEYS_MAX,
  credentialHeaders,
  credentialParams,
  forgetRoomCredentials,
  linkFromSearch,
  rememberLinkFromUrl,
  roomCredentials,
  saveOwnerKey,
} from './roomCredentials';
import { memoryStore } from './storage';

const KEY = 'k'.repeat(43);
const LINK = 'Lnk_0123456789abcdef';

describe('room credentials', () => {
  it('keeps a guest owner key per room', () => {
    const store = memoryStore();
    saveOwnerKey(store, 'room-a', KEY);
    expect(roomCredentials(store, 'room-a', '')).toEqual({ ownerKey: KEY });
    expect(roomCredentials(store, 'room-b', '')).toEqual({});
  });

  it('remembers a link from the URL and uses it when the URL no longer has it', () => {
    const store = memoryStore();
    expect(roomCredentials(store, 'room-a', `?link=${LINK}`)).toEqual({ link: LINK });
    expect(roomCredentials(store, 'room-a', '')).toEqual({});
    rememberLinkFromUrl(store, 'room-a', `?link=${LINK}`);
    expect(roomCredentials(store, 'room-a', '')).toEqual({ link: LINK });
    // A newer link in the URL wins, and replaces the remembered one once remembered.
    expect(roomCredentials(store, 'room-a', '?link=other_token_123')).toEqual({ link: 'other_token_123' });
    rememberLinkFromUrl(store, 'room-a', '?link=other_token_123&x=1');
    expect(roomCredentials(store, 'room-a', '')).toEqual({ link: 'other_token_123' });
    rememberLinkFromUrl(store, 'room-b', '?x=1');
    expect(roomCredentials(store, 'room-b', '')).toEqual({});
  });

  it('ignores values that cannot be server tokens', () => {
    const store = memoryStore({ [OWNER_KEYS_KEY]: JSON.stringify({ a: 'has space in it', b: 42, c: KEY }) });
    expect(roomCredentials(store, 'a', '')).toEqual({});
    expect(roomCredentials(store, 'b', '')).toEqual({});
    expect(roomCredentials(store, 'c', '')).toEqual({ ownerKey: KEY });
    expect(linkFromSearch('?link=short')).toBeNull();
    expect(linkFromSearch('?link=bad%0D%0Aheader-value')).toBeNull();
    saveOwnerKey(store, 'd', 'not a token');
    expect(roomCredentials(store, 'd', '')).toEqual({});
  });

  it('survives garbage in storage', () => {
    const store = memoryStore({ [OWNER_KEYS_KEY]: '{not json', [LINK_TOKENS_KEY]: '[1,2]' });
    expect(roomCredentials(store, 'a', '')).toEqual({});
    saveOwnerKey(store, 'a', KEY);
    expect(roomCredentials(store, 'a', '')).toEqual({ ownerKey: KEY });
  });

  it('drops the oldest owner keys past the cap', () => {
    const store = memoryStore();
    for (let i = 0; i <= OWNER_KEYS_MAX; i++) saveOwnerKey(store, `room-${i}`, KEY);
    expect(roomCredentials(store, 'room-0', '')).toEqual({});
    expect(roomCredentials(store, 'room-1', '')).toEqual({ ownerKey: KEY });
    expect(roomCredentials(store, `room-${OWNER_KEYS_MAX}`, '')).toEqual({ ownerKey: KEY });
  });

  it('forgets both kinds for a room that is gone', () => {
    const store = memoryStore();
    saveOwnerKey(store, 'room-a', KEY);
    rememberLinkFromUrl(store, 'room-a', `?link=${LINK}`);
    saveOwnerKey(store, 'room-b', KEY);
    forgetRoomCredentials(store, 'room-a');
    expect(roomCredentials(store, 'room-a', '')).toEqual({});
    expect(roomCredentials(store, 'room-b', '')).toEqual({ ownerKey: KEY });
  });

  it('maps to the header and query parameter names of the protocol', () => {
    expect(credentialHeaders({ ownerKey: KEY, link: LINK })).toEqual({ 'x-pairwise-owner-key': KEY, 'x-pairwise-link': LINK });
    expect(credentialParams({ ownerKey: KEY, link: LINK })).toEqual({ ownerKey: KEY, link: LINK });
    expect(credentialHeaders({})).toEqual({});
    expect(credentialParams({})).toEqual({});
  });
});
