import { lazy, Suspense, useSyncExternalStore } from "react";
import { GalleryPage } from "../features/gallery/components/GalleryPage";
import { TemplatesPage } from "../features/templates/components/TemplatesPage";
import { AccountPage } from "../features/account/components/AccountPage";
import { AuthPage } from "../features/auth/components/AuthPage";
import { DefaultRunner } from "../features/prompts/components/DefaultRunner";
import { HomePage } from "../features/prompts/components/HomePage";
import { PromptPage } from "../features/prompts/components/PromptPage";
import { UiPreview } from "../features/runner/components/UiPreview";
import { TemplateThumbnail, UiThumbnail } from "../features/runner/components/UiThumbnail";
import { UiRunnerPage } from "../features/runner/components/UiRunnerPage";
import { RunPage } from "../features/runs/components/RunPage";
import { RunsPage } from "../features/runs/components/RunsPage";
import { SharePage } from "../features/runner/components/SharePage";
import { EmbedPage } from "../features/runner/components/EmbedPage";
import { Link, match, navigate, useLocation } from "../lib/router";
import { signOut } from "../lib/signOut";
import { getSession, onSessionChange } from "../lib/session";
import { ConnectionStatus } from "../shared/components/ConnectionStatus";

// The editor brings CodeMirror: it loads when first opened, not with the app.
const UiEditorPage = lazy(() => import("../features/custom-uis/components/UiEditorPage"));
// The usage dashboard brings Chart.js: it loads when first opened too.
const UsagePage = lazy(() => import("../features/usage/components/UsagePage"));

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
  let params: Record<string, string> | null;

  // An embed runs inside another site for that site's viewer: no sign-in, no app chrome.
  if ((params = match("/embed/:id", pathname))) return <EmbedPage key={params.id} id={params.id ?? ""} search={search} />;

  if (pathname === "/signup" || pathname === "/login") {
    return <AuthPage key={pathname} mode={pathname === "/signup" ? "signup" : "login"} next={next} />;
  }
  if (!session) {
    // Only a page still shown without a session goes to the login page: by the time this runs,
    // the app may have navigated on its own (signing out goes to /login).
    queueMicrotask(() => {
      if (!getSession() && window.location.pathname === pathname) navigate(`/login?next=${encodeURIComponent(pathname + search)}`, true);
    });
    return null;
  }

  let page: React.ReactNode;
  if (pathname === "/") page = <HomePage />;
  else if ((params = match("/prompts/:id/run", pathname))) page = <DefaultRunner id={params.id ?? ""} search={search} />;
  else if ((params = match("/prompts/:id", pathname))) page = <PromptPage key={params.id} id={params.id ?? ""} />;
  else if ((params = match("/ui/:id", pathname))) page = <UiRunnerPage key={params.id} id={params.id ?? ""} session={session} search={search} />;
  else if ((params = match("/s/:slug", pathname))) page = <SharePage key={params.slug} slug={params.slug ?? ""} session={session} search={search} />;
  else if (pathname === "/gallery") page = <GalleryPage thumbnail={(id) => <UiThumbnail uiId={id} userId={session.user.id} />} />;
  else if (pathname === "/runs") page = <RunsPage />;
  else if (pathname === "/usage") page = <UsagePage />;
  else if (pathname === "/account") page = <AccountPage user={session.user} />;
  else if (pathname === "/templates") page = <TemplatesPage preview={(ui) => <UiPreview ui={ui} session={session} />} thumbnail={(t) => <TemplateThumbnail template={t} userId={session.user.id} />} />;
  else if ((params = match("/uis/:id/edit", pathname))) page = <UiEditorPage key={params.id} id={params.id ?? ""} preview={(ui) => <UiPreview ui={ui} session={session} />} />;
  else if ((params = match("/runs/:id", pathname))) page = <RunPage key={params.id} id={params.id ?? ""} />;
  else page = <main className="page"><h1>Not found</h1></main>;

  return (
    <>
      <a href="#main" className="skip-link">Skip to content</a>
      <nav className="top" aria-label="Main">
        <Link href="/" className="brand">promptdeck</Link>
        <div className="nav-links">
          <NavLink href="/" current={pathname === "/" || pathname.startsWith("/prompts")}>Prompts</NavLink>
          <NavLink href="/gallery" current={pathname.startsWith("/gallery")}>Gallery</NavLink>
          <NavLink href="/templates" current={pathname.startsWith("/templates")}>Templates</NavLink>
          <NavLink href="/runs" current={pathname.startsWith("/runs")}>Runs</NavLink>
          <NavLink href="/usage" current={pathname.startsWith("/usage")}>Usage</NavLink>
        </div>
        <span className="spacer" />
        <Link href="/account" className="muted" data-testid="user-email" aria-current={pathname === "/account" ? "page" : undefined}>{session.user.email}</Link>
        <button type="button" className="link" onClick={() => void signOut().then(() => navigate("/login"))}>Sign out</button>
      </nav>
      <ConnectionStatus />
      <div id="main" tabIndex={-1} className="main-wrap">
        <Suspense fallback={<main className="page"><p aria-busy="true">Loading…</p></main>}>{page}</Suspense>
      </div>
    </>
  );
}

function NavLink({ href, current, children }: { href: string; current: boolean; children: React.ReactNode }) {
  return <Link href={href} className="nav-link" aria-current={current ? "page" : undefined}>{children}</Link>;
}
