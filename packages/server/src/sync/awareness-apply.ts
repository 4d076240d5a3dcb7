import { equalityDeep } from 'lib0/function';
import type * as awarenessProtocol from 'y-protocols/awareness';
import type { AwarenessEntry } from './awareness-update.js';

type Applicable = Pick<AwarenessEntry, 'clientId' | 'clock' | 'state'>;

/**
 * y-protocols' `applyAwarenessUpdate` (1.0.7), for entries the room has already decoded. y-protocols
 * only takes encoded bytes, so the relay would decode each cursor move twice and parse its JSON twice:
 * once to check ownership and stamp the user, once more inside y-protocols (about 3% of the event
 * loop in pair rooms, issue 9). The rules are y-protocols' own, line for line; awareness-apply.test.ts
 * holds the two to the same states, clocks and events.
 *
 * The states are kept as given: the caller hands over objects nothing else holds.
 */
export function applyAwarenessEntries(awareness: awarenessProtocol.Awareness, entries: readonly Applicable[], origin: unknown): void {
  const timestamp = Date.now();
  // 'change' tells whether a state differs in depth from the one it replaces (lib0's equalityDeep, per
  // cursor move); the server listens only to 'update', so the comparison is made only for a listener.
  const reportsChanges = awareness._observers.has('change');
  const added: number[] = [];
  const updated: number[] = [];
  const filteredUpdated: number[] = [];
  const removed: number[] = [];
  for (const entry of entries) {
    const { clientId, state } = entry;
    let { clock } = entry;
    const clientMeta = awareness.meta.get(clientId);
    const prevState: unknown = awareness.states.get(clientId);
    const currClock = clientMeta === undefined ? 0 : clientMeta.clock;
    if (!(currClock < clock || (currClock === clock && state === null && awareness.states.has(clientId)))) continue;
    if (state === null) {
      // As y-protocols: a remote client never removes this instance's own state; its clock moves on instead.
      if (clientId === awareness.clientID && awareness.getLocalState() != null) clock++;
      else awareness.states.delete(clientId);
    } else {
      awareness.states.set(clientId, state);
    }
    awareness.meta.set(clientId, { clock, lastUpdated: timestamp });
    if (clientMeta === undefined && state !== null) added.push(clientId);
    else if (clientMeta !== undefined && state === null) removed.push(clientId);
    else if (state !== null) {
      if (reportsChanges && !equalityDeep(state, prevState as typeof state)) filteredUpdated.push(clientId);
      updated.push(clientId);
    }
  }
  if (reportsChanges && (added.length > 0 || filteredUpdated.length > 0 || removed.length > 0)) {
    awareness.emit('change', [{ added, updated: filteredUpdated, removed }, origin]);
  }
  if (added.length > 0 || updated.length > 0 || removed.length > 0) {
    awareness.emit('update', [{ added, updated, removed }, origin]);
  }
}
