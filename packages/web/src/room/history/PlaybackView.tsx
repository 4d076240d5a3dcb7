import { Suspense, lazy, useEffect, useRef, useState } from 'react';
import type { HistoryAuthor } from '@pairwise/protocol';
import type { RoomCredentials } from '../../lib/roomCredentials';
import type { Theme } from '../../lib/theme';
import '../../styles/history.css';
import { CloseIcon, PauseIcon, PlayIcon, StepIcon } from '../../ui/icons';
import { PLAYBACK_SPEEDS, type PlayablePoint } from './timelinePlayer';
import { useLanes, useTimelinePlayer, useTimelineRuns } from './useTimeline';
import { Lanes } from './Lanes';
import { RunMarks, TimelineRunCard, useShownRun } from './TimelineRuns';

const CodeView = lazy(() => import('./HistoryEditors').then((m) => ({ default: m.CodeView })));

/** After the scrubber stops moving this long, jump there (each jump is a request). */
const SCRUB_SETTLE_MS = 200;

const UNKNOWN_AUTHOR: HistoryAuthor = { id: '', name: 'Unknown', color: '#8b90a0' };

function formatMoment(at: string): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/**
 * Replays the room keystroke by keystroke in place of the editor: controls, scrubber, lanes per
 * author, and the room's runs at their place along them.
 */
export function PlaybackView({
  roomId,
  credentials,
  language,
  theme,
  onClose,
}: {
  roomId: string;
  credentials: RoomCredentials;
  /** A Monaco language id. */
  language: string;
  theme: Theme;
  onClose: () => void;
}) {
  const { player, state } = useTimelinePlayer(roomId, credentials);
  const { point, playing, speed } = state;
  // The range is taken once: lanes and scrubber stay put while the room keeps being edited.
  const [range, setRange] = useState<{ firstSeq: number; lastSeq: number } | null>(null);
  useEffect(() => {
    if (range === null && state.lastSeq > 0) setRange({ firstSeq: state.firstSeq, lastSeq: state.lastSeq });
  }, [range, state.firstSeq, state.lastSeq]);
  const timelineRuns = useTimelineRuns(roomId, credentials);
  const lanes = useLanes(roomId, credentials, range ?? { firstSeq: 0, lastSeq: 0 }, timelineRuns.runs);
  const shownRun = useShownRun(lanes.runs, point?.seq ?? null, playing);
  const [scrub, setScrub] = useState<number | null>(null);
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(settle.current ?? undefined), []);

  const seek = (seq: number) => {
    setScrub(seq);
    clearTimeout(settle.current ?? undefined);
    settle.current = setTimeout(() => {
      void player?.seek(seq).then(() => setScrub(null));
    }, SCRUB_SETTLE_MS);
  };
  const authorOf = (p: PlayablePoint | null): HistoryAuthor =>
    (p?.author && (state.authors.get(p.author) ?? lanes.authors.get(p.author))) || UNKNOWN_AUTHOR;
  const author = authorOf(point);
  const first = range?.firstSeq ?? 0;
  const last = Math.max(range?.lastSeq ?? 0, first);
  const playhead = point && range ? (Math.min(point.seq, last) - first) / Math.max(1, last - first) : null;

  return (
    <section
      className="history-view"
      aria-label="Replay"
      data-testid="playback"
      data-seq={point?.seq ?? ''}
      data-loading={state.loading}
      data-playing={playing}
    >
      <div className="history-view__bar">
        <h2 className="history-view__title">Replay</h2>
        <div className="history-view__meta" data-testid="playback-moment">
          {point ? (
            <>
              <span className="author-dot" style={{ background: author.color }} aria-hidden="true" />
              <span className="history-view__author">{author.name}</span>
              <time dateTime={point.at}>{formatMoment(point.at)}</time>
              {point.paste && (
                <span className="history-badge history-badge--paste" data-testid="paste-badge">
                  Pasted
                </span>
              )}
            </>
          ) : (
            <span>{state.loading ? 'Loading the timeline…' : 'Nothing was typed here yet.'}</span>
          )}
        </div>
        <button type="button" className="btn btn--secondary" onClick={onClose}>
          <CloseIcon />
          Back to editor
        </button>
      </div>
      {state.error && (
        <p className="form-error history-view__error" role="alert">
          {state.error}
        </p>
      )}
      <div className="history-view__code">
        <Suspense fallback={<div className="editor-placeholder">Loading…</div>}>
          <CodeView code={state.code} language={language} theme={theme} color={point ? author.color : null} />
        </Suspense>
      </div>
      <div className="player">
        <div className="player__controls">
          <button
            type="button"
            className="btn btn--primary btn--icon"
            aria-label={playing ? 'Pause' : 'Play'}
            onClick={() => (playing ? player?.pause() : player?.play())}
            disabled={point === null}
          >
            {playing ? <PauseIcon /> : <PlayIcon />}
          </button>
          <button
            type="button"
            className="btn btn--secondary btn--icon"
            aria-label="Next change"
            title="Next change"
            onClick={() => void player?.step()}
            disabled={point === null || state.atEnd || playing}
          >
            <StepIcon />
          </button>
          <fieldset className="segmented" aria-label="Speed">
            {PLAYBACK_SPEEDS.map((s) => (
              <label key={s} className="segmented__option" data-checked={s === speed}>
                <input type="radio" name={`speed-${roomId}`} checked={s === speed} onChange={() => player?.setSpeed(s)} />
                {s}×
              </label>
            ))}
          </fieldset>
          <input
            type="range"
            className="player__scrubber"
            aria-label="Moment in the timeline"
            min={first}
            max={last}
            step={1}
            value={scrub ?? Math.min(Math.max(point?.seq ?? first, first), last)}
            disabled={range === null}
            onChange={(event) => seek(Number(event.target.value))}
          />
        </div>
        <RunMarks
          placed={lanes.runs}
          complete={lanes.done}
          more={timelineRuns.more}
          error={timelineRuns.error}
          pickedId={shownRun.pickedId}
          playhead={playhead}
          onPoint={shownRun.point}
          onPick={(mark) => {
            shownRun.pick(mark.run.id);
            seek(mark.seq);
          }}
        />
        {shownRun.shown && <TimelineRunCard mark={shownRun.shown} onClose={() => shownRun.pick(null)} />}
        <Lanes
          lanes={lanes.lanes}
          authors={lanes.authors}
          complete={lanes.done}
          playhead={playhead}
          onJump={(share) => seek(Math.round(first + share * (last - first)))}
        />
      </div>
    </section>
  );
}
