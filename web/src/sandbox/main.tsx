// The sandbox runtime: installs the module registry, asks the host for this UI
// (`ui/initialize`), applies the theme, renders the component (React module, template or
// JSON-Schema form) and reports its height to the host.
import { Component, createElement, type ComponentType, type ErrorInfo, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { FrameMethods, type InitResult } from "../shared/protocol";
import { setCopyHandler } from "../shared/markdown/Markdown";
import { setLinkHandler } from "../shared/markdown/links";
import "../shared/markdown/markdown.css";
import "./sandbox.css";
import { notify, request } from "./bridge";
import { context, setContext } from "./context";
import { installDisplayMode } from "./displayMode";
import { installFormSubmission } from "./forms";
import { install } from "./registry";
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

function applyTheme(theme: Record<string, string>) {
  for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
}

function reportHeight() {
  let last = -1;
  const send = () => {
    const h = Math.ceil(document.documentElement.scrollHeight);
    if (h !== last) {
      last = h;
      notify(FrameMethods.resize, { height: h });
    }
  };
  new ResizeObserver(send).observe(document.body);
  send();
}

async function loadComponent(init: InitResult): Promise<ComponentType<Record<string, unknown>>> {
  if (init.module.kind === "template") {
    const html = init.module.html;
    return () => <TemplateUi html={html} />;
  }
  if (init.module.kind === "json-schema") {
    const schema = init.module.schema;
    return () => <SchemaUi schema={schema} />;
  }
  const mod = (await import(/* @vite-ignore */ init.module.url)) as { default?: unknown };
  if (typeof mod.default !== "function" && typeof mod.default !== "object") throw new Error("the module has no default export");
  return mod.default as ComponentType<Record<string, unknown>>;
}

async function start() {
  install();
  installFormSubmission();
  installDisplayMode();
  setCopyHandler(copyText);
  setLinkHandler((url) => void openLink(url));
  const root = createRoot(document.getElementById("root") as HTMLElement);
  try {
    const init = await request<InitResult>(FrameMethods.initialize, {});
    setContext(init);
    applyTheme(init.theme);
    document.documentElement.dataset.componentType = init.ui.componentType;
    const Ui = await loadComponent(init);
    const props: Record<string, unknown> = { ...context().props, promptData: init.prompt, variables: init.variables };
    root.render(<ErrorBoundary>{createElement(Ui, props)}</ErrorBoundary>);
    document.documentElement.dataset.ready = "true";
  } catch (err) {
    root.render(
      <div role="alert" className="pd-error">
        <strong>This custom UI could not start:</strong> {err instanceof Error ? err.message : String(err)}
      </div>,
    );
  }
  reportHeight();
}

void start();
