import { useState } from "react";
import { errorText } from "../../../lib/query";
import { navigate } from "../../../lib/router";
import type { SessionUser } from "../../../lib/session";
import { signOut } from "../../../lib/signOut";
import { useRevokeSession, useSessions, type SessionSummary } from "../api/sessions";
import { AccountBudget } from "./AccountBudget";
import { ProviderKeys } from "./ProviderKeys";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "–");

/** `/account`: who is signed in, and every device signed in to the account, each revocable. */
export function AccountPage({ user }: { user: SessionUser }) {
  const list = useSessions();
  const revokeSession = useRevokeSession();
  const sessions = list.data ?? null;
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (list.error ? errorText(list.error) : null);

  const revoke = async (s: SessionSummary) => {
    setError(null);
    if (s.current) {
      await signOut();
      navigate("/login");
      return;
    }
    try {
      await revokeSession.mutateAsync(s.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <main className="page stack">
      <h1>Account</h1>
      <p>Signed in as <strong>{user.email}</strong>.</p>
      <AccountBudget />
      <h2>Sessions</h2>
      <p className="muted">Every sign-in is a session; it lasts until it expires or is signed out. Revoke the ones you do not recognise.</p>
      {error && <p role="alert" className="error">{error}</p>}
      {sessions === null ? <p aria-busy="true">Loading…</p> : (
        <div className="table-wrap">
          <table className="sessions">
            <thead>
              <tr><th scope="col">Signed in</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id} data-testid="session-row" data-current={s.current ? "true" : undefined}>
                  <td data-label="Signed in">{when(s.created_at)} {s.current && <span className="badge ok">this browser</span>}</td>
                  <td data-label="Last used">{when(s.last_used_at)}</td>
                  <td data-label="Expires">{when(s.expires_at)}</td>
                  <td className="actions">
                    <button type="button" className="ghost danger" onClick={() => void revoke(s)}>
                      {s.current ? "Sign out" : "Revoke"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ProviderKeys />
    </main>
  );
}
