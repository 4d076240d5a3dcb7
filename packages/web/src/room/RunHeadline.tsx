import type { CSSProperties } from 'react';
import type { RunSummary } from '@pairwise/protocol';
import { formatDuration, runStatusText } from '../lib/runText';

/** Who ran it, in what, when, how it ended and how long it took: one run's line in the console and on the timeline. */
export function RunHeadline({ run }: { run: RunSummary }) {
  return (
    <>
      <span className="run__dot" style={{ '--user-color': run.startedBy.color } as CSSProperties} aria-hidden="true" />
      <span className="run__author" data-testid="run-author">
        {run.startedBy.name}
      </span>
      <span className="run__language">{run.language}</span>
      <time className="run__time" dateTime={run.startedAt}>
        {new Date(run.startedAt).toLocaleTimeString()}
      </time>
      <span className={`run__status run__status--${run.status}`} data-testid="run-status">
        {runStatusText(run)}
      </span>
      {run.durationMs !== null && <span className="run__duration">{formatDuration(run.durationMs)}</span>}
    </>
  );
}
