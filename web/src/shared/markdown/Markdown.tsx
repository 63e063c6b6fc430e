// Markdown that renders while streaming: remend (Streamdown's healer for unterminated
// markdown) closes half-written emphasis, links, code fences and math before each render (see
// heal.ts), and react-markdown with GFM renders the result. KaTeX and highlighting load only when an answer
// needs them. Code blocks get a copy button, HTML blocks a preview in a nested sandbox, and the
// whole answer an optional full-screen editor with an edit callback. Images never load on their
// own: only inline data shows, any other image is a link (images.ts).
import { Children, isValidElement, memo, useEffect, useMemo, useState, type ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { healStreaming } from "./heal";
import { markdownUrl, rehypeImages } from "./images";
import { linkOpener, safeHref } from "./links";
import { needsHighlight, needsMath } from "./plugins";

type Plugin = NonNullable<Parameters<typeof ReactMarkdown>[0]["remarkPlugins"]>[number];

let copyHandler: (text: string) => Promise<void> = (text) => navigator.clipboard.writeText(text);

/** Sets how code is copied (the sandbox copies through the host bridge). */
export function setCopyHandler(fn: (text: string) => Promise<void>): void {
  copyHandler = fn;
}

interface Loaded {
  remark: Plugin[];
  rehype: Plugin[];
}
/** Rehype plugins every rendering runs, before the optional ones. */
const BASE_REHYPE: Plugin[] = [rehypeImages as Plugin];

let mathPlugins: Promise<Loaded> | null = null;
let highlightPlugins: Promise<Loaded> | null = null;

// When a chunk fails to load, the answer renders without it (and a later answer tries again).
const NONE: Loaded = { remark: [], rehype: [] };

function loadMath(): Promise<Loaded> {
  mathPlugins ??= import("./math").then(
    (m) => ({ remark: [m.remarkMath as Plugin], rehype: [m.rehypeMath as Plugin] }),
    () => {
      mathPlugins = null;
      return NONE;
    },
  );
  return mathPlugins;
}
function loadHighlight(): Promise<Loaded> {
  highlightPlugins ??= import("./highlight").then((m) => ({
    remark: [],
    rehype: [[m.rehypeHighlight, { detect: false, ignoreMissing: true }] as unknown as Plugin],
  }));
  return highlightPlugins;
}

/** The plugins `text` needs, as far as they have loaded; `pending` while math is needed but not there yet. */
function useOptionalPlugins(text: string): Loaded & { math: boolean; pending: boolean } {
  const math = needsMath(text);
  const code = needsHighlight(text);
  const [loaded, setLoaded] = useState<{ math?: Loaded; code?: Loaded }>({});
  useEffect(() => {
    let live = true;
    if (math && !loaded.math) void loadMath().then((m) => live && setLoaded((l) => ({ ...l, math: m })));
    if (code && !loaded.code) loadHighlight().then((c) => live && setLoaded((l) => ({ ...l, code: c })), () => undefined);
    return () => {
      live = false;
    };
  }, [math, code, loaded.math, loaded.code]);
  return {
    math: Boolean(loaded.math),
    pending: math && !loaded.math,
    remark: [...(loaded.math?.remark ?? [])],
    rehype: [...(loaded.math?.rehype ?? []), ...(loaded.code?.rehype ?? [])],
  };
}

function textOf(node: ReactNode): string {
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (isValidElement<{ children?: ReactNode }>(node)) return textOf(node.props.children);
  return "";
}

function CodeBlock({ children, hideCopyButton }: { children: ReactNode; hideCopyButton?: boolean }) {
  const [copied, setCopied] = useState(false);
  const [preview, setPreview] = useState(false);
  const child = Children.toArray(children)[0];
  const className = isValidElement<{ className?: string }>(child) ? (child.props.className ?? "") : "";
  const language = /language-([\w-]+)/.exec(className)?.[1] ?? "";
  const code = textOf(children).replace(/\n$/, "");
  const isHtml = language === "html" || language === "svg";
  return (
    <div className="pd-code">
      <div className="pd-code-bar">
        <span className="pd-code-lang">{language}</span>
        {isHtml && (
          <button type="button" className="pd-code-btn" onClick={() => setPreview((p) => !p)}>
            {preview ? "Code" : "Preview"}
          </button>
        )}
        {!hideCopyButton && (
          <button
            type="button"
            className="pd-code-btn"
            aria-label="Copy code"
            onClick={() => {
              copyHandler(code).then(
                () => {
                  setCopied(true);
                  setTimeout(() => setCopied(false), 1500);
                },
                () => undefined,
              );
            }}
          >
            {copied ? "Copied" : "Copy"}
          </button>
        )}
      </div>
      {preview ? (
        <iframe className="pd-html-preview" title="HTML preview" sandbox="" srcDoc={code} referrerPolicy="no-referrer" />
      ) : (
        <pre>{children}</pre>
      )}
    </div>
  );
}

export interface MarkdownProps {
  content: string;
  isStreaming?: boolean;
  className?: string;
  hideCopyButton?: boolean;
  allowFullScreenEditor?: boolean;
  onContentChange?: (content: string) => void;
}

/** Renders markdown, also while it is still streaming in. */
export const Markdown = memo(function Markdown({
  content,
  isStreaming = false,
  className,
  hideCopyButton,
  allowFullScreenEditor,
  onContentChange,
}: MarkdownProps) {
  const text = typeof content === "string" ? content : "";
  const healed = useMemo(() => (isStreaming ? healStreaming(text) : text), [text, isStreaming]);
  const plugins = useOptionalPlugins(text);
  // Until KaTeX has loaded, math would show as raw `$$…$$`: keep showing what was rendered last.
  const [ready, setReady] = useState(plugins.pending ? "" : healed);
  if (!plugins.pending && ready !== healed) setReady(healed);
  const shown = plugins.pending ? ready : healed;
  const [editing, setEditing] = useState(false);
  const components = useMemo<Components>(
    () => ({
      pre: ({ children }) => <CodeBlock hideCopyButton={hideCopyButton}>{children}</CodeBlock>,
      a: MarkdownLink,
    }),
    [hideCopyButton],
  );
  return (
    <div className={`pd-markdown${className ? ` ${className}` : ""}`} data-streaming={isStreaming ? "true" : "false"}>
      {(allowFullScreenEditor || onContentChange) && !isStreaming && (
        <button type="button" className="pd-edit-btn" onClick={() => setEditing(true)}>
          Edit
        </button>
      )}
      <ReactMarkdown remarkPlugins={[remarkGfm, ...plugins.remark]} rehypePlugins={[...BASE_REHYPE, ...plugins.rehype]} components={components} urlTransform={markdownUrl}>
        {shown}
      </ReactMarkdown>
      {editing && (
        <FullScreenEditor
          initial={text}
          onCancel={() => setEditing(false)}
          onSave={(next) => {
            setEditing(false);
            onContentChange?.(next);
          }}
        />
      )}
    </div>
  );
});

/** A link of an answer: live only for http(s) URLs, opened in a new tab (through the host inside a frame). */
function MarkdownLink({ href, title, className, children }: { href?: string; title?: string; className?: string; children?: ReactNode }) {
  const url = safeHref(href);
  // Not a live link: an anchor without href, so the element stays the same once a streaming link completes.
  if (!url) return <a className={className ? `pd-link-inert ${className}` : "pd-link-inert"}>{children}</a>;
  return (
    <a
      href={url}
      {...(title ? { title } : {})}
      {...(className ? { className } : {})}
      target="_blank"
      rel="noopener noreferrer nofollow"
      onClick={(e) => {
        const open = linkOpener();
        if (!open) return;
        e.preventDefault();
        open(url);
      }}
    >
      {children}
    </a>
  );
}

const editorComponents: Components = { a: MarkdownLink };

function FullScreenEditor({ initial, onSave, onCancel }: { initial: string; onSave: (s: string) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState(initial);
  const plugins = useOptionalPlugins(draft);
  return (
    <div className="pd-editor" role="dialog" aria-label="Edit answer">
      <div className="pd-editor-panes">
        <textarea aria-label="Markdown source" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <div className="pd-editor-preview">
          <ReactMarkdown remarkPlugins={[remarkGfm, ...plugins.remark]} rehypePlugins={[...BASE_REHYPE, ...plugins.rehype]} components={editorComponents} urlTransform={markdownUrl}>
            {draft}
          </ReactMarkdown>
        </div>
      </div>
      <div className="pd-editor-bar">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" onClick={() => onSave(draft)}>Save</button>
      </div>
    </div>
  );
}
