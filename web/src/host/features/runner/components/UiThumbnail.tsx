import { useEffect, useRef, useState, type ReactNode } from "react";
import type { InitResult } from "../../../../shared/protocol";
import { useTemplateThumbnailInit, useThumbnailInit } from "../api/runner";
import { SandboxFrame } from "./SandboxFrame";

/** The frame is drawn at twice the card's width and shown at half size. */
const SCALE = 0.5;
/** How far outside the viewport a thumbnail's frame is kept (loaded ahead, dropped behind). */
const NEAR = "400px";

/**
 * A live, still picture of a UI for a gallery card: its real frame, drawn at twice the card's
 * width and scaled down, inert and hidden from assistive technology (the card's own text names
 * the UI), and unable to act (`still`).
 */
export function UiThumbnail({ uiId, userId }: { uiId: string; userId: string }) {
  return <NearViewport>{() => <UiFrame uiId={uiId} userId={userId} />}</NearViewport>;
}

/** The same for a template card: the template's module with the starter prompt. */
export function TemplateThumbnail({ template, userId }: { template: { id: string; name: string }; userId: string }) {
  return <NearViewport>{() => <TemplateFrame template={template} userId={userId} />}</NearViewport>;
}

/**
 * The thumbnail's box; its content exists only while the box is near the viewport, so a long
 * page keeps a bounded number of frames (and their workers) alive however far it is scrolled.
 */
function NearViewport({ children }: { children: () => ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const seen = new IntersectionObserver((entries) => {
      const last = entries.at(-1);
      if (last) setVisible(last.isIntersecting);
    }, { rootMargin: NEAR });
    seen.observe(el);
    return () => seen.disconnect();
  }, []);
  return (
    <div ref={box} className="ui-thumbnail" aria-hidden="true" inert data-testid="ui-thumbnail">
      {visible && children()}
    </div>
  );
}

function UiFrame({ uiId, userId }: { uiId: string; userId: string }) {
  const { data, error } = useThumbnailInit(uiId);
  return <StillFrame init={data} failed={!!error} userId={userId} />;
}

function TemplateFrame({ template, userId }: { template: { id: string; name: string }; userId: string }) {
  const { data, error } = useTemplateThumbnailInit(template);
  return <StillFrame init={data} failed={!!error} userId={userId} />;
}

function StillFrame({ init, failed, userId }: { init: InitResult | undefined; failed: boolean; userId: string }) {
  if (failed) return <p className="muted ui-thumbnail-note">No preview</p>;
  if (!init) return null;
  return (
    <div className="ui-thumbnail-scaled" style={{ width: `${100 / SCALE}%`, transform: `scale(${SCALE})` }}>
      <SandboxFrame init={init} uiId={init.ui.id} name={init.ui.name} userId={userId} fill={false} still onRun={() => undefined} />
    </div>
  );
}
