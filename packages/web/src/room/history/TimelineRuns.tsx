import { type CSSProperties, useEffect, useRef, useState } from 'react';
import { runStatusText } from '../../lib/runText';
import { CloseIcon } from '../../ui/icons';
import { RunHeadline } from '../RunHeadline';
import { RunOutput } from '../RunOutput';
import { type PlacedRun, passedRun } from './runPlacement';
import { TIMELINE_RUNS_MAX } from './useTimeline';
import '../../styles/run.css';

/**
 * Which run the player shows: the one pointed at (hover or focus) over the one picked (clicked, or
 * passed while playing). Playing past a marker picks its run.
 */
export function useShownRun(placed: readonly PlacedRun[], seq: number | null, playing: boolean) {
  const [pickedId, setPickedId] = useState<string | null>(null);
  const [pointedId, setPointedId] = useState<string | null>(null);
  const previousSeq = useRef<number | null>(null);

  useEffect(() => {
    const from = previousSeq.current;
    previousSeq.current = seq;
    if (!playing || seq === null || from === null) return;
    const passed = passedRun(placed, from, seq);
    if (passed) setPickedId(passed.run.id);
  }, [placed, seq, playing]);

  const shownId = pointedId ?? pickedId;
  return {
    shown: placed.find((mark) => mark.run.id === shownId) ?? null,
    pickedId,
    pick: setPickedId,
    point: setPointedId,
  };
}

/** The row of run markers under the player: one per run at its place, in its status colour, ringed in its runner's. */
export function RunMarks({
  placed,
  complete,
  more,
  error,
  pickedId,
  playhead,
  onPoint,
  onPick,
}: {
  placed: readonly PlacedRun[];
  /** Every run is placed (the timeline was read to its end). */
  complete: boolean;
  /** Older runs exist than those loaded. */
  more: boolean;
  error: string | null;
  pickedId: string | null;
  /** 0..1 across the timeline, or null before the first point. */
  playhead: number | null;
  onPoint: (runId: string | null) => void;
  onPick: (mark: PlacedRun) => void;
}) {
  return (
    <div className="lane lane--runs" data-testid="run-marks">
      <span className="lane__name" title={more ? `The newest ${TIMELINE_RUNS_MAX} runs` : undefined}>
        Runs{more && ` (newest ${TIMELINE_RUNS_MAX})`}
      </span>
      <div className="lane__track run-marks__track">
        {error && <span className="run-marks__note">{error}</span>}
        {!error && complete && placed.length === 0 && <span className="run-marks__note">No runs</span>}
        {placed.map((mark) => (
          <button
            key={mark.run.id}
            type="button"
            className={`run-mark run-mark--${mark.run.status}`}
            style={{ left: `${mark.position * 100}%`, '--user-color': mark.run.startedBy.color, '--stack': mark.stack } as CSSProperties}
            aria-label={`${mark.run.startedBy.name} ran ${mark.run.language}: ${runStatusText(mark.run)}`}
            aria-pressed={mark.run.id === pickedId}
            title={`${mark.run.startedBy.name} ran ${mark.run.language} · ${runStatusText(mark.run)}`}
            data-testid="run-marker"
            data-run-id={mark.run.id}
            data-status={mark.run.status}
            onMouseEnter={() => onPoint(mark.run.id)}
            onMouseLeave={() => onPoint(null)}
            onFocus={() => onPoint(mark.run.id)}
            onBlur={() => onPoint(null)}
            onClick={() => onPick(mark)}
          />
        ))}
        {playhead !== null && <span className="lane__playhead" style={{ left: `${playhead * 100}%` }} />}
      </div>
    </div>
  );
}

/** The run shown on the timeline, read-only: who ran what and how it ended, with its output. */
export function TimelineRunCard({ mark, onClose }: { mark: PlacedRun; onClose: () => void }) {
  const { run } = mark;
  return (
    <section className="timeline-run" aria-label="Run" data-testid="timeline-run" data-run-id={run.id} data-status={run.status}>
      <header className="timeline-run__head">
        <RunHeadline run={run} />
        <button type="button" className="btn btn--ghost btn--icon btn--small timeline-run__close" aria-label="Close run" onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      <RunOutput output={run.output} />
      {run.output.length === 0 && <p className="run__note">No output.</p>}
      {run.truncated && <p className="run__note">Output past 64 KB was not kept.</p>}
    </section>
  );
}
