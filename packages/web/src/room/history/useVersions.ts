import { useCallback, useEffect, useState } from 'react';
import type { VersionSummary } from '@pairwise/protocol';
import { useApi } from '../../app/api';
import type { RoomCredentials } from '../../lib/roomCredentials';
import { apiErrorMessage } from '../share/useApiAction';

/** How often an open panel re-reads the list: automatic versions appear on their own. */
const VERSIONS_POLL_MS = 30_000;

/** The room's versions, newest first: read when the panel opens, on `reload`, and now and then. */
export function useVersions(roomId: string, credentials: RoomCredentials) {
  const api = useApi();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setVersions((await api.listVersions(roomId, { credentials })).versions);
      setError(null);
    } catch (err) {
      setError(apiErrorMessage(err, 'Could not load the versions.'));
    }
  }, [api, roomId, credentials]);

  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), VERSIONS_POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);

  return { versions, error, reload };
}
