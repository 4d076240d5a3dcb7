import { describe, expect, it } from 'vitest';
import { connectionLabel, connectionPhase } from './connectionStatus';

describe('connectionPhase', () => {
  const base = { socket: 'connected' as const, synced: true, everSynced: true, online: true };

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
  });

  it('mentions unsynced edits', () => {
    expect(connectionLabel('reconnecting', true)).toMatch(/unsynced/);
    expect(connectionLabel('offline', true)).toMatch(/unsynced/);
    expect(connectionLabel('connected', false)).toBe('Connected');
  });
});
