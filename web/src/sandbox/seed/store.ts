// The seed's Redux-shaped store, as far as custom UIs use it: `useAppDispatch` dispatches
// thunks (with `.unwrap()`), `useAppSelector` reads the socket response state.
import { useSyncExternalStore } from "react";
import { getTasks, subscribeTasks, type TasksSnapshot } from "../tasks";

export type RootState = TasksSnapshot;
type Thunk<R> = (dispatch: AppDispatch, getState: () => RootState) => R;
export type AppDispatch = <R>(action: Thunk<R> | { type: string }) => R | { type: string };

const dispatch: AppDispatch = (action) => {
  if (typeof action === "function") return action(dispatch, getTasks);
  return action;
};

export function useAppDispatch(): AppDispatch {
  return dispatch;
}

export function useAppSelector<T>(selector: (state: RootState) => T): T {
  return useSyncExternalStore(subscribeTasks, () => selector(getTasks()));
}
