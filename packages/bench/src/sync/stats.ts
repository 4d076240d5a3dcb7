import { readFileSync } from 'node:fs';

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

/** Nearest-rank percentiles of a sample set (ms, or whatever unit the samples are in). */
export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

/** Appends numbers to a growable typed array: latency sets reach ~10^5 samples per run. */
export class SampleBuffer {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** CPU used by this process and the server between `start` and `stop`, as % of one core. */
export class CpuMeter {
  private startWall = 0;
  private startClient = 0;
  private startServer = 0;

  constructor(private readonly serverCpuMs: () => number) {}

  start(): void {
    this.startWall = performance.now();
    this.startClient = clientCpuMs();
    this.startServer = this.serverCpuMs();
  }

  stop(): { clientPct: number; serverPct: number; serverMs: number } {
    const wall = performance.now() - this.startWall;
    const serverMs = this.serverCpuMs() - this.startServer;
    return { clientPct: (100 * (clientCpuMs() - this.startClient)) / wall, serverPct: (100 * serverMs) / wall, serverMs };
  }
}

function clientCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Share of wall time in which some runnable task waited for a CPU (Linux PSI, /proc/pressure/cpu).
 * On a shared 2-core machine this says how far other work distorted a column; NaN if unavailable.
 */
export function cpuPressureMeter(): () => number {
  const read = (): number => {
    try {
      const some = /^some .* total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
      return some ? Number(some[1]) / 1000 : NaN;
    } catch {
      return NaN;
    }
  };
  const startWall = performance.now();
  const startStalled = read();
  return () => (100 * (read() - startStalled)) / (performance.now() - startWall);
}
