import type { HistoryAuthor } from '@pairwise/protocol';
import { LANE_SLOTS, type Lane } from './laneMarks';

/**
 * One row per author with a mark where they typed (their colour) and a distinct mark where they
 * pasted; the playhead shows the point on screen. Clicking a track jumps there.
 */
export function Lanes({
  lanes,
  authors,
  complete,
  playhead,
  onJump,
}: {
  lanes: readonly Lane[];
  authors: ReadonlyMap<string, HistoryAuthor>;
  complete: boolean;
  /** 0..1 across the timeline, or null before the first point. */
  playhead: number | null;
  onJump: (share: number) => void;
}) {
  return (
    <div className="lanes" data-testid="lanes" data-complete={complete}>
      {lanes.map((lane) => {
        const author = authors.get(lane.authorId);
        const color = author?.color ?? '#8b90a0';
        return (
          <div key={lane.authorId} className="lane" data-testid="lane" data-author={author?.name ?? ''}>
            <span className="lane__name" title={author?.name}>
              <span className="author-dot" style={{ background: color }} aria-hidden="true" />
              {author?.name ?? 'Unknown'}
            </span>
            {/* biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut; the scrubber above is the keyboard way to jump. */}
            {/* biome-ignore lint/a11y/useKeyWithClickEvents: as above. */}
            <div
              className="lane__track"
              onClick={(event) => {
                const box = event.currentTarget.getBoundingClientRect();
                onJump(Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)));
              }}
            >
              {lane.marks.map((mark) => (
                <span
                  key={mark.position}
                  className={mark.paste ? 'lane__mark lane__mark--paste' : 'lane__mark'}
                  data-paste={mark.paste}
                  title={mark.paste ? `${author?.name ?? 'Unknown'} pasted` : undefined}
                  style={{ left: `${mark.position * 100}%`, width: `${100 / LANE_SLOTS}%`, ['--lane-color' as string]: color }}
                />
              ))}
              {playhead !== null && <span className="lane__playhead" style={{ left: `${playhead * 100}%` }} />}
            </div>
          </div>
        );
      })}
    </div>
  );
}
