import { useSyncExternalStore } from "react";
import { AuthPage } from "../features/auth/components/AuthPage";
import { DefaultRunner } from "../features/prompts/components/DefaultRunner";
import { HomePage } from "../features/prompts/components/HomePage";
import { PromptPage } from "../features/prompts/components/PromptPage";
import { UiRunnerPage } from "../features/runner/components/UiRunnerPage";
import { RunPage } from "../features/runs/components/RunPage";
import { Link, match, navigate, useLocation } from "../lib/router";
import { getSession, onSessionChange, setSession } from "../lib/session";

let cached = getSession();
onSessionChange(() => {
  cached = getSession();
});
function useSession() {
  return useSyncExternalStore(onSessionChange, () => cached);
}

export function App() {
  const { pathname, search } = useLocation();
  const session = useSession();
  const next = new URLSearchParams(search).get("next") ?? "";

  if (pathname === "/signup" || pathname === "/login") {
    return <AuthPage key={pathname} mode={pathname === "/signup" ? "signup" : "login"} next={next} />;
  }
  if (!session) {
    queueMicrotask(() => navigate(`/login?next=${encodeURIComponent(pathname + search)}`, true));
    return null;
  }

  let page: React.ReactNode;
  let params: Record<string, string> | null;
  if (pathname === "/") page = <HomePage />;
  else if ((params = match("/prompts/:id/run", pathname))) page = <DefaultRunner id={params.id ?? ""} search={search} />;
  else if ((params = match("/prompts/:id", pathname))) page = <PromptPage key={params.id} id={params.id ?? ""} />;
  else if ((params = match("/ui/:id", pathname))) page = <UiRunnerPage key={params.id} id={params.id ?? ""} session={session} search={search} />;
  else if ((params = match("/runs/:id", pathname))) page = <RunPage key={params.id} id={params.id ?? ""} />;
  else page = <main className="page"><h1>Not found</h1></main>;

  return (
    <>
      <nav className="top">
        <Link href="/" className="brand">promptdeck</Link>
        <span className="spacer" />
        <span className="muted" data-testid="user-email">{session.user.email}</span>
        <button type="button" className="link" onClick={() => { setSession(null); navigate("/login"); }}>Sign out</button>
      </nav>
      {page}
    </>
  );
}
