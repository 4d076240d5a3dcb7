/** Worker-thread entry of OffThreadSnapshotEncoder: rebuilds stored documents into snapshots. */
import { encodeUpdatesAsSnapshot } from './compaction.js';
import { serveCalls } from './worker-host.js';

await serveCalls(async () => ({
  methods: { encodeUpdatesAsSnapshot: (updates: Uint8Array[]) => encodeUpdatesAsSnapshot(updates) },
  close: () => undefined,
}));
