import { useCallback, useState } from 'react';
import { ApiRequestError } from '../../lib/api';

/** The server's message for a failed call, or a plain fallback when it sent none. */
export function apiErrorMessage(err: unknown, fallback: string): string {
  if (err instanceof ApiRequestError) return err.status === 0 || !err.code.startsWith('http_') ? err.message : fallback;
  return fallback;
}

/**
 * Runs one API call at a time for a form or a row: `busy` while it runs, `error` when it failed.
 * Resolves to true on success, so the caller can clear its inputs.
 */
export function useApiAction(fallback: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(
    async (call: () => Promise<unknown>): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        await call();
        return true;
      } catch (err) {
        setError(apiErrorMessage(err, fallback));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [fallback],
  );

  return { run, busy, error };
}
