import type { RunDetails, RunServerMessage, RunSummary } from '@pairwise/protocol';
import type { StoredRun } from '../storage/runs.js';
import { runFrame } from './run-frame.js';

/** Why a run message of the sender was not taken (sent back to it as `refused`). */
export type RunRefusalCode =
  | 'running_off'
  | 'already_running'
  | 'too_fast'
  | 'not_running'
  | 'not_your_run'
  | 'run_id_taken'
  | 'storage_unavailable'
  | 'not_server_run'
  | 'run_elsewhere'
  | 'not_starter'
  | 'room_not_found';

const REFUSAL_MESSAGES: Record<RunRefusalCode, string> = {
  running_off: 'the owner switched running code off in this room',
  already_running: 'a run is already going on in this room',
  too_fast: 'too many runs started; wait a few seconds',
  not_running: 'that run is not running',
  not_your_run: 'only the tab that started a run reports its output and exit',
  run_id_taken: 'that run id was used before',
  storage_unavailable: 'the run could not be stored; try again',
  not_server_run: 'that run happens in a browser tab: only a run on the server takes input this way',
  run_elsewhere: 'that run goes on on another server instance: its input goes there',
  not_starter: 'only the person who started a run types its input',
  room_not_found: 'the room was deleted',
};

/** The `refused` frame for the sender of a run message. */
export function refusal(runId: string, code: RunRefusalCode): Uint8Array {
  const message: RunServerMessage = { type: 'refused', runId, code, message: REFUSAL_MESSAGES[code] };
  return runFrame(message);
}

export function summaryOf(run: StoredRun): RunSummary {
  const { id, language, startedBy, startedAt, finishedAt, status, exitCode, durationMs, outputBytes, truncated } = run;
  return {
    id,
    language,
    startedBy: { ...startedBy },
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: finishedAt === null ? null : new Date(finishedAt).toISOString(),
    status,
    exitCode,
    durationMs,
    outputBytes,
    truncated,
  };
}

export function detailsOf(run: StoredRun): RunDetails {
  return { ...summaryOf(run), output: run.output.map((chunk) => ({ ...chunk })) };
}
