// The one way the host app fetches: TanStack Query over the REST helper (`api.ts`). Each feature's
// `api/` module defines its requests, queries and mutations; components use those hooks only.
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api";
import { onSessionChange } from "./session";
import type { Page } from "./types";

/** Client errors (4xx) are answers, not accidents: only network and server errors are retried. */
function retry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

// Another account (or none) must never see what this one loaded.
onSessionChange(() => queryClient.clear());

/** A readable message for an error from a query or mutation. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** For `useInfiniteQuery` over offset-paged lists: the next page's offset, or none at the end. */
export function nextOffset<T>(last: Page<T>, pages: Page<T>[]): number | undefined {
  const loaded = pages.reduce((n, p) => n + p.items.length, 0);
  return loaded < last.total && last.items.length > 0 ? loaded : undefined;
}

/** The items of every loaded page, each id once (a list that changed between pages may repeat one). */
export function pagedItems<T extends { id: string }>(pages: Page<T>[] | undefined): T[] | null {
  if (!pages) return null;
  const seen = new Set<string>();
  return pages.flatMap((p) => p.items).filter((item) => !seen.has(item.id) && Boolean(seen.add(item.id)));
}
