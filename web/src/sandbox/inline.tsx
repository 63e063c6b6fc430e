// Template and JSON-Schema UIs: runtime code only (the server's sanitised HTML, the schema's
// form), so they render on the frame's main thread with React. Loaded on demand.
import { Component, type ErrorInfo, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import type { InitResult } from "../shared/protocol";
import { setCopyHandler } from "../shared/markdown/Markdown";
import { setLinkHandler } from "../shared/markdown/links";
import { setContext } from "./context";
import { SchemaUi } from "./renderers/SchemaUi";
import { TemplateUi } from "./renderers/TemplateUi";
import { copyText, openLink } from "./sdk";

class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("promptdeck: the custom UI failed:", error, info.componentStack);
  }
  override render() {
    if (this.state.error) {
      return (
        <div role="alert" className="pd-error">
          <strong>This custom UI failed:</strong> {this.state.error.message}
        </div>
      );
    }
    return this.props.children;
  }
}

/** Renders a template or JSON-Schema UI into `root`. */
export function renderInline(init: InitResult, root: HTMLElement): void {
  setContext(init);
  setCopyHandler(copyText);
  setLinkHandler((url) => void openLink(url));
  const ui =
    init.module.kind === "template" ? <TemplateUi html={init.module.html} /> : init.module.kind === "json-schema" ? <SchemaUi schema={init.module.schema} /> : null;
  createRoot(root).render(<ErrorBoundary>{ui}</ErrorBoundary>);
}
