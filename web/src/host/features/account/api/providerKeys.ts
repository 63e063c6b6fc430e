// REST calls for the account's own provider keys: write-only keys, listed by provider and hint.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { ModelEntry, Page, ProviderKeyInfo } from "../../../lib/types";

const at = (provider: string) => `/api/account/provider-keys/${encodeURIComponent(provider)}`;

/** The account's stored keys (provider and hint; the key itself is never answered). */
export function useProviderKeys() {
  return useQuery({ queryKey: queryKeys.providerKeys, queryFn: () => api<Page<ProviderKeyInfo>>("GET", "/api/account/provider-keys").then((p) => p.items) });
}

/** The configured providers that take a key (every one but the built-in echo). */
export function useKeyedProviders() {
  return useQuery({
    queryKey: queryKeys.models,
    queryFn: () => api<Page<ModelEntry>>("GET", "/api/models?limit=200").then((p) => p.items),
    staleTime: Infinity,
    select: (models) => [...new Set(models.map((m) => m.provider))].filter((p) => p !== "echo").sort(),
  });
}

/** Stores (or replaces) the account's key for a provider. */
export function usePutProviderKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ provider, apiKey }: { provider: string; apiKey: string }) => api<ProviderKeyInfo>("PUT", at(provider), { api_key: apiKey }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.providerKeys }),
  });
}

/** Forgets the account's key for a provider. */
export function useDeleteProviderKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (provider: string) => api<undefined>("DELETE", at(provider)),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.providerKeys }),
  });
}
