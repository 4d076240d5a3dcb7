import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { RUN_OUTPUT_MAX_BYTES, RUN_TIME_LIMIT_MS } from '@pairwise/protocol';
import type { ServerRunLimits } from './languages.js';

/** Where code runs: `browser` (the default: only in people's tabs) or also in this server's `sandbox`. */
export type RunnerConfig = { kind: 'browser' } | { kind: 'sandbox'; dir: string; slots: number; limits: ServerRunLimits };

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const MiB = 1024 * 1024;

/** The variables of server runs, merged into the server's environment schema. */
export const runnerEnvShape = {
  RUNNER: z.enum(['browser', 'sandbox']).default('browser'),
  RUN_TIME_LIMIT_MS: int(100, 600_000).default(RUN_TIME_LIMIT_MS),
  COMPILE_TIME_LIMIT_MS: int(1_000, 600_000).default(30_000),
  SANDBOX_MEMORY_MB: int(32, 64 * 1024).default(512),
  SANDBOX_PIDS: int(8, 4_096).default(64),
  SANDBOX_SLOTS: int(1, 1_024).optional(),
  SANDBOX_DIR: z.string().min(1).optional(),
};

const runnerEnvSchema = z.object(runnerEnvShape);
type RunnerEnv = z.infer<typeof runnerEnvSchema>;

/** `abs` resolves SANDBOX_DIR against the working directory. */
export function runnerConfig(e: RunnerEnv, abs: (path: string) => string): RunnerConfig {
  if (e.RUNNER === 'browser') return { kind: 'browser' };
  return {
    kind: 'sandbox',
    dir: e.SANDBOX_DIR ? abs(e.SANDBOX_DIR) : join(tmpdir(), 'pairwise-sandbox'),
    // One sandbox per core: a run may use a whole one.
    slots: e.SANDBOX_SLOTS ?? availableParallelism(),
    limits: {
      runMs: e.RUN_TIME_LIMIT_MS,
      compileMs: e.COMPILE_TIME_LIMIT_MS,
      memoryBytes: e.SANDBOX_MEMORY_MB * MiB,
      pids: e.SANDBOX_PIDS,
      maxOutputBytes: RUN_OUTPUT_MAX_BYTES,
    },
  };
}
