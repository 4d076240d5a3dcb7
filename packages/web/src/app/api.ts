import { useMemo } from 'react';
import { createApiClient } from '../lib/api';
import type { ApiClient } from '../lib/api';

/** Same-origin API: the server serves the app, and `vite` dev proxies /api to it. */
export function useApi(): ApiClient {
  return useMemo(() => createApiClient(), []);
}
