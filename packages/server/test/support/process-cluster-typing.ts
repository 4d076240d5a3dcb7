/** Users typing into a room served by a ProcessCluster, one on each instance, and the checks every fault test ends with. */
import { expect } from 'vitest';
import { connectClient, type TestClient, waitFor } from './clients.js';
import { convergedText } from './fault-typing.js';
import type { ProcessCluster } from './process-cluster.js';
import { assertHoldsExactly, type TokenLedger } from './token-editing.js';

/** Keystrokes typed in each phase of a fault (before, during, after): ~20 ms each, more on a loaded machine. */
export const PHASE_KEYSTROKES = 40;

/** A new room and one synced user on each instance; the clients are pushed to `opened` (closed after the test). */
export async function roomWithUserOnEach(
  cluster: ProcessCluster,
  opened: TestClient[],
): Promise<{ roomId: string; clients: TestClient[] }> {
  const roomId = await cluster.createRoom(cluster.instances[0]!, { language: 'plaintext' });
  const clients = cluster.instances.map((on) => connectClient(on.wsUrl, roomId));
  opened.push(...clients);
  await Promise.all(clients.map((c) => c.synced()));
  return { roomId, clients };
}

/** The clients agree on every typed edit, and the database comes to hold exactly what they agree on. */
export async function expectNothingLost(
  cluster: ProcessCluster,
  roomId: string,
  clients: TestClient[],
  ledger: TokenLedger,
): Promise<void> {
  const text = await convergedText(clients);
  assertHoldsExactly(text, ledger.expected());
  await waitFor(async () => (await cluster.storedText(roomId)) === text, 'the database holds every edit', 20_000);
  expect(await cluster.storedText(roomId)).toBe(text);
}

/** Every instance answers /ready with 200 again (its store and Redis answer, writes succeed). */
export function everyInstanceReady(cluster: ProcessCluster): Promise<void> {
  const statuses = () => Promise.all(cluster.instances.map(async (on) => (await fetch(`${on.url}/ready`)).status));
  return waitFor(async () => (await statuses()).every((status) => status === 200), 'every instance ready again', 20_000);
}
