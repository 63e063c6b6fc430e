// REST call of a share link's page (`/s/{slug}`): which UI version the link opens now.
import { useQuery } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { SharedUi } from "../../../lib/types";

/** The UI version a share link opens now; a revoked link or an unpublished UI fails (410) with why. */
export function useSharedUi(slug: string) {
  return useQuery({
    queryKey: queryKeys.sharedUi(slug),
    queryFn: () => api<SharedUi>("GET", `/api/share-links/${encodeURIComponent(slug)}`),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
}
