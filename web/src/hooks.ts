import { useCallback, useEffect, useState } from 'react';

import { api } from './api';

/** Runs an admin API call for a page: a 401 logs the console out, a refusal is shown in words. */
export type Run = <T>(work: () => Promise<T>) => Promise<T | undefined>;

/** Loads an admin API path (again every `everyMs` when given); the second item reloads it. */
export function useLoad<T>(
  run: Run,
  path: string,
  everyMs = 0,
): [T | undefined, () => Promise<void>] {
  const [data, setData] = useState<T>();
  const load = useCallback(async () => {
    const d = await run(() => api.get<T>(path));
    if (d !== undefined) setData(d);
  }, [run, path]);
  useEffect(() => {
    void load();
    if (!everyMs) return;
    const t = setInterval(() => void load(), everyMs);
    return () => clearInterval(t);
  }, [load, everyMs]);
  return [data, load];
}
