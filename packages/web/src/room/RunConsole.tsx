import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { RoomRunsView } from '../run/useRuns';
import type { RunView } from '../run/runLog';
import { ChevronDownIcon, StopIcon } from '../ui/icons';
import { RunHeadline } from './RunHeadline';
import { RunOutput } from './RunOutput';

/** The phone layout in room.css. */
const NARROW_SCREEN = '(max-width: 760px)';

/** Within this many pixels of the bottom, new output keeps the console scrolled to it. */
const STICK_TO_BOTTOM_PX = 24;

function RunEntry({ run, open, canStop, onStop }: { run: RunView; open: boolean; canStop: boolean; onStop: () => void }) {
  return (
    <details className="run" open={open} data-testid="run-item" data-status={run.status} data-run-id={run.id}>
      <summary className="run__summary">
        <RunHeadline run={run} />
        {run.status === 'running' && canStop && (
          <button
            type="button"
            className="btn btn--secondary btn--small"
            onClick={(event) => {
              // Inside the summary: the click stops the run, it does not fold it.
              event.preventDefault();
              onStop();
            }}
            data-testid="run-stop"
          >
            <StopIcon />
            Stop
          </button>
        )}
      </summary>
      <RunOutput output={run.output} />
      {run.truncated && <p className="run__note">Output past 64 KB was not kept.</p>}
      {run.stopRequestedBy && run.status === 'running' && <p className="run__note">{run.stopRequestedBy.name} asked to stop this run.</p>}
      {run.refusal && (
        <p className="run__note run__note--error" role="alert">
          {run.refusal}
        </p>
      )}
    </details>
  );
}

function StdinLine({ prompt, onAnswer }: { prompt: string; onAnswer: (line: string) => void }) {
  const [line, setLine] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => inputRef.current?.focus(), []);
  return (
    <form
      className="run-stdin"
      onSubmit={(event) => {
        event.preventDefault();
        onAnswer(line);
        setLine('');
      }}
    >
      <label className="run-stdin__label" htmlFor="run-stdin">
        {prompt.trim() || 'Input'}
      </label>
      <input
        id="run-stdin"
        ref={inputRef}
        className="input run-stdin__input"
        value={line}
        onChange={(event) => setLine(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        placeholder="Type a line and press Enter"
        data-testid="run-input"
      />
    </form>
  );
}

/**
 * The console under the editor: every run in the room (who ran it, its output with ANSI colours,
 * how it ended and how long it took), earlier ones folded, and the input line while this tab's
 * program waits for one. Clear empties this tab's view only.
 */
export function RunConsole({ runs, canStop }: { runs: RoomRunsView; canStop: boolean }) {
  // A phone has little room: the console starts folded there and opens when a run starts.
  const [open, setOpen] = useState(() => !window.matchMedia(NARROW_SCREEN).matches);
  const bodyRef = useRef<HTMLDivElement>(null);
  const stuckToBottom = useRef(true);
  const latest = runs.runs.at(-1);
  const runningLatestId = latest?.status === 'running' ? latest.id : undefined;
  const running = runs.runs.filter((run) => run.status === 'running');

  // A new run opens the console.
  useEffect(() => {
    if (runningLatestId !== undefined) setOpen(true);
  }, [runningLatestId]);

  useLayoutEffect(() => {
    const body = bodyRef.current;
    if (body && stuckToBottom.current) body.scrollTop = body.scrollHeight;
  });

  return (
    <section className="run-console" data-open={open} data-testid="run-console" aria-label="Console">
      <header className="run-console__bar">
        <button
          type="button"
          className="btn btn--ghost btn--small run-console__toggle"
          aria-expanded={open}
          onClick={() => setOpen((value) => !value)}
        >
          <ChevronDownIcon />
          Console
        </button>
        <span className="run-console__running" data-testid="run-running" aria-live="polite">
          {running.map((run) => `${run.startedBy.name} is running ${run.language}…`).join(' ')}
        </span>
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={runs.clear}
          disabled={runs.runs.length === 0}
          data-testid="run-clear"
        >
          Clear
        </button>
      </header>
      {open && (
        <div
          className="run-console__body"
          ref={bodyRef}
          onScroll={(event) => {
            const el = event.currentTarget;
            stuckToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX;
          }}
        >
          {runs.hasEarlier && (
            <button type="button" className="btn btn--ghost btn--small" onClick={runs.loadEarlier} disabled={runs.loadingEarlier}>
              {runs.loadingEarlier ? 'Loading…' : 'Earlier runs'}
            </button>
          )}
          {runs.loadError && <p className="run__note run__note--error">{runs.loadError}</p>}
          {runs.serverStartError && (
            <p className="run__note run__note--error" data-testid="run-server-error">
              {runs.serverStartError}
            </p>
          )}
          {runs.runs.length === 0 && <p className="run-console__empty">Run the code to see its output here.</p>}
          {runs.runs.map((run) => (
            <RunEntry
              key={run.id}
              run={run}
              open={run === latest || run.status === 'running'}
              canStop={canStop}
              onStop={() => runs.stop(run.id)}
            />
          ))}
          {runs.input && <StdinLine key={runs.input.runId} prompt={runs.input.prompt} onAnswer={runs.answerInput} />}
        </div>
      )}
    </section>
  );
}
