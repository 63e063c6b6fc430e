// REST calls of an owner's embeds of a UI (other sites showing it through embed.js): make, list,
// rotate a secret, revoke.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { Page } from "../../../lib/types";

// Wire types of the embed endpoints, declared here until the server's generated ones
// (src/generated/Embed.ts, NewEmbed.ts, EmbedCreated.ts) are in the tree.
export type EmbedViewer = "anonymous" | "verified";
export interface NewEmbed {
  allowed_origins: string[];
  viewer: EmbedViewer;
  daily_runs: number;
  version?: number | null;
  max_runs_per_viewer_per_day?: number | null;
}
export interface Embed {
  id: string;
  custom_ui_id: string | null;
  pinned: boolean;
  version: number | null;
  allowed_origins: string[];
  viewer: EmbedViewer;
  daily_runs: number;
  max_runs_per_viewer_per_day: number | null;
  created_at: string;
  secret_rotated_at: string | null;
  revoked_at: string | null;
  url: string;
}
export type EmbedCreated = Embed & { secret: string };

const embedsOf = (uiId: string) => `/api/custom-uis/${encodeURIComponent(uiId)}/embeds`;
const embedAt = (id: string) => `/api/embeds/${encodeURIComponent(id)}`;

/** The owner's embeds of a UI (revoked ones included). */
export function useEmbeds(uiId: string) {
  return useQuery({ queryKey: queryKeys.embeds(uiId), queryFn: () => api<Page<Embed>>("GET", embedsOf(uiId)) });
}

/** Makes an embed; the answer carries its secret, which the server never shows again. */
export function useCreateEmbed(uiId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (embed: NewEmbed) => api<EmbedCreated>("POST", embedsOf(uiId), embed),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.embeds(uiId) }),
  });
}

/** Gives an embed a new secret (the old one stops working); the answer carries it, once. */
export function useRotateEmbedSecret(uiId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<EmbedCreated>("POST", `${embedAt(id)}/secret`),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.embeds(uiId) }),
  });
}

/** Revokes an embed: from then on it shows a notice on every site. */
export function useRevokeEmbed(uiId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<Embed>("DELETE", embedAt(id)),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.embeds(uiId) }),
  });
}
