// Loading admin endpoints for the pages, through TanStack Query: one request per endpoint and
// query however many components show it (the sandbox banner and the overview read the same
// answer), the last answer kept while a new one loads or after a refusal, and reloading on an
// interval where a page asks for it. Refusals go through `run` (a 401 logs the console out).
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';

import type { AdminQuery, AdminResponse } from '../../src/surfaces/admin/contracts';

import { read, type ReadEndpoint } from './api';

/** Runs an admin API call for a page: a 401 logs the console out, a refusal is shown in words. */
export type Run = <T>(work: () => Promise<T>) => Promise<T | undefined>;

export { queryClient } from './query';

/** A refusal already shown by `run`: the query keeps its last answer. */
class Refused extends Error {}

/** Loads an admin endpoint (again every `everyMs` when given); the second item reloads it. */
export function useLoad<E extends ReadEndpoint>(
  run: Run,
  endpoint: E,
  options: { query?: AdminQuery<E>; everyMs?: number } = {},
): [AdminResponse<E> | undefined, () => Promise<void>] {
  const { everyMs = 0 } = options;
  // The query by value: a page builds a new object on every render.
  const query = JSON.stringify(options.query ?? {});
  const result = useQuery({
    queryKey: [endpoint, query],
    queryFn: async () => {
      const d = await run(() => read(endpoint, JSON.parse(query) as AdminQuery<E>));
      if (d === undefined) throw new Refused();
      return d;
    },
    refetchInterval: everyMs || false,
    placeholderData: (previous) => previous,
  });
  const { refetch } = result;
  const reload = useCallback(async () => {
    await refetch();
  }, [refetch]);
  return [result.data, reload];
}
