// REST calls of an owner's share links to a UI: make, list, revoke.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { Page, ShareLink } from "../../../lib/types";

const linksOf = (uiId: string) => `/api/custom-uis/${encodeURIComponent(uiId)}/share-links`;
/** The owner's links to a UI, newest first (revoked ones included). */
export function useShareLinks(uiId: string) {
  return useQuery({ queryKey: queryKeys.shareLinks(uiId), queryFn: () => api<Page<ShareLink>>("GET", linksOf(uiId)) });
}

/** Makes a link to the owner's published UI, pinned to this version or following the latest. */
export function useCreateShareLink(uiId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (pinned: boolean) => api<ShareLink>("POST", linksOf(uiId), { pinned }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.shareLinks(uiId) }),
  });
}

/** Revokes one of the owner's links: from then on it opens a notice. */
export function useRevokeShareLink(uiId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (slug: string) => api<ShareLink>("DELETE", `/api/share-links/${encodeURIComponent(slug)}`),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.shareLinks(uiId) }),
  });
}
