import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { CLOSE_CODES, roomRoleSchema, type RoomRole } from '@pairwise/protocol';
import { guestPresence } from '../../src/access/guest-presence.js';
import {
  principalKey,
  type ConnectionSession,
  type Principal,
  type SessionDecision,
  type SessionResolver,
} from '../../src/access/session.js';
import { parseFrame, step1Frame } from '../../src/sync/room.testkit.js';
import { rawClient, type RawClient } from './raw-socket.js';
import { within } from './within.js';

/**
 * A SessionResolver for tests, decided by the query: `?role=viewer|editor|owner` (editor when
 * absent), `?user=NAME&session=ID` for a signed-in account (a guest otherwise; `?guest=ID` keeps a
 * guest's identity across connections), `?refuse=CODE` to refuse the upgrade. `roles` (by principal
 * key: `user:NAME`, `guest:ID`) overrides the query, in reviews and at the upgrade alike; null means
 * no access (4403).
 */
export class QueryRoleResolver implements SessionResolver {
  readonly roles = new Map<string, RoomRole | null>();
  resolved = 0;

  resolve(request: IncomingMessage): Promise<SessionDecision> {
    this.resolved++;
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const refuse = query.get('refuse');
    if (refuse !== null) return Promise.resolve({ refuse: Number(refuse), reason: 'refused by the test resolver' });
    const user = query.get('user');
    const principal: Principal = user
      ? { kind: 'user', userId: user, username: user, sessionId: query.get('session') ?? `session-of-${user}` }
      : { kind: 'guest', guestId: query.get('guest') ?? randomUUID() };
    const granted = this.roles.get(principalKey(principal));
    if (granted === null) return Promise.resolve({ refuse: CLOSE_CODES.forbidden, reason: 'no access' });
    const session: ConnectionSession = {
      principal,
      presented: { ownerKey: null, linkToken: null },
      role: granted ?? roomRoleSchema.parse(query.get('role') ?? 'editor'),
      presence: user ? { name: user, color: '#1f77b4', guest: false } : guestPresence(query, principalKey(principal)),
    };
    return Promise.resolve({ session });
  }

  review(session: ConnectionSession): Promise<RoomRole | null> {
    const key = principalKey(session.principal);
    return Promise.resolve(this.roles.has(key) ? (this.roles.get(key) ?? null) : session.role);
  }
}

export function roomUrl(wsUrl: string, roomId: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${wsUrl}/${roomId}${search ? `?${search}` : ''}`;
}

/** A raw client that keeps what the server sends it. */
export interface RawPeer extends RawClient {
  readonly received: Uint8Array[];
  /**
   * Resolves once the server has handled every frame this peer sent before: a sync step 1 goes out
   * and the step 2 answering it comes back (the server handles one socket's frames in order).
   */
  barrier(): Promise<void>;
}

export async function rawPeer(url: string, headers: Record<string, string> = {}): Promise<RawPeer> {
  const raw = rawClient(url, { headers });
  const received: Uint8Array[] = [];
  const waiting: (() => void)[] = [];
  raw.ws.on('message', (data: Buffer) => {
    const message = new Uint8Array(data);
    received.push(message);
    if (isStep2(message)) waiting.shift()?.();
  });
  await within(raw.opened, 5_000, 'raw peer opens');
  return {
    ...raw,
    received,
    barrier: () => {
      const answered = new Promise<void>((resolve) => waiting.push(resolve));
      const empty = new Y.Doc();
      raw.ws.send(step1Frame(empty));
      empty.destroy();
      return within(answered, 5_000, 'barrier: the server answers sync step 1');
    },
  };
}

function isStep2(message: Uint8Array): boolean {
  try {
    return parseFrame(message).kind === 'step2';
  } catch {
    return false;
  }
}
