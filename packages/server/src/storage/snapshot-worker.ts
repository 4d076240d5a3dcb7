/** Worker-thread entry of OffThreadSnapshotEncoder: rebuilds stored documents into snapshots. */
import { encodeUpdatesAsSnapshot, readUpdatesAsDocument, statesAfter } from './compaction.js';
import { unpackUpdates, type PackedUpdates } from './packed-updates.js';
import { serveCalls } from './worker-host.js';

await serveCalls(async () => ({
  methods: {
    encodeUpdatesAsSnapshot: (packed: PackedUpdates) => encodeUpdatesAsSnapshot(unpackUpdates(packed)),
    readUpdatesAsDocument: (packed: PackedUpdates) => readUpdatesAsDocument(unpackUpdates(packed)),
    statesAfter: (packed: PackedUpdates, marks: number[]) => statesAfter(unpackUpdates(packed), marks),
  },
  close: () => undefined,
}));
