import { randomUUID } from 'node:crypto';
import { guestPresence } from './guest-presence.js';
import type { SessionResolver } from './session.js';

/**
 * The resolver for a server without access control: every connection is a fresh guest editor,
 * shown under the name and colour it asks for (`?name=`, `?color=`). Its role never changes.
 */
export const OPEN_ACCESS: SessionResolver = {
  resolve(request) {
    const guestId = randomUUID();
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    return Promise.resolve({
      session: {
        principal: { kind: 'guest', guestId },
        presented: { ownerKey: null, linkToken: null },
        role: 'editor',
        presence: guestPresence(query, guestId),
      },
    });
  },
  review(session) {
    return Promise.resolve(session.role);
  },
};
