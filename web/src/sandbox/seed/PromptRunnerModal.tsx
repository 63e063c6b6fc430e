// The seed's prompt runner modal: `usePromptRunnerModal()` holds its config, and
// `<PromptRunnerModal isOpen onClose {...config} />` runs the prompt (auto-run modes start at
// once) and streams the answer; `onExecutionComplete` gets the result. While it is open the frame
// asks the host to be shown as a modal over the page, so the dialog is never cut off by the
// frame's inline size; it returns to inline when it closes, and closes when the host returns the
// frame to inline (its close control, Escape).
import { useCallback, useEffect, useRef, useState } from "react";
import type { ExecutionMode, VariableValue } from "../../shared/protocol";
import { Markdown } from "../markdown";
import { requestDisplayMode, useDisplayMode } from "../displayMode";
import { usePrompt, type RunResult } from "../sdk";

export interface PromptRunnerConfig {
  promptData?: unknown;
  mode?: ExecutionMode;
  variables?: Record<string, VariableValue>;
  title?: string;
  initialMessage?: string;
  onExecutionComplete?: (result: RunResult) => void;
}

export function usePromptRunnerModal() {
  const [config, setConfig] = useState<PromptRunnerConfig | null>(null);
  const [isOpen, setIsOpen] = useState(false);
  const open = useCallback((c: PromptRunnerConfig) => {
    setConfig(c);
    setIsOpen(true);
  }, []);
  const close = useCallback(() => setIsOpen(false), []);
  return { isOpen, config, open, close };
}

export interface PromptRunnerModalProps extends PromptRunnerConfig {
  isOpen: boolean;
  onClose: () => void;
}

export function PromptRunnerModal({ isOpen, onClose, mode = "auto-run", variables, title, initialMessage, onExecutionComplete }: PromptRunnerModalProps) {
  const { run, cancel, text, status, error } = usePrompt();
  const [message, setMessage] = useState(initialMessage ?? "");
  const [turns, setTurns] = useState(0);
  const started = useRef(false);
  const auto = mode === "auto-run" || mode === "auto-run-one-shot";

  const go = useCallback(
    async (userInput?: string) => {
      setTurns((t) => t + 1);
      const result = await run({ variables: variables ?? {}, ...(userInput ? { userInput } : {}), continueRun: true });
      onExecutionComplete?.(result);
    },
    [run, variables, onExecutionComplete],
  );

  useEffect(() => {
    if (isOpen && auto && !started.current) {
      started.current = true;
      void go(initialMessage);
    }
    if (!isOpen) started.current = false;
  }, [isOpen, auto, go, initialMessage]);

  const busy = status === "running";
  const close = useCallback(() => {
    if (busy) cancel();
    onClose();
  }, [busy, cancel, onClose]);

  useEffect(() => {
    if (!isOpen) return;
    requestDisplayMode("modal").catch(() => undefined);
    return () => {
      requestDisplayMode("inline").catch(() => undefined);
    };
  }, [isOpen]);

  // Shown as a modal, then returned inline by the host: the user closed it there.
  const displayMode = useDisplayMode();
  const shownAsModal = useRef(false);
  useEffect(() => {
    if (!isOpen) shownAsModal.current = false;
    else if (displayMode === "modal") shownAsModal.current = true;
    else if (shownAsModal.current) {
      shownAsModal.current = false;
      close();
    }
  }, [isOpen, displayMode, close]);

  if (!isOpen) return null;
  const canFollowUp = mode !== "auto-run-one-shot" && !(auto && turns === 0);
  return (
    <div className="pd-modal-backdrop" role="presentation">
      <div className="pd-modal" role="dialog" aria-modal="true" aria-label={title ?? "Run prompt"}>
        <header className="pd-modal-head">
          <h2>{title ?? "Run prompt"}</h2>
          <button type="button" aria-label="Close" onClick={close}>×</button>
        </header>
        <div className="pd-modal-body">
          {text ? <Markdown content={text} isStreaming={busy} /> : busy ? <p className="pd-muted">Running…</p> : null}
          {error && <p role="alert">{error.message}</p>}
        </div>
        {canFollowUp && (
          <form
            className="pd-row"
            onSubmit={(e) => {
              e.preventDefault();
              const m = message.trim();
              setMessage("");
              void go(m || undefined);
            }}
          >
            <input aria-label="Message" value={message} onChange={(e) => setMessage(e.target.value)} placeholder={turns ? "Follow up" : "Message"} />
            <button type="submit" disabled={busy}>{turns ? "Send" : "Run"}</button>
          </form>
        )}
      </div>
    </div>
  );
}

export default PromptRunnerModal;
