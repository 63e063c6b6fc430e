// The SDK's `Markdown` as a component's worker renders it: a `<pd-markdown>` element the frame's
// runtime renders with the trusted markdown renderer (frame/markdownHost.tsx), fed by attributes;
// edits made in its full-screen editor come back as a `pd-contentchange` event.
import { createElement, memo, useEffect, useRef } from "react";
import { CONTENT_CHANGE_EVENT, MARKDOWN_ELEMENT } from "./wire";

export interface MarkdownProps {
  content: string;
  isStreaming?: boolean;
  className?: string;
  hideCopyButton?: boolean;
  allowFullScreenEditor?: boolean;
  onContentChange?: (content: string) => void;
}

/** Renders markdown, also while it is still streaming in. */
export const Markdown = memo(function Markdown({ content, isStreaming, className, hideCopyButton, allowFullScreenEditor, onContentChange }: MarkdownProps) {
  const ref = useRef<HTMLElement>(null);
  const onChange = useRef(onContentChange);
  onChange.current = onContentChange;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const listener = (e: Event) => {
      const detail = (e as CustomEvent<{ content?: unknown }>).detail;
      if (typeof detail?.content === "string") onChange.current?.(detail.content);
    };
    el.addEventListener(CONTENT_CHANGE_EVENT, listener);
    return () => el.removeEventListener(CONTENT_CHANGE_EVENT, listener);
  }, []);
  return createElement(MARKDOWN_ELEMENT, {
    ref,
    text: typeof content === "string" ? content : "",
    streaming: String(Boolean(isStreaming)),
    "hide-copy": String(Boolean(hideCopyButton)),
    editor: String(Boolean(allowFullScreenEditor)),
    editable: String(Boolean(onContentChange)),
    ...(className ? { "markdown-class": className } : {}),
  });
});
