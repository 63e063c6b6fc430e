import { useCallback, useState } from "react";
import { errorOf, isEnd, Services, submitTask, Tasks } from "../../../lib/socket";
import type { RunWithTasks } from "../../../lib/types";

/** Continues a recorded run: the whole history plus a new user message, as a `direct_chat` in the same run. */
export function useContinue(run: RunWithTasks, modelId: string, onDone: () => void) {
  const [text, setText] = useState("");
  const [status, setStatus] = useState<"idle" | "running" | "done" | "error">("idle");
  const [error, setError] = useState<string | null>(null);
  const send = useCallback(
    async (message: string) => {
      setText("");
      setError(null);
      setStatus("running");
      const messages = [...run.messages.map((m) => ({ role: m.role, content: m.content })), { role: "user", content: message }];
      try {
        await submitTask(
          Services.chat,
          Tasks.directChat,
          { chat_config: { ...(run.settings ?? {}), model_id: modelId, messages, stream: true }, run_id: run.id },
          (e) => {
            if (typeof e === "string") return setText((t) => t + e);
            const err = errorOf(e);
            if (err) {
              setError(err.message || "the model failed");
              setStatus("error");
            }
            if (isEnd(e)) {
              setStatus((s) => (s === "running" ? "done" : s));
              onDone();
            }
          },
        );
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
        setStatus("error");
      }
    },
    [run, modelId, onDone],
  );
  return { text, status, error, send };
}
