import type { Session } from "../../../lib/session";
import { errorText } from "../../../lib/query";
import type { CustomUiWithPrompt } from "../../../lib/types";
import { usePreviewInit } from "../api/runner";
import { SandboxFrame } from "./SandboxFrame";

/** A saved UI in its sandbox frame, without the runner's page chrome (the editor's preview). */
export function UiPreview({ ui, session }: { ui: CustomUiWithPrompt; session: Session }) {
  const { data: init, error } = usePreviewInit(ui);
  if (error) return <p role="alert" className="error">{errorText(error)}</p>;
  if (!init) return <p aria-busy="true" className="muted">Loading the preview…</p>;
  return <SandboxFrame init={init} uiId={ui.id} name={ui.name} userId={session.user.id} fill={false} onRun={() => undefined} />;
}
