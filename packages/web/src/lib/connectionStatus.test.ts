import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@pairwise/protocol';
import { closeKind, connectionHint, connectionLabel, connectionPhase } from './connectionStatus';

describe('connectionPhase', () => {
  const base = { socket: 'connected' as const, synced: true, everSynced: true, online: true, storageDown: false };

  it('is connected only when the socket is open and synced', () => {
    expect(connectionPhase(base)).toBe('connected');
    expect(connectionPhase({ ...base, synced: false })).toBe('reconnecting');
  });

  it('distinguishes the first connection from a reconnect', () => {
    expect(connectionPhase({ ...base, socket: 'connecting', synced: false, everSynced: false })).toBe('connecting');
    expect(connectionPhase({ ...base, socket: 'disconnected', synced: false })).toBe('reconnecting');
  });

  it('says offline when the browser is offline', () => {
    expect(connectionPhase({ ...base, online: false })).toBe('offline');
    expect(connectionPhase({ ...base, online: false, storageDown: true })).toBe('offline');
  });

  it('says the server cannot save while storage is down, whether or not the socket is retrying', () => {
    const down = { ...base, storageDown: true, synced: false };
    expect(connectionPhase({ ...down, socket: 'disconnected' })).toBe('cannot-save');
    expect(connectionPhase({ ...down, socket: 'connecting' })).toBe('cannot-save');
    expect(connectionPhase({ ...down, everSynced: false })).toBe('cannot-save');
  });

  it('mentions unsynced edits', () => {
    expect(connectionLabel('reconnecting', true)).toMatch(/unsynced/);
    expect(connectionLabel('offline', true)).toMatch(/unsynced/);
    expect(connectionLabel('connected', false)).toBe('Connected');
  });

  it('tells the user their edits are kept when the server cannot save', () => {
    expect(connectionLabel('cannot-save', false)).toBe("Can't save right now");
    expect(connectionLabel('cannot-save', true)).toMatch(/kept/);
    expect(connectionHint('cannot-save', true)).toMatch(/can't save.*kept in this tab.*when the server recovers/);
  });
});

describe('closeKind', () => {
  it('4400-4499 are for good: deleted or invalid rooms', () => {
    expect(closeKind(CLOSE_CODES.roomNotFound)).toBe('gone');
    expect(closeKind(CLOSE_CODES.invalidRoomId)).toBe('gone');
    expect(closeKind(4499)).toBe('gone');
  });

  it('4503 means storage is down: keep the edits and retry', () => {
    expect(closeKind(CLOSE_CODES.storageUnavailable)).toBe('storage-down');
  });

  it('anything else is an ordinary drop', () => {
    for (const code of [1000, 1001, 1006, 1011, 1013, 4500, 4399]) expect(closeKind(code), String(code)).toBe('drop');
  });
});
