import { z } from 'zod';
import type { HistoryAuthor } from './history.js';

/**
 * Running the room's code together. A run is a room object: one person starts it, everyone in the
 * room sees who is running what, the output as it streams, and the exit status; anyone allowed can
 * stop it. Runs in the browser happen on the clicker's machine; its tab reports the run to the
 * server (MESSAGE_RUN), which checks, caps, stores and relays it to everyone.
 */

/** Languages the browser runs (Python with Pyodide; JavaScript and TypeScript in a sandboxed worker). */
export const BROWSER_RUN_LANGUAGES = ['python', 'javascript', 'typescript'] as const;
export type BrowserRunLanguage = (typeof BROWSER_RUN_LANGUAGES)[number];

/** Output a run keeps (and relays); past it the run is marked truncated and further output dropped. */
export const RUN_OUTPUT_MAX_BYTES = 64 * 1024;
/** Largest output chunk one message carries. */
export const RUN_CHUNK_MAX_CHARS = 16 * 1024;
/** A run's time limit unless the room says otherwise. */
export const RUN_TIME_LIMIT_MS = 10_000;
/** Largest line of input one `input` message carries to a server run. */
export const RUN_INPUT_MAX_CHARS = 4 * 1024;

export const RUN_STREAMS = ['stdout', 'stderr', 'stdin'] as const;
export type RunStream = (typeof RUN_STREAMS)[number];

/** How a run ended; `running` until then; `lost` when the runner's tab left before it reported an end. */
export const RUN_STATUSES = ['running', 'exited', 'failed', 'stopped', 'timed-out', 'lost'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const runId = z.uuid('run id must be a UUID');

/** Client to server, inside MESSAGE_RUN (a varString of JSON). */
export const runClientMessageSchema = z.discriminatedUnion('type', [
  /** The sender's tab starts running the room's code (its own run id). */
  z.strictObject({ type: z.literal('start'), runId, language: z.enum(BROWSER_RUN_LANGUAGES) }),
  /** Output of the sender's run, in order; `stdin` is what the runner typed in. */
  z.strictObject({ type: z.literal('output'), runId, stream: z.enum(RUN_STREAMS), text: z.string().max(RUN_CHUNK_MAX_CHARS) }),
  /** The sender's run ended. */
  z.strictObject({
    type: z.literal('exit'),
    runId,
    status: z.enum(['exited', 'failed', 'stopped', 'timed-out']),
    exitCode: z.number().int().min(-255).max(255).nullable(),
  }),
  /** Anyone allowed asks the run's runner to stop it. */
  z.strictObject({ type: z.literal('stop'), runId }),
  /**
   * Input for a run on the server (RUNNER=sandbox), from the person who started it (any of their
   * tabs): `text` goes to the program's stdin and into the run's output as `stdin`; `end` closes stdin.
   */
  z.strictObject({ type: z.literal('input'), runId, text: z.string().max(RUN_INPUT_MAX_CHARS), end: z.boolean().optional() }),
]);
export type RunClientMessage = z.infer<typeof runClientMessageSchema>;

/** Languages a server with RUNNER=sandbox may run (those whose compiler or interpreter it has). */
export const SERVER_RUN_LANGUAGES = ['java', 'cpp', 'python'] as const;
export type ServerRunLanguage = (typeof SERVER_RUN_LANGUAGES)[number];

/** `POST /api/rooms/:id/runs`: runs the room's current code on the server, in its language unless given. */
export const startServerRunSchema = z.strictObject({ language: z.enum(SERVER_RUN_LANGUAGES).optional() });
export type StartServerRun = z.infer<typeof startServerRunSchema>;

/** Part of `GET /api/capabilities`: where this server runs code. `sandbox`: it also runs `serverLanguages` itself. */
export interface RunnerInfo {
  runner: 'browser' | 'sandbox';
  serverLanguages: ServerRunLanguage[];
}

export interface RunSummary {
  id: string;
  language: string;
  startedBy: HistoryAuthor;
  startedAt: string;
  /** Null while running. */
  finishedAt: string | null;
  status: RunStatus;
  exitCode: number | null;
  durationMs: number | null;
  /** Output bytes kept (at most RUN_OUTPUT_MAX_BYTES); `truncated` when more was produced. */
  outputBytes: number;
  truncated: boolean;
}

export interface RunOutputChunk {
  stream: RunStream;
  text: string;
}

export interface RunDetails extends RunSummary {
  output: RunOutputChunk[];
}

/** Server to client, inside MESSAGE_RUN (a varString of JSON), to connections that sent the hello. */
export type RunServerMessage =
  | { type: 'started'; run: RunSummary }
  | { type: 'output'; runId: string; stream: RunStream; text: string }
  | { type: 'finished'; run: RunSummary }
  /** Someone asked to stop the run: its runner's tab stops it and reports `exit` with `stopped`. */
  | { type: 'stop-requested'; runId: string; by: HistoryAuthor }
  /** A message of the receiving connection was refused (not allowed, running switched off, too fast...). */
  | { type: 'refused'; runId: string; code: string; message: string };

/** The most runs one page of `GET /api/rooms/:id/runs` holds. */
export const RUNS_PAGE_MAX = 50;

/** `GET /api/rooms/:id/runs?before=&limit=`: newest first. */
export const runsQuerySchema = z.strictObject({
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(RUNS_PAGE_MAX).default(20),
});
export type RunsQuery = z.infer<typeof runsQuerySchema>;

export interface RunList {
  runs: RunDetails[];
  /** Pass as `before` for older runs; null when there are none. */
  nextBefore: string | null;
}
