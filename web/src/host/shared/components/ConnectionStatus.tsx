import { useSyncExternalStore } from "react";
import { connectionState, onConnectionChange, type ConnectionState } from "../../lib/socket";

const MESSAGES: Partial<Record<ConnectionState, string>> = {
  reconnecting: "Connection lost — reconnecting… Answers in progress continue where they stopped.",
  offline: "Cannot reach the server. Answers in progress are kept in their runs; the next run tries again.",
  "signed-out": "Your session has ended. Sign in again to run prompts.",
};

/**
 * The socket connection's state when it is not simply up: a polite live region that is always in
 * the page (so screen readers announce its changes) and empty while connected.
 */
export function ConnectionStatus() {
  const state = useSyncExternalStore(onConnectionChange, connectionState);
  const message = MESSAGES[state] ?? "";
  return (
    <div role="status" aria-live="polite" className={message ? "connection-status shown" : "connection-status"} data-state={state} data-testid="connection-status">
      {message}
    </div>
  );
}
