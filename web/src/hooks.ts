import { useCallback, useEffect, useState } from 'react';

import type { AdminQuery, AdminResponse } from '../../src/surfaces/admin/contracts';

import { read, type ReadEndpoint } from './api';

/** Runs an admin API call for a page: a 401 logs the console out, a refusal is shown in words. */
export type Run = <T>(work: () => Promise<T>) => Promise<T | undefined>;

/** Loads an admin endpoint (again every `everyMs` when given); the second item reloads it. */
export function useLoad<E extends ReadEndpoint>(
  run: Run,
  endpoint: E,
  options: { query?: AdminQuery<E>; everyMs?: number } = {},
): [AdminResponse<E> | undefined, () => Promise<void>] {
  const [data, setData] = useState<AdminResponse<E>>();
  const { everyMs = 0 } = options;
  // The query by value: a page builds a new object on every render.
  const query = JSON.stringify(options.query ?? {});
  const load = useCallback(async () => {
    const d = await run(() => read(endpoint, JSON.parse(query) as AdminQuery<E>));
    if (d !== undefined) setData(d);
  }, [run, endpoint, query]);
  useEffect(() => {
    void load();
    if (!everyMs) return;
    const t = setInterval(() => void load(), everyMs);
    return () => clearInterval(t);
  }, [load, everyMs]);
  return [data, load];
}
