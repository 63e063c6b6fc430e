// Follows a fast-changing value at most about once per animation frame: a streamed answer changes
// with every chunk (a fast model sends 1,000 or more a second), the screen only 60 times a second.
// A value that changes less often than that shows at once. The update is a transition: React
// renders it in slices of a few milliseconds, yielding to the page in between, so a frame's
// worth of markdown (or KaTeX or highlighting arriving for many blocks) never makes one long task.
import { startTransition, useEffect, useRef, useState } from "react";

/** One frame at 60 Hz. */
const FRAME_MS = 16;
/**
 * A frame whose iframe is off screen may get no animation frames at all, so a timer shows the
 * value after this long anyway.
 */
const FALLBACK_MS = 100;

/** `value`, updated at most about once per animation frame (at once when the last update is a frame old). */
export function useFrameValue<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const lastShown = useRef(0);
  const due = useRef<{ frame: number | null; timer: ReturnType<typeof setTimeout> } | null>(null);

  useEffect(() => {
    latest.current = value;
    if (due.current) return;
    const flush = () => {
      if (due.current) {
        if (due.current.frame !== null) cancelAnimationFrame(due.current.frame);
        clearTimeout(due.current.timer);
      }
      due.current = null;
      lastShown.current = performance.now();
      const next = latest.current;
      startTransition(() => setShown(next));
    };
    due.current =
      performance.now() - lastShown.current >= FRAME_MS
        ? { frame: null, timer: setTimeout(flush, 0) }
        : { frame: requestAnimationFrame(flush), timer: setTimeout(flush, FALLBACK_MS) };
  }, [value]);

  useEffect(
    () => () => {
      if (due.current) {
        if (due.current.frame !== null) cancelAnimationFrame(due.current.frame);
        clearTimeout(due.current.timer);
      }
      due.current = null;
    },
    [],
  );
  return shown;
}
