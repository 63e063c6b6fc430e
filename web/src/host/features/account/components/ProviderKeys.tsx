import { useState, type FormEvent } from "react";
import { errorText } from "../../../lib/query";
import { useDeleteProviderKey, useKeyedProviders, useProviderKeys, usePutProviderKey } from "../api/providerKeys";

/**
 * The account's own provider keys: runs on a provider the account has a key for use that key
 * instead of the operator's. A key is written once and never shown again (only its last four
 * characters).
 */
export function ProviderKeys() {
  const keys = useProviderKeys();
  const providers = useKeyedProviders().data ?? [];
  const put = usePutProviderKey();
  const remove = useDeleteProviderKey();
  const [provider, setProvider] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const chosen = provider || providers[0] || "";

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await put.mutateAsync({ provider: chosen, apiKey: apiKey.trim() });
      setApiKey("");
    } catch (err) {
      setError(errorText(err));
    }
  };
  const forget = async (p: string) => {
    setError(null);
    try {
      await remove.mutateAsync(p);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="stack" aria-labelledby="provider-keys-title">
      <h2 id="provider-keys-title">Your provider keys</h2>
      <p className="muted">Runs you pay for on a provider you have a key for use your key instead of the server's. A key is stored encrypted and never shown again.</p>
      {keys.data && keys.data.length > 0 && (
        <ul className="list plain" aria-label="Stored keys">
          {keys.data.map((k) => (
            <li key={k.provider} className="row center" data-testid="provider-key">
              <strong className="grow">{k.provider}</strong>
              <span className="muted mono">{k.hint}</span>
              <button type="button" className="ghost danger" disabled={remove.isPending} onClick={() => void forget(k.provider)}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      {providers.length === 0 ? (
        <p className="muted">This server has no provider that takes a key (only the built-in echo model).</p>
      ) : (
        <form className="row center" onSubmit={(e) => void save(e)} aria-label="Store a provider key">
          <label className="inline">Provider
            <select value={chosen} onChange={(e) => setProvider(e.target.value)}>
              {providers.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </label>
          <label className="inline grow">API key
            <input type="password" autoComplete="off" className="grow" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
          </label>
          <button type="submit" disabled={put.isPending || !apiKey.trim()}>Save key</button>
        </form>
      )}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
