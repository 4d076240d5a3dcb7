import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { presenceUserSchema, type PresenceUser } from '@pairwise/protocol';
import { principalKey, type ConnectionSession } from '../access/session.js';
import { applyAwarenessEntries } from './awareness-apply.js';
import { AwarenessOwners, type OwnedIds, type OwnershipLimits } from './awareness-owners.js';
import { decodeAwarenessUpdate, encodeAwarenessFrame, type AwarenessEntry } from './awareness-update.js';
import { awarenessMessage } from './messages.js';

/**
 * A room's presence: the awareness states of its connections, relayed to everyone. A connection
 * only touches client ids it owns (AwarenessOwners), and the `user` field of every state it sends
 * is the one its session carries, so nobody can show up under someone else's name.
 */
export class PresenceRelay<Connection> {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly owners: AwarenessOwners;
  /** The frame made of what a connection sent, while y-protocols applies it: relayed as is when all of it applied. */
  private incoming: { from: Connection; entries: number; frame: Uint8Array } | null = null;

  constructor(
    doc: Y.Doc,
    limits: OwnershipLimits,
    /** Sends one encoded frame to every connection but `except`. */
    private readonly broadcast: (message: Uint8Array, except: unknown) => void,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.owners = new AwarenessOwners(limits);
    // The server is not a participant: it must not show up in anyone's presence list.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.relay);
  }

  /** A joining connection's awareness ids (none yet): the room keeps them with the connection and passes them back. */
  join(session: ConnectionSession): OwnedIds {
    return this.owners.connect(principalKey(session.principal));
  }

  /** Applies the entries for ids the connection owns (or may claim), with `user` taken from its session. */
  receive(connection: Connection, ids: OwnedIds, session: ConnectionSession, update: Uint8Array): void {
    const entries = decodeAwarenessUpdate(update);
    const allowed = this.owners.claim(ids, entries);
    const stamped = entries.filter((entry) => allowed.has(entry.clientId)).map((entry) => withUser(entry, session.presence));
    if (stamped.length === 0) return;
    this.incoming = { from: connection, entries: stamped.length, frame: encodeAwarenessFrame(stamped).frame };
    try {
      applyAwarenessEntries(this.awareness, stamped, connection);
    } finally {
      this.incoming = null;
    }
  }

  /** Removes the connection's states for everyone at once (no ghost cursors); its ids stay reserved for a while. */
  leave(connection: Connection, owned: OwnedIds): void {
    const ids = this.owners.disconnect(owned);
    const present = ids.filter((id) => this.awareness.getStates().has(id));
    if (present.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, present, connection);
    // y-protocols keeps a removed id's last clock; a client reconnecting re-announces that same clock,
    // which would be ignored until its next change. The id is reserved for its owner meanwhile.
    for (const id of ids) this.awareness.meta.delete(id);
  }

  /** Every present state in one frame. */
  everyoneMessage(): Uint8Array {
    const present = [...this.awareness.getStates().keys()];
    return awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, present));
  }

  /** People present, from the `user` field of each state. */
  users(): PresenceUser[] {
    const users: PresenceUser[] = [];
    for (const state of this.awareness.getStates().values()) {
      const user = presenceUserSchema.safeParse((state as { user?: unknown }).user);
      if (user.success) users.push(user.data);
    }
    return users;
  }

  destroy(): void {
    this.awareness.off('update', this.relay);
    this.awareness.destroy();
  }

  private readonly relay = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    // Every entry a connection sent was applied: the stamped frame already says exactly that, so it
    // is relayed without y-protocols encoding each state to JSON again (a cursor move per keystroke).
    const { incoming } = this;
    const frame =
      incoming !== null && incoming.from === origin && incoming.entries === changed.length
        ? incoming.frame
        : awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    this.broadcast(frame, origin);
  };
}

function withUser(entry: AwarenessEntry, user: ConnectionSession['presence']): AwarenessEntry {
  if (entry.state === null) return entry;
  // A copy of `user`: the state is the room's own from here on, as if parsed from the frame relayed.
  const state = { ...entry.state, user: { ...user } };
  return { ...entry, state, stateJson: JSON.stringify(state) };
}
