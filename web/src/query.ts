// The console's one TanStack Query client. Answers are fresh for a second and never retried
// blindly (a refusal is shown, not repeated); any change the admin API accepts marks every answer
// stale (api.ts), so a page shows the agent just created or the grant just set.
import { QueryClient } from '@tanstack/react-query';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 1000, retry: false, refetchOnWindowFocus: true },
  },
});
