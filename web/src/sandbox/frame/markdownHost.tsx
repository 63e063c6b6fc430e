// The runtime's trusted markdown in the frame: each `<pd-markdown>` element a component renders
// in its worker becomes a React root here, fed by the element's attributes (`text`, `streaming`,
// `hide-copy`, `editor`, `editable`). Copy buttons and links go through the frame's bridge; an
// edit in the full-screen editor goes back to the worker as a `pd-contentchange` event.
// Loaded on demand, with React and the markdown renderer, the first time such an element shows.
import { createRoot, type Root } from "react-dom/client";
import { Markdown } from "../../shared/markdown/Markdown";
import { setCopyHandler } from "../../shared/markdown/Markdown";
import { setLinkHandler } from "../../shared/markdown/links";
import { copyText, openLink } from "../sdk";

setCopyHandler(copyText);
setLinkHandler((url) => void openLink(url));

const roots = new WeakMap<HTMLElement, Root>();

/** Renders (or re-renders) the markdown of `el`; `onEdit` receives the editor's text. */
export function renderMarkdown(el: HTMLElement, attrs: Record<string, string>, onEdit: (content: string) => void): void {
  let root = roots.get(el);
  if (!root) roots.set(el, (root = createRoot(el)));
  const flag = (name: string) => attrs[name] === "true";
  root.render(
    <Markdown
      content={attrs.text ?? ""}
      isStreaming={flag("streaming")}
      hideCopyButton={flag("hide-copy")}
      allowFullScreenEditor={flag("editor")}
      {...(attrs["markdown-class"] ? { className: attrs["markdown-class"] } : {})}
      {...(flag("editable") ? { onContentChange: onEdit } : {})}
    />,
  );
}

/** Unmounts the markdown of a removed element. */
export function unmountMarkdown(el: HTMLElement): void {
  roots.get(el)?.unmount();
  roots.delete(el);
}
