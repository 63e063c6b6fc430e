import { useState, type FormEvent } from "react";
import { Link, navigate } from "../../../lib/router";
import { setSession } from "../../../lib/session";
import { useAuthenticate } from "../api/auth";

/** Sign-up and sign-in: the token goes to the host app's session and nowhere else. */
export function AuthPage({ mode, next }: { mode: "signup" | "login"; next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const authenticate = useAuthenticate(mode);
  const busy = authenticate.isPending;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setSession(await authenticate.mutateAsync({ email, password }));
      navigate(next || "/", true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const title = mode === "signup" ? "Create an account" : "Sign in";
  return (
    <main className="auth">
      <h1>{title}</h1>
      <form onSubmit={submit} className="stack">
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === "signup" ? "new-password" : "current-password"}
            required
            minLength={8}
            aria-describedby={mode === "signup" ? "password-rules" : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {mode === "signup" && (
          <p className="muted" id="password-rules">At least 8 characters and hard to guess: a few uncommon words work well.</p>
        )}
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>{mode === "signup" ? "Sign up" : "Sign in"}</button>
      </form>
      <p>
        {mode === "signup" ? (
          <>Have an account? <Link href={`/login${next ? `?next=${encodeURIComponent(next)}` : ""}`}>Sign in</Link></>
        ) : (
          <>New here? <Link href={`/signup${next ? `?next=${encodeURIComponent(next)}` : ""}`}>Create an account</Link></>
        )}
      </p>
    </main>
  );
}
