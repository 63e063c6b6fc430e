import { useEffect, useRef, useState } from "react";
import { useThumbnailInit } from "../api/runner";
import { SandboxFrame } from "./SandboxFrame";

/** The frame is drawn at twice the card's width and shown at half size. */
const SCALE = 0.5;

/** How far outside the viewport a thumbnail's frame is kept (loaded ahead, dropped behind). */
const NEAR = "400px";

/**
 * A live, still picture of a UI for gallery cards: its real frame, drawn at twice the card's width
 * and scaled down, inert and hidden from assistive technology (the card's own text names the UI),
 * and unable to act (`still`). Only thumbnails near the viewport hold a frame, so a long gallery
 * keeps a bounded number of frames (and their workers) alive however far it is scrolled.
 */
export function UiThumbnail({ uiId, userId }: { uiId: string; userId: string }) {
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
      {visible && <ThumbnailFrame uiId={uiId} userId={userId} />}
    </div>
  );
}

function ThumbnailFrame({ uiId, userId }: { uiId: string; userId: string }) {
  const { data: init, error } = useThumbnailInit(uiId);
  if (error) return <p className="muted ui-thumbnail-note">No preview</p>;
  if (!init) return null;
  return (
    <div className="ui-thumbnail-scaled" style={{ width: `${100 / SCALE}%`, transform: `scale(${SCALE})` }}>
      <SandboxFrame init={init} uiId={uiId} name={init.ui.name} userId={userId} fill={false} still onRun={() => undefined} />
    </div>
  );
}
