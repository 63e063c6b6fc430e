// Follows a fast-changing value at most once per animation frame: a streamed answer changes with
// every chunk (a fast model sends 1,000 or more a second), the screen only 60 times a second.
import { useEffect, useRef, useState } from "react";

/**
 * The latest value once a frame is due. A frame whose iframe is off screen may get no animation
 * frames at all, so a timer shows the value after this long anyway.
 */
const FALLBACK_MS = 100;

/** `value`, updated at most once per animation frame (the first value at once). */
export function useFrameValue<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const due = useRef<{ frame: number; timer: ReturnType<typeof setTimeout> } | null>(null);

  useEffect(() => {
    latest.current = value;
    if (due.current) return;
    const flush = () => {
      if (due.current) {
        cancelAnimationFrame(due.current.frame);
        clearTimeout(due.current.timer);
      }
      due.current = null;
      setShown(latest.current);
    };
    due.current = { frame: requestAnimationFrame(flush), timer: setTimeout(flush, FALLBACK_MS) };
  }, [value]);

  useEffect(
    () => () => {
      if (due.current) {
        cancelAnimationFrame(due.current.frame);
        clearTimeout(due.current.timer);
      }
      due.current = null;
    },
    [],
  );
  return shown;
}
