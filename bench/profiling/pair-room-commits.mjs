// The group-commit workload `sqlite-commit.mjs` and `postgres-commit.mjs` time on a store alone:
// N fresh rooms, then one commit per call, each carrying about one keystroke's update from one
// author for every room, 100 ms of clock after the previous one (pair rooms' 100 ms window).
import * as Y from 'yjs';

/** Creates `rooms` rooms in `store`; returns the function that runs one commit over all of them. */
export async function pairRoomCommits(store, rooms) {
  const empty = Y.encodeStateAsUpdate(new Y.Doc());
  const ids = Array.from({ length: rooms }, (_, i) => `room-${i}`);
  for (const id of ids) await store.createRoom({ id, name: id, language: 'typescript', createdAt: 1, updatedAt: 1 }, empty);
  const incarnations = [];
  for (const id of ids) incarnations.push((await store.loadDocument(id)).incarnation);
  const update = new Uint8Array(40).fill(7);
  let now = Date.now();
  return () => {
    now += 100;
    const writes = ids.map((roomId, i) => ({
      roomId,
      incarnation: incarnations[i],
      updates: [update],
      acceptedAt: [now],
      authorIds: ['ada'],
    }));
    return store.writeRooms(writes, now);
  };
}
