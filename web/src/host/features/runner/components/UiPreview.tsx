import { useEffect, useState } from "react";
import type { InitResult } from "../../../../shared/protocol";
import type { Session } from "../../../lib/session";
import type { CustomUiWithPrompt } from "../../../lib/types";
import { buildInit } from "../init";
import { SandboxFrame } from "./SandboxFrame";

/** A saved UI in its sandbox frame, without the runner's page chrome (the editor's preview). */
export function UiPreview({ ui, session }: { ui: CustomUiWithPrompt; session: Session }) {
  const [init, setInit] = useState<InitResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    buildInit(ui, session.user.id, "").then((i) => live && setInit(i), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [ui, session.user.id]);
  if (error) return <p role="alert" className="error">{error}</p>;
  if (!init) return <p aria-busy="true" className="muted">Loading the preview…</p>;
  return <SandboxFrame init={init} userId={session.user.id} modelId={ui.prompt.settings.model_id} fill={false} onRun={() => undefined} />;
}
