import * as Y from 'yjs';
import { connectAll, converged, totalDisconnects, type BenchClient } from '../clients.js';
import type { LoopDelay } from '../ipc.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { CpuMeter, SampleBuffer, summarize, type Summary } from '../stats.js';
import { seededRandom, waitQuiet, waitUntil } from '../wait.js';

export interface KeystrokeOptions {
  clients: number;
  durationMs: number;
  /** Keystrokes per second per client. */
  ratePerClient: number;
}

export interface KeystrokeResult {
  typed: number;
  expectedDeliveries: number;
  deliveries: number;
  latency: Summary;
  deliveredPerSecond: number;
  converged: boolean;
  disconnects: number;
  serverCpuPct: number;
  /** Server CPU time per delivered update: robust to other load on the machine, unlike latency. */
  serverCpuUsPerDelivery: number;
  clientCpuPct: number;
  serverLoopDelay: LoopDelay;
}

const DRAIN_TIMEOUT_MS = 15_000;

/**
 * N stock clients in one room each type one character every 1/rate s (starts staggered evenly
 * across the interval). Latency is measured per update and receiver, from the local insert to
 * the receiving doc integrating that client's clock.
 */
export async function runKeystroke(server: ServerHandle, options: KeystrokeOptions, scope: Scope): Promise<KeystrokeResult> {
  const room = `keys-${options.clients}`;
  await server.createRooms([room]);
  const clients = await connectAll(server.wsUrl, Array<string>(options.clients).fill(room), server.stateful, scope);
  await waitQuiet(() => server.cpuMs());
  const sentAt = new Map<number, Float64Array>();
  const perClient = Math.ceil((options.durationMs / 1000) * options.ratePerClient) + 1;
  for (const c of clients) sentAt.set(c.doc.clientID, new Float64Array(perClient).fill(NaN));
  const latencies = new SampleBuffer();
  let lastDelivery = 0;
  for (const c of clients) {
    c.doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.local) return;
      const now = performance.now();
      for (const [client, after] of tr.afterState) {
        const times = sentAt.get(client);
        if (!times) continue;
        for (let clock = tr.beforeState.get(client) ?? 0; clock < after; clock++) {
          const t0 = times[clock];
          if (t0 !== undefined && !Number.isNaN(t0)) latencies.push(now - t0);
        }
      }
      lastDelivery = now;
    });
  }

  const cpu = new CpuMeter(() => server.cpuMs());
  await server.loopDelay();
  cpu.start();
  const started = performance.now();
  const typed = await typeFor(clients, sentAt, options, scope);
  const expectedDeliveries = typed * (clients.length - 1);
  await waitUntil(() => latencies.length >= expectedDeliveries, 'every keystroke to reach every client', DRAIN_TIMEOUT_MS).catch(() => {});
  const usage = cpu.stop();
  const serverLoopDelay = await server.loopDelay();
  return {
    typed,
    expectedDeliveries,
    deliveries: latencies.length,
    latency: summarize(latencies.values()),
    deliveredPerSecond: (latencies.length * 1000) / (lastDelivery - started),
    converged: converged(clients, typed),
    disconnects: totalDisconnects(clients),
    serverCpuPct: usage.serverPct,
    serverCpuUsPerDelivery: (usage.serverMs * 1000) / latencies.length,
    clientCpuPct: usage.clientPct,
    serverLoopDelay,
  };
}

/** Every client types on its own timer until `durationMs` has passed; resolves with the total typed. */
async function typeFor(
  clients: readonly BenchClient[],
  sentAt: ReadonlyMap<number, Float64Array>,
  options: KeystrokeOptions,
  scope: Scope,
): Promise<number> {
  const intervalMs = 1000 / options.ratePerClient;
  const deadline = performance.now() + options.durationMs;
  let typed = 0;
  const timers: NodeJS.Timeout[] = [];
  clients.forEach((client, i) => {
    const random = seededRandom(i + 1);
    const keystroke = (): void => {
      if (performance.now() >= deadline) return;
      const times = sentAt.get(client.doc.clientID);
      const clock = Y.getState(client.doc.store, client.doc.clientID);
      if (!times || clock >= times.length) return;
      times[clock] = performance.now();
      const letter = String.fromCharCode(97 + Math.floor(random() * 26));
      client.text.insert(Math.floor(random() * (client.text.length + 1)), letter);
      typed++;
    };
    scope.timeout(
      () => {
        keystroke();
        timers.push(scope.interval(keystroke, intervalMs));
      },
      (i * intervalMs) / clients.length,
    );
  });
  await new Promise<void>((resolve) => scope.timeout(resolve, options.durationMs + intervalMs));
  for (const timer of timers) clearInterval(timer);
  return typed;
}
