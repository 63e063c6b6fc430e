import { errorText } from "../../../lib/query";
import { Link } from "../../../lib/router";
import type { Session } from "../../../lib/session";
import { useSharedUi } from "../api/sharedUi";
import { UiRunnerPage } from "./UiRunnerPage";

/**
 * `/s/{slug}`: opens the UI version a share link names now (pinned: always the same version;
 * following: the latest published one) in the runner. A revoked link, or a UI archived,
 * unpublished or deleted, shows a notice saying which.
 */
export function SharePage({ slug, session, search }: { slug: string; session: Session; search: string }) {
  const { data, error } = useSharedUi(slug);
  if (error) {
    return (
      <main className="page stack notice" data-testid="share-notice">
        <h1>This link opens nothing now</h1>
        <p role="alert">{errorText(error)}</p>
        <p><Link href="/gallery">Browse the gallery</Link></p>
      </main>
    );
  }
  if (!data) return <main className="page"><p aria-busy="true">Opening the shared UI…</p></main>;
  return (
    <>
      <p className="share-banner muted" data-testid="share-banner">
        Shared link · version {data.version} {data.pinned ? "(pinned: this version stays)" : "(follows the latest published version)"}
      </p>
      <UiRunnerPage key={data.custom_ui_id} id={data.custom_ui_id} session={session} search={search} />
    </>
  );
}
