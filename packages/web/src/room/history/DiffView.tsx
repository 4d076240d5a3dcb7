import { Suspense, lazy, useEffect, useState } from 'react';
import type { VersionSummary } from '@pairwise/protocol';
import type * as Y from 'yjs';
import { useApi } from '../../app/api';
import type { RoomCredentials } from '../../lib/roomCredentials';
import type { Theme } from '../../lib/theme';
import '../../styles/history.css';
import { CloseIcon } from '../../ui/icons';
import { apiErrorMessage } from '../share/useApiAction';

const DiffEditor = lazy(() => import('./HistoryEditors').then((m) => ({ default: m.DiffEditor })));

/** What a diff compares: `base` on the left; `against` a later version, or null for the code now. */
export interface Comparison {
  base: VersionSummary;
  against: VersionSummary | null;
}

/** The room's code as it is now, following every edit. */
function useLiveText(text: Y.Text): string {
  const [value, setValue] = useState(() => text.toString());
  useEffect(() => {
    const update = () => setValue(text.toString());
    update();
    text.observe(update);
    return () => text.unobserve(update);
  }, [text]);
  return value;
}

function useVersionCode(roomId: string, credentials: RoomCredentials, version: VersionSummary | null) {
  const api = useApi();
  const [code, setCode] = useState<{ id: string; code: string } | { id: string; error: string } | null>(null);
  const id = version?.id ?? null;
  useEffect(() => {
    if (id === null) return;
    const controller = new AbortController();
    api
      .getVersion(roomId, id, { credentials, signal: controller.signal })
      .then((details) => setCode({ id, code: details.code }))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setCode({ id, error: apiErrorMessage(err, 'Could not load the version.') });
      });
    return () => controller.abort();
  }, [api, roomId, credentials, id]);
  return code?.id === id ? code : null;
}

/** Monaco's diff editor in place of the editor: a version against now (live) or against another version. */
export function DiffView({
  roomId,
  credentials,
  comparison,
  liveText,
  language,
  theme,
  onClose,
}: {
  roomId: string;
  credentials: RoomCredentials;
  comparison: Comparison;
  liveText: Y.Text;
  /** A Monaco language id. */
  language: string;
  theme: Theme;
  onClose: () => void;
}) {
  const { base, against } = comparison;
  const now = useLiveText(liveText);
  const left = useVersionCode(roomId, credentials, base);
  const right = useVersionCode(roomId, credentials, against);
  const modified = against === null ? now : right && 'code' in right ? right.code : null;
  const error = (left && 'error' in left && left.error) || (right && 'error' in right && right.error) || null;

  return (
    <section className="history-view" aria-label="Compare versions" data-testid="diff-view">
      <div className="history-view__bar">
        <h2 className="history-view__title">Compare</h2>
        <div className="history-view__meta">
          <span className="diff-side">{base.name}</span>
          <span aria-hidden="true">→</span>
          <span className="diff-side diff-side--new">{against ? against.name : 'Now'}</span>
        </div>
        <button type="button" className="btn btn--secondary" onClick={onClose}>
          <CloseIcon />
          Back to editor
        </button>
      </div>
      {error && (
        <p className="form-error history-view__error" role="alert">
          {error}
        </p>
      )}
      <div className="history-view__code">
        {left && 'code' in left && modified !== null ? (
          <Suspense fallback={<div className="editor-placeholder">Loading…</div>}>
            <DiffEditor original={left.code} modified={modified} language={language} theme={theme} />
          </Suspense>
        ) : (
          !error && <div className="editor-placeholder">Loading…</div>
        )}
      </div>
    </section>
  );
}
