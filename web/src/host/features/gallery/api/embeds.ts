// REST calls of an owner's embeds of a UI (other sites showing it through embed.js): make, list,
// rotate a secret, revoke.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { Embed, EmbedCreated, NewEmbed, Page } from "../../../lib/types";

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
