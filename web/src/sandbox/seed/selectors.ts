// The seed's socket response selectors.
import type { RootState } from "./store";

export const selectPrimaryResponseTextByTaskId = (state: RootState, taskId: string): string => state.tasks[taskId]?.text ?? "";
export const selectPrimaryResponseEndedByTaskId = (state: RootState, taskId: string): boolean => state.tasks[taskId]?.ended ?? false;
export const selectPrimaryResponseDataByTaskId = (state: RootState, taskId: string) => state.tasks[taskId]?.data ?? [];
export const selectPrimaryResponseInfoByTaskId = (state: RootState, taskId: string) => state.tasks[taskId]?.info ?? null;
export const selectPrimaryResponseErrorsByTaskId = (state: RootState, taskId: string) => {
  const e = state.tasks[taskId]?.error;
  return e ? [e] : [];
};
export const selectPrimaryResponseToolUpdatesByTaskId = (state: RootState, taskId: string) => state.tasks[taskId]?.toolUpdates ?? [];
