import { RUN_OUTPUT_MAX_BYTES, type HistoryAuthor, type RunDetails, type RunOutputChunk, type RunSummary } from '@pairwise/protocol';

/** A run as the console shows it. */
export interface RunView extends RunDetails {
  /** Started by this tab: its output is shown as this tab produces it, not as the server relays it. */
  mine: boolean;
  /** The server refused something about this run (not allowed, running switched off...). */
  refusal: string | null;
  stopRequestedBy: HistoryAuthor | null;
}

/** Runs the console keeps besides those loaded on request: the oldest finished ones go first. */
export const KEPT_RUNS = 20;

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

/** The longest start of `text` that fits in `maxBytes` of UTF-8. */
export function fitBytes(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  let cut = Math.min(text.length, maxBytes);
  while (cut > 0 && byteLength(text.slice(0, cut)) > maxBytes) cut = Math.floor(cut * 0.9);
  return text.slice(0, cut);
}

/**
 * `run` with `chunks` added, up to RUN_OUTPUT_MAX_BYTES (past it the run is `truncated`), and what
 * was kept (what a runner's tab sends on). Consecutive text of one stream becomes one chunk.
 */
export function appendOutput(run: RunView, chunks: readonly RunOutputChunk[]): { run: RunView; kept: RunOutputChunk[] } {
  const kept: RunOutputChunk[] = [];
  let bytes = run.outputBytes;
  let truncated = run.truncated;
  for (const chunk of chunks) {
    if (truncated) break;
    const size = byteLength(chunk.text);
    const text = bytes + size <= RUN_OUTPUT_MAX_BYTES ? chunk.text : fitBytes(chunk.text, RUN_OUTPUT_MAX_BYTES - bytes);
    if (text !== chunk.text) truncated = true;
    if (text === '') continue;
    bytes += text === chunk.text ? size : byteLength(text);
    kept.push({ stream: chunk.stream, text });
  }
  if (kept.length === 0 && truncated === run.truncated) return { run, kept };
  const output = [...run.output];
  for (const chunk of kept) {
    const last = output.at(-1);
    if (last && last.stream === chunk.stream) output[output.length - 1] = { stream: last.stream, text: last.text + chunk.text };
    else output.push(chunk);
  }
  return { run: { ...run, output, outputBytes: bytes, truncated }, kept };
}

export function viewOf(details: RunDetails, mine = false): RunView {
  return { ...details, mine, refusal: null, stopRequestedBy: null };
}

/** The server's summary of a run over what the console has: the output it has stays. */
export function withSummary(runs: readonly RunView[], summary: RunSummary): RunView[] {
  const known = runs.find((run) => run.id === summary.id);
  if (!known) return keepNewest(sortRuns([...runs, viewOf({ ...summary, output: [] })]));
  return runs.map((run) => (run.id === summary.id ? { ...run, ...summary, ...(known.mine ? ownAccount(known) : {}) } : run));
}

/**
 * What the runner's tab knows better than the server: its output counts (the server's may lag) and
 * its timing. The server times a run from its 'start' message to its 'exit' one, so a delayed 'start'
 * would show a run stopped at the 10 s limit as 9.8 s in the very tab that enforced the limit.
 */
function ownAccount(run: RunView): Partial<RunView> {
  const counts = { outputBytes: run.outputBytes, truncated: run.truncated };
  return run.durationMs === null ? counts : { ...counts, startedAt: run.startedAt, finishedAt: run.finishedAt, durationMs: run.durationMs };
}

/**
 * Runs loaded from the API merged into those shown, each once. A run this tab runs keeps its own
 * account (the server learns its end from this tab); another's run shown as `running` takes the
 * server's record, which holds how it ended or more of its output (what a tab missed while its socket
 * was down). Runs the user cleared stay out.
 */
export function withLoaded(runs: readonly RunView[], loaded: readonly RunDetails[], hidden: ReadonlySet<string>): RunView[] {
  const byId = new Map(loaded.map((run) => [run.id, run]));
  const known = new Set(runs.map((run) => run.id));
  const merged = runs.map((run) => {
    const stored = byId.get(run.id);
    return stored && isNewerRecord(run, stored) ? { ...run, ...stored } : run;
  });
  const added = loaded.filter((run) => !known.has(run.id) && !hidden.has(run.id)).map((run) => viewOf(run));
  return added.length === 0 ? merged : sortRuns([...merged, ...added]);
}

function isNewerRecord(shown: RunView, stored: RunDetails): boolean {
  if (shown.mine || shown.status !== 'running') return false;
  return stored.status !== 'running' || stored.outputBytes >= shown.outputBytes;
}

export function updateRun(runs: readonly RunView[], id: string, update: (run: RunView) => RunView): RunView[] {
  return runs.map((run) => (run.id === id ? update(run) : run));
}

const sortRuns = (runs: RunView[]) => runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt));

/** At most KEPT_RUNS, dropping the oldest finished runs first (running ones always stay). */
export function keepNewest(runs: RunView[]): RunView[] {
  let excess = runs.length - KEPT_RUNS;
  if (excess <= 0) return runs;
  return runs.filter((run) => {
    if (excess > 0 && run.status !== 'running') {
      excess--;
      return false;
    }
    return true;
  });
}
