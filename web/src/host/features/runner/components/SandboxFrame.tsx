import { useEffect, useRef, useState } from "react";
import type { InitResult } from "../../../../shared/protocol";
import { BridgeHost } from "../bridgeHost";
import { sandboxOrigin } from "../sandboxOrigin";

/**
 * The custom UI's frame: a document from the sandbox origin in `sandbox="allow-scripts"` (never
 * `allow-same-origin`), talking to the host through `BridgeHost` only.
 */
export function SandboxFrame({
  init,
  userId,
  modelId,
  fill,
  onBridge,
  onRun,
}: {
  init: InitResult;
  userId: string;
  modelId: string | undefined;
  fill: boolean;
  onBridge?: (b: BridgeHost | null) => void;
  onRun: (r: { taskId: string; runId: string }) => void;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(120);
  const [stopped, setStopped] = useState<string | null>(null);
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  const onBridgeRef = useRef(onBridge);
  onBridgeRef.current = onBridge;

  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    const bridge = new BridgeHost({
      frame: el,
      init,
      userId,
      modelId,
      onResize: setHeight,
      onRun: (r) => onRunRef.current(r),
      confirmLink: (url) => Promise.resolve(window.confirm(`This UI wants to open a link:\n\n${url}\n\nOpen it in a new tab?`)),
      onRefused: (reason) => console.warn("promptdeck bridge refused:", reason),
    });
    onBridgeRef.current?.(bridge);
    let loads = 0;
    const onLoad = () => {
      loads += 1;
      // The runtime document loads once; a second load means the UI navigated its frame away.
      if (loads > 1) {
        const reason = "This UI navigated its frame away and was stopped.";
        bridge.dispose(reason);
        setStopped(reason);
      }
    };
    el.addEventListener("load", onLoad);
    return () => {
      el.removeEventListener("load", onLoad);
      bridge.dispose();
      onBridgeRef.current?.(null);
    };
  }, [init, userId, modelId]);

  if (stopped) return <p role="alert" className="error">{stopped}</p>;
  return (
    <iframe
      ref={frame}
      className="ui-frame"
      title={init.ui.name}
      src={`${sandboxOrigin()}/frame`}
      sandbox="allow-scripts"
      referrerPolicy="no-referrer"
      allow=""
      style={fill ? { height: "100%" } : { height: `${Math.max(height, 60)}px` }}
    />
  );
}
