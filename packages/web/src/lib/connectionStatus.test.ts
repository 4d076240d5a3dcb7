import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@pairwise/protocol';
import {
  RATE_LIMIT_FIRST_DELAY_MS,
  RATE_LIMIT_MAX_DELAY_MS,
  closeKind,
  connectionHint,
  connectionLabel,
  connectionPhase,
  rateLimitDelayMs,
  rateLimitedMessage,
} from './connectionStatus';

describe('connectionPhase', () => {
  const base = { socket: 'connected' as const, synced: true, everSynced: true, online: true, storageDown: false, retryAt: null };

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

  it('says Saved only when no edit of ours waits to be stored, and how many wait while away', () => {
    expect(connectionLabel('connected', 0)).toBe('Saved');
    expect(connectionLabel('connected', 2)).toBe('Saving…');
    expect(connectionLabel('offline', 1)).toBe('Offline — 1 edit waiting');
    expect(connectionLabel('offline', 3)).toBe('Offline — 3 edits waiting');
    expect(connectionLabel('offline', 0)).toBe('Offline');
    expect(connectionLabel('reconnecting', 4)).toBe('Reconnecting — 4 edits waiting');
    expect(connectionHint('connected', 0)).toMatch(/stored on the server/);
  });

  it('tells the user their edits are kept when the server cannot save', () => {
    expect(connectionLabel('cannot-save', 0)).toBe("Can't save right now");
    expect(connectionLabel('cannot-save', 2)).toBe("Can't save — 2 edits waiting");
    expect(connectionHint('cannot-save', 2)).toMatch(/can't save.*kept in this tab.*when the server recovers/);
  });

  it('says the connection is paused while waiting out a 4429', () => {
    const limited = { ...base, socket: 'disconnected' as const, synced: false, retryAt: 1_000 };
    expect(connectionPhase(limited)).toBe('rate-limited');
    expect(connectionPhase({ ...limited, online: false })).toBe('offline');
    expect(connectionLabel('rate-limited', 5)).toBe('Paused — 5 edits waiting');
    expect(rateLimitedMessage(8, false)).toMatch(/Too many requests.*Retrying in 8 s\.$/);
    expect(rateLimitedMessage(0, true)).toMatch(/Retrying now.*edits are kept/);
  });
});

describe('closeKind', () => {
  it('names each final close the room page explains', () => {
    expect(closeKind(CLOSE_CODES.roomNotFound)).toBe('deleted');
    expect(closeKind(CLOSE_CODES.invalidRoomId)).toBe('invalid');
    expect(closeKind(CLOSE_CODES.forbidden)).toBe('no-access');
    expect(closeKind(CLOSE_CODES.sessionEnded)).toBe('signed-out');
    expect(closeKind(CLOSE_CODES.roomFull)).toBe('full');
    expect(closeKind(4499)).toBe('refused');
  });

  it('4429 is retried after a back-off, not final', () => {
    expect(closeKind(CLOSE_CODES.rateLimited)).toBe('rate-limited');
  });

  it('4503 means storage is down: keep the edits and retry', () => {
    expect(closeKind(CLOSE_CODES.storageUnavailable)).toBe('storage-down');
  });

  it('4100 means our role was lowered: reconnect and re-read it', () => {
    expect(closeKind(CLOSE_CODES.roleChanged)).toBe('role-changed');
  });

  it('anything else is an ordinary drop', () => {
    for (const code of [1000, 1001, 1006, 1011, CLOSE_CODES.serviceRestart, 1013, 4500, 4399])
      expect(closeKind(code), String(code)).toBe('drop');
  });
});

describe('rateLimitDelayMs', () => {
  it('doubles per refusal in a row up to a cap, jittered by a fifth', () => {
    const mid = () => 0.5;
    expect(rateLimitDelayMs(0, mid)).toBe(RATE_LIMIT_FIRST_DELAY_MS);
    expect(rateLimitDelayMs(1, mid)).toBe(RATE_LIMIT_FIRST_DELAY_MS * 2);
    expect(rateLimitDelayMs(30, mid)).toBe(RATE_LIMIT_MAX_DELAY_MS);
    expect(rateLimitDelayMs(0, () => 0)).toBe(RATE_LIMIT_FIRST_DELAY_MS * 0.8);
    expect(rateLimitDelayMs(0, () => 0.999_999)).toBeCloseTo(RATE_LIMIT_FIRST_DELAY_MS * 1.2, -1);
  });
});
