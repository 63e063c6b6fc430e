// `createAndSubmitTask` as the seed documents it: `direct_chat` with the component's own
// chat_config, tagged with this UI by the host, which allows only the prompt's model.
import { FrameMethods, type JsonObject } from "../../shared/protocol";
import { refusalOf, request } from "../bridge";
import { failTask } from "../tasks";
import { runOfTask } from "./runs";

export interface SubmitTaskArgs {
  service: string;
  taskName: string;
  taskData: { chat_config?: JsonObject; [key: string]: unknown };
  customTaskId?: string;
}

export interface SubmitResult {
  taskId: string;
  runId: string;
  listenerIds: string[];
}

type Unwrappable<T> = Promise<T> & { unwrap: () => Promise<T> };

export function createAndSubmitTask(args: SubmitTaskArgs) {
  return (): Unwrappable<SubmitResult> => {
    const run = async (): Promise<SubmitResult> => {
      if (args.service !== "chat_service" || args.taskName !== "direct_chat") {
        throw new Error(`only chat_service/direct_chat can be submitted from a custom UI (got ${args.service}/${args.taskName})`);
      }
      const chatConfig = args.taskData.chat_config;
      if (!chatConfig || typeof chatConfig !== "object") throw new Error("taskData.chat_config is required");
      const params: JsonObject = { chatConfig };
      if (args.customTaskId) params.taskId = args.customTaskId;
      const runId = (args.taskData.run_id as string | undefined) ?? (args.customTaskId ? runOfTask(args.customTaskId) : undefined);
      if (runId) params.runId = runId;
      try {
        const r = await request<{ taskId: string; runId: string }>(FrameMethods.chatSubmit, params);
        return { ...r, listenerIds: [`response-${r.taskId}`] };
      } catch (err) {
        if (args.customTaskId) {
          const refusal = refusalOf(err);
          failTask(args.customTaskId, refusal.code, refusal.message);
        }
        throw err;
      }
    };
    const p = run() as Unwrappable<SubmitResult>;
    p.unwrap = () => p;
    // A dispatched thunk that nobody awaits must not report an unhandled rejection twice.
    p.catch(() => undefined);
    return p;
  };
}
