/** Polls `check` every few ms until it holds; throws after `timeoutMs` naming what it waited for. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs: number, pollMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Deterministic PRNG (mulberry32) so every server sees the same edits. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Waits until the server and this process are both idle for two consecutive windows: after a
 * room fills, clients and server trade sync and awareness messages for a while (on the relay,
 * every client answers every other client's step 1: N^3 frames), and a measurement started
 * before that settles would time the joins, not the scenario. Gives up quietly after `maxMs`.
 */
export async function waitQuiet(serverCpuMs: () => number, maxMs = 15_000, windowMs = 100): Promise<void> {
  const ownCpuMs = (): number => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const deadline = performance.now() + maxMs;
  let quietWindows = 0;
  while (quietWindows < 2 && performance.now() < deadline) {
    const server = serverCpuMs();
    const own = ownCpuMs();
    await sleep(windowMs);
    const idle = serverCpuMs() - server < windowMs * 0.05 && ownCpuMs() - own < windowMs * 0.1;
    quietWindows = idle ? quietWindows + 1 : 0;
  }
}
