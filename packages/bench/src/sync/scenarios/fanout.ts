import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { connectClient, isReady } from '../clients.js';
import type { LoopDelay, MemorySample } from '../ipc.js';
import { LightReader } from '../light-reader.js';
import type { Scope } from '../scope.js';
import type { ServerHandle } from '../servers.js';
import { CpuMeter, SampleBuffer, summarize, type Summary } from '../stats.js';
import { waitQuiet, waitUntil } from '../wait.js';

export interface FanoutOptions {
  readers: number;
  updates: number;
  /** Most updates the writer may have sent that some reader has not yet received. */
  window: number;
  /** How many readers rebuild the document from what they received, to check it. */
  verifiedReaders: number;
}

export interface FanoutResult {
  updatesPerSecondPerReader: number;
  /** Frames actually received by all readers per second (fewer than updates if a server merges). */
  framesPerSecond: number;
  /** Send to the moment the last reader had it. */
  allReadersLatency: Summary;
  memoryBefore: MemorySample;
  memoryAfter: MemorySample;
  serverCpuPct: number;
  /** Server CPU time per frame received by a reader: robust to other load on the machine. */
  serverCpuUsPerFrame: number;
  clientCpuPct: number;
  serverLoopDelay: LoopDelay;
  correct: boolean;
  problem: string | null;
}

const RUN_TIMEOUT_MS = 60_000;

/**
 * Which of the writer's updates each reader holds, and when every reader holds one. Progress is
 * read from each update's state vector (`parseUpdateMeta`), not by counting frames, so a server
 * that merges updates before fan-out is measured rather than failed.
 */
class Delivery {
  readonly latencies = new SampleBuffer();
  readonly sentAt: Float64Array;
  completed = 0;
  frames = 0;
  writerId = -1;
  private readonly arrivals: Uint16Array;
  private readonly progress: Uint32Array;

  constructor(
    private readonly readers: number,
    updates: number,
    private readonly onProgress: () => void,
  ) {
    this.sentAt = new Float64Array(updates);
    this.arrivals = new Uint16Array(updates);
    this.progress = new Uint32Array(readers);
  }

  receive(reader: number, update: Uint8Array): void {
    this.frames++;
    const to = Math.min(Y.parseUpdateMeta(update).to.get(this.writerId) ?? 0, this.arrivals.length);
    for (let clock = this.progress[reader] ?? 0; clock < to; clock++) {
      const count = (this.arrivals[clock] ?? 0) + 1;
      this.arrivals[clock] = count;
      // Every reader's progress only grows, so updates complete in clock order.
      if (count === this.readers) {
        this.completed = clock + 1;
        this.latencies.push(performance.now() - (this.sentAt[clock] ?? NaN));
      }
    }
    this.progress[reader] = Math.max(this.progress[reader] ?? 0, to);
    this.onProgress();
  }

  allHave(updates: number): boolean {
    return this.progress.every((p) => p >= updates);
  }
}

/**
 * One stock writer, many passive readers. The writer sends as fast as the server delivers: it
 * keeps at most `window` updates in flight, an update leaving flight once every reader has it,
 * so the rate measured is sustained delivery, not how much a socket buffer can swallow.
 */
export async function runFanout(server: ServerHandle, options: FanoutOptions, scope: Scope): Promise<FanoutResult> {
  const room = 'fanout';
  await server.createRooms([room]);
  let pump = (): void => {};
  const delivery = new Delivery(options.readers, options.updates, () => pump());
  const readers = Array.from(
    { length: options.readers },
    (_, i) => new LightReader(`${server.wsUrl}/${room}`, (update) => delivery.receive(i, update), scope),
  );
  await waitUntil(() => readers.every((r) => r.open), 'readers to connect', 20_000, 10);
  const writer = connectClient(server.wsUrl, room, scope);
  delivery.writerId = writer.doc.clientID;
  await waitUntil(() => isReady(writer, server.stateful), 'the writer to connect', 10_000);
  await waitQuiet(() => server.cpuMs());

  const memoryBefore = await server.memory();
  const cpu = new CpuMeter(() => server.cpuMs());
  let sent = 0;
  pump = () => {
    while (sent < options.updates && sent - delivery.completed < options.window) {
      // The writer's clock numbers its single-character updates 0, 1, 2, ...
      delivery.sentAt[Y.getState(writer.doc.store, writer.doc.clientID)] = performance.now();
      writer.text.insert(writer.text.length, String.fromCharCode(97 + (sent++ % 26)));
    }
  };
  await server.loopDelay();
  cpu.start();
  const started = performance.now();
  pump();
  await waitUntil(
    () => delivery.completed === options.updates || readers.some((r) => r.closed),
    'every reader to get every update',
    RUN_TIMEOUT_MS,
    2,
  );
  const elapsedMs = performance.now() - started;
  const usage = cpu.stop();
  const serverLoopDelay = await server.loopDelay();
  const memoryAfter = await server.memory();
  const problem = checkReaders(readers, delivery, writer.text.toString(), options);
  return {
    updatesPerSecondPerReader: (delivery.completed * 1000) / elapsedMs,
    framesPerSecond: (delivery.frames * 1000) / elapsedMs,
    allReadersLatency: summarize(delivery.latencies.values()),
    memoryBefore,
    memoryAfter,
    serverCpuPct: usage.serverPct,
    serverCpuUsPerFrame: (usage.serverMs * 1000) / delivery.frames,
    clientCpuPct: usage.clientPct,
    serverLoopDelay,
    correct: problem === null,
    problem,
  };
}

/** Every reader got every update; a sample rebuilds exactly the writer's text from what it got. */
function checkReaders(readers: readonly LightReader[], delivery: Delivery, expected: string, options: FanoutOptions): string | null {
  if (!delivery.allHave(options.updates)) return `some readers lack updates (${delivery.completed}/${options.updates} reached all)`;
  const step = Math.max(1, Math.floor(readers.length / options.verifiedReaders));
  for (const [i, reader] of readers.entries()) {
    if (i % step !== 0) continue;
    const doc = new Y.Doc();
    try {
      Y.transact(doc, () => {
        for (const u of reader.payloads) Y.applyUpdate(doc, u);
      });
      if (doc.getText(CODE_TEXT).toString() !== expected) return `reader ${i} rebuilt a different text`;
    } finally {
      doc.destroy();
    }
  }
  return null;
}
