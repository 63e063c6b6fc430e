// The module registry compiled components read: `globalThis.__promptdeck__.require(id)` returns
// the module object for each id the compiler allows (crates/compiler/src/react/modules.rs).
import * as React from "react";
import * as jsxRuntime from "react/jsx-runtime";
import { v4 } from "uuid";
import * as sdk from "./sdk";
import EnhancedChatMarkdown from "./seed/EnhancedChatMarkdown";
import { PromptRunnerModal, usePromptRunnerModal } from "./seed/PromptRunnerModal";
import { useAiRun } from "./seed/runs";
import * as selectors from "./seed/selectors";
import { useAppDispatch, useAppSelector } from "./seed/store";
import { createAndSubmitTask } from "./seed/thunks";

export const modules: Record<string, unknown> = {
  react: { ...React, default: React },
  "react/jsx-runtime": jsxRuntime,
  promptdeck: sdk,
  uuid: { v4 },
  "@/lib/redux/hooks": { useAppDispatch, useAppSelector },
  "@/lib/redux/socket-io/thunks/submitTaskThunk": { createAndSubmitTask },
  "@/lib/redux/socket-io/selectors/socket-response-selectors": selectors,
  "@/features/ai-runs/hooks/useAiRun": { useAiRun, default: useAiRun },
  "@/components/mardown-display/chat-markdown/EnhancedChatMarkdown": { default: EnhancedChatMarkdown, EnhancedChatMarkdown },
  "@/features/prompts/hooks/usePromptRunnerModal": { usePromptRunnerModal, default: usePromptRunnerModal },
  "@/features/prompts/components/modal/PromptRunnerModal": { PromptRunnerModal, default: PromptRunnerModal },
};

export function install(): void {
  const registry = Object.freeze({
    require(id: string): unknown {
      const m = modules[id];
      if (!m) throw new Error(`promptdeck: unknown module "${id}"`);
      return m;
    },
  });
  Object.defineProperty(globalThis, "__promptdeck__", { value: registry, writable: false, configurable: false });
}
