#!/usr/bin/env node
/**
 * CPU per keystroke (an update frame and a cursor frame, as y-websocket sends them) through the
 * transport-free room engine (`Room.receive`, both sockets fake), against the same frames handled
 * the way the y-websocket servers do it (y-protocols' readSyncMessage and applyAwarenessUpdate, each
 * change encoded again for the partner). No sockets, no storage, no other process: it separates the
 * engine's own cost from what a bench run adds (the kernel, `ws`, the group commit), issue 9.
 *
 *   npm run build && node bench/profiling/room-engine.mjs [rooms] [keystrokes]
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CODE_TEXT, MESSAGE_AWARENESS, MESSAGE_SYNC } from '@pairwise/protocol';
import { Room } from '../../packages/server/dist/sync/room.js';

const rooms = Number(process.argv[2] ?? 100);
const keystrokes = Number(process.argv[3] ?? 400);

/** One typist's keystrokes: each a sync update frame and an awareness frame with the moved cursor. */
function typist(clientId) {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates = [];
  doc.on('update', (update) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeUpdate(e, update);
    updates.push(encoding.toUint8Array(e));
  });
  const cursors = [];
  for (let i = 0; i < keystrokes; i++) {
    doc.getText(CODE_TEXT).insert(i, 'x');
    const state = encoding.createEncoder();
    encoding.writeVarUint(state, 1);
    encoding.writeVarUint(state, clientId);
    encoding.writeVarUint(state, i + 1);
    encoding.writeVarString(state, JSON.stringify({ user: { name: `user-${clientId}` }, cursor: { anchor: i + 1, head: i + 1 } }));
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(state));
    cursors.push(encoding.toUint8Array(e));
  }
  doc.destroy();
  return { updates, cursors };
}

const typists = Array.from({ length: rooms }, (_, r) => typist(1000 + r));
let sent = 0;
const socket = () => ({ send: () => void sent++, close() {} });
const session = (id) => ({
  principal: { kind: 'guest', id },
  presented: { kind: 'none' },
  role: 'editor',
  presence: { name: id, color: '#123456', guest: true },
});

/** Pair rooms on the engine; returns the keystroke step and a cleanup. */
function engine() {
  const pairs = typists.map((_, r) => {
    const room = new Room(`room-${r}`, [], { onUpdate() {}, onMetaChange() {}, acceptsEdits: () => true });
    const typing = socket();
    room.join(typing, session('a'));
    room.join(socket(), session('b'));
    return { room, typing };
  });
  const step = (i) => {
    for (let r = 0; r < rooms; r++) {
      const { room, typing } = pairs[r];
      room.receive(typing, typists[r].updates[i]);
      room.receive(typing, typists[r].cursors[i]);
    }
  };
  const close = () => {
    for (const { room } of pairs) room.destroy();
  };
  return { step, close };
}

/** The same rooms as the y-websocket servers handle them. */
function stock() {
  const pairs = typists.map(() => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState(null);
    const partner = socket();
    doc.on('update', (update) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, update);
      partner.send(encoding.toUint8Array(e));
    });
    awareness.on('update', ({ added, updated, removed }) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, added.concat(updated, removed)));
      partner.send(encoding.toUint8Array(e));
    });
    return { doc, awareness };
  });
  const step = (i) => {
    for (let r = 0; r < rooms; r++) {
      const { doc, awareness } = pairs[r];
      const update = decoding.createDecoder(typists[r].updates[i]);
      decoding.readVarUint(update);
      syncProtocol.readSyncMessage(update, encoding.createEncoder(), doc, 'typist');
      const cursor = decoding.createDecoder(typists[r].cursors[i]);
      decoding.readVarUint(cursor);
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(cursor), 'typist');
    }
  };
  const close = () => {
    for (const { doc, awareness } of pairs) {
      awareness.destroy();
      doc.destroy();
    }
  };
  return { step, close };
}

// Interleaved, a fresh set of rooms per round; the first rounds warm the JIT up.
for (let round = 0; round < 4; round++) {
  for (const [name, make] of [
    ['engine', engine],
    ['stock', stock],
  ]) {
    const { step, close } = make();
    sent = 0;
    const before = process.cpuUsage();
    for (let i = 0; i < keystrokes; i++) step(i);
    const used = process.cpuUsage(before);
    if (sent !== 2 * rooms * keystrokes) throw new Error(`${name}: ${sent} frames relayed, not one update and one cursor per keystroke`);
    close();
    console.log(`${name.padEnd(6)} ${((used.user + used.system) / (rooms * keystrokes)).toFixed(2)} µs per keystroke`);
  }
}
