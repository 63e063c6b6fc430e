import { useCallback, useEffect, useRef, useState } from "react";
import type { DisplayMode, InitResult } from "../../../../shared/protocol";
import { reportNavigation } from "../api/runner";
import { BridgeHost } from "../bridgeHost";
import { grantDisplayMode, userActedIn } from "../displayMode";
import { sandboxFrameUrl } from "../sandboxOrigin";

/** What the viewer reads when a frame loaded a second document and was stopped. */
const QUARANTINE_NOTICE =
  "This UI tried to load another page inside its frame, which could send what you typed or its answers elsewhere. " +
  "It was stopped and reported; until its owner publishes a new version it is out of the gallery.";

/**
 * The custom UI's frame: a document from the sandbox origin in `sandbox="allow-scripts"` (never
 * `allow-same-origin`), talking to the host through `BridgeHost` only. It is shown inline (sized
 * to its content), full screen or as a modal over the page, as the frame asks; Escape and the
 * host's close control bring it back inline. A frame that loads a second document is removed and
 * reported (navigation quarantine). `init` may still be loading: the frame's document, its
 * runtime and its worker load meanwhile, and the frame gets the UI when it arrives.
 */
export function SandboxFrame({
  init,
  uiId,
  name,
  userId,
  fill,
  still = false,
  onBridge,
  onRun,
}: {
  init: InitResult | Promise<InitResult>;
  uiId: string;
  /** The UI's name (the frame's title), once known. */
  name: string | undefined;
  userId: string;
  fill: boolean;
  /** A thumbnail: shown, never acting (see `BridgeOptions.still`). */
  still?: boolean;
  onBridge?: (b: BridgeHost | null) => void;
  onRun: (r: { taskId: string; runId: string }) => void;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const bridgeRef = useRef<BridgeHost | null>(null);
  const [height, setHeight] = useState(120);
  const [stopped, setStopped] = useState<string | null>(null);
  const [mode, setMode] = useState<DisplayMode>("inline");
  const modeRef = useRef<DisplayMode>("inline");
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  const onBridgeRef = useRef(onBridge);
  onBridgeRef.current = onBridge;

  const changeMode = useCallback((next: DisplayMode) => {
    if (modeRef.current === next) return;
    modeRef.current = next;
    setMode(next);
    bridgeRef.current?.displayModeChanged(next);
  }, []);

  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    let quarantined = false;
    const quarantine = (detail: string) => {
      if (quarantined) return;
      quarantined = true;
      bridge.dispose("the UI loaded another page in its frame and was stopped");
      // The frame goes away with its document: nothing more from it runs on this page.
      el.src = "about:blank";
      setStopped(QUARANTINE_NOTICE);
      reportNavigation(uiId, detail).catch((e: unknown) => console.warn("promptdeck: the navigation report failed:", e));
    };
    const bridge = new BridgeHost({
      frame: el,
      init,
      userId,
      // Only an inline frame is sized to its content: covering the page, its document is as tall as
      // the window, which says nothing of the height it needs back in the page.
      onResize: (h) => {
        if (modeRef.current === "inline") setHeight(h);
      },
      onRun: (r) => onRunRef.current(r),
      confirmLink: (url) => Promise.resolve(window.confirm(`This UI wants to open a link:\n\n${url}\n\nOpen it in a new tab?`)),
      onRefused: (reason) => console.warn("promptdeck bridge refused:", reason),
      requestDisplayMode: (requested) => {
        const granted = grantDisplayMode(requested, modeRef.current, userActedIn(el));
        changeMode(granted);
        return granted;
      },
      onNewDocument: () => quarantine("a second document asked to initialise the bridge"),
      still,
    });
    bridgeRef.current = bridge;
    onBridgeRef.current?.(bridge);
    let loads = 0;
    const onLoad = () => {
      loads += 1;
      // The runtime document loads once; a second load means the UI navigated its frame away.
      if (loads > 1) quarantine("the frame loaded a second document");
    };
    el.addEventListener("load", onLoad);
    return () => {
      el.removeEventListener("load", onLoad);
      bridge.dispose();
      bridgeRef.current = null;
      onBridgeRef.current?.(null);
    };
  }, [init, uiId, userId, changeMode, still]);

  // Escape on the page (the frame asks for inline itself on Escape inside it) leaves full screen and modal.
  useEffect(() => {
    if (mode === "inline") return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") changeMode("inline");
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [mode, changeMode]);

  if (stopped) return <p role="alert" className="error ui-quarantined">{stopped}</p>;
  const inlineHeight = fill ? "100%" : `${Math.max(height, 60)}px`;
  // The frame element is never re-created (that would load its document again): only its place changes.
  return (
    <div className={`ui-frame-slot display-${mode}`} style={{ height: inlineHeight }}>
      {mode === "fullscreen" && (
        <div className="ui-frame-bar">
          <span>{name}</span>
        </div>
      )}
      <iframe
        ref={frame}
        className="ui-frame"
        title={name ?? "Custom UI"}
        src={sandboxFrameUrl()}
        sandbox="allow-scripts"
        referrerPolicy="no-referrer"
        allow=""
        style={mode === "inline" ? { height: inlineHeight } : undefined}
      />
      {mode !== "inline" && (
        <button type="button" className="ui-frame-close" aria-label={mode === "fullscreen" ? "Exit full screen" : "Close"} onClick={() => changeMode("inline")}>
          {mode === "fullscreen" ? "Exit full screen" : "×"}
        </button>
      )}
    </div>
  );
}
