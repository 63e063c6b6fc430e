// Markdown that renders while streaming: remend (Streamdown's healer for unterminated
// markdown) closes half-written emphasis, links, code fences and math in the last block before
// each render (see heal.ts), and react-markdown with GFM renders the result. A streamed answer
// renders at most once per animation frame, block by block (blocks.ts): every block before the
// last is finished, so it is memoised and only the last one is parsed and rendered again. KaTeX
// and highlighting load only when an answer needs them. Code blocks get a copy button, HTML
// blocks a preview in a nested sandbox, and the whole answer an optional full-screen editor with
// an edit callback. Images never load on their own: only inline data shows, any other image is
// a link (images.ts).
import { Children, isValidElement, memo, useEffect, useMemo, useState, type ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import { BASE_SYNTAX, BlockSplitter, type BlockSyntax } from "./blocks";
import { useFrameValue } from "./frameValue";
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
  /** Syntax the block splitter must know for these plugins (math). */
  syntax?: BlockSyntax;
}
/** Rehype plugins every rendering runs, before the optional ones. */
const BASE_REHYPE: Plugin[] = [rehypeImages as Plugin];

let mathPlugins: Promise<Loaded> | null = null;
let highlightPlugins: Promise<Loaded> | null = null;

// When a chunk fails to load, the answer renders without it (and a later answer tries again).
const NONE: Loaded = { remark: [], rehype: [] };

function loadMath(): Promise<Loaded> {
  mathPlugins ??= import("./math").then(
    (m) => ({ remark: [m.remarkMath as Plugin], rehype: [m.rehypeMath as Plugin], syntax: m.mathSyntax }),
    () => {
      mathPlugins = null;
      return NONE;
    },
  );
  return mathPlugins;
}
const HIGHLIGHT_OPTIONS = { detect: false, ignoreMissing: true };

/** The languages of the first few code fences of `text`. */
function fenceLanguages(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:^|\n) {0,3}(?:```|~~~)[ \t]*([\w+#.-]{1,32})/g)) {
    if (m[1]) found.add(m[1].toLowerCase());
    if (found.size >= 4) break;
  }
  return [...found];
}

/** Highlighting, set up for `text`'s languages. */
function loadHighlight(text: string): Promise<Loaded> {
  highlightPlugins ??= import("./highlight").then(async (m) => {
    // Setting the highlighter up (registering highlight.js's common grammars, compiling the
    // grammars the answer uses) takes tasks of its own rather than the first render that
    // highlights, which would otherwise be one long task.
    await new Promise((resolve) => setTimeout(resolve, 0));
    m.rehypeHighlight(HIGHLIGHT_OPTIONS);
    await m.warmLanguages(HIGHLIGHT_OPTIONS, fenceLanguages(text));
    return { remark: [], rehype: [[m.rehypeHighlight, HIGHLIGHT_OPTIONS] as unknown as Plugin] };
  });
  return highlightPlugins;
}

/** The plugins one rendering runs (stable arrays, so memoised blocks stay memoised). */
interface PluginSet {
  remark: Plugin[];
  rehype: Plugin[];
}

/** What renderings need: a plugin set per kind of block, and the syntax the split must know. */
interface Plugins {
  /** Every plugin loaded so far (the editor's preview, which renders the text whole). */
  all: PluginSet;
  /** The set for one block: a block without code or math keeps the same set when highlighting or
   * KaTeX arrives, so it is not rendered again then. */
  forBlock: (source: string) => PluginSet;
  syntax: BlockSyntax;
  /** Math is needed but KaTeX has not loaded yet. */
  pending: boolean;
}

function pluginSet(math: Loaded | undefined, code: Loaded | undefined): PluginSet {
  return {
    remark: [remarkGfm as Plugin, ...(math?.remark ?? [])],
    rehype: [...BASE_REHYPE, ...(math?.rehype ?? []), ...(code?.rehype ?? [])],
  };
}

/** The plugins `text` needs, as far as they have loaded. */
function useOptionalPlugins(text: string): Plugins {
  const math = useMemo(() => needsMath(text), [text]);
  const code = useMemo(() => needsHighlight(text), [text]);
  const [loaded, setLoaded] = useState<{ math?: Loaded; code?: Loaded }>({});
  // The text when highlighting is first needed (its code fences name the grammars to prepare).
  const [codeText, setCodeText] = useState<string | null>(null);
  if (code && codeText === null) setCodeText(text);
  useEffect(() => {
    let live = true;
    if (math && !loaded.math) void loadMath().then((m) => live && setLoaded((l) => ({ ...l, math: m })));
    if (codeText !== null && !loaded.code) loadHighlight(codeText).then((c) => live && setLoaded((l) => ({ ...l, code: c })), () => undefined);
    return () => {
      live = false;
    };
  }, [math, codeText, loaded.math, loaded.code]);
  const pending = math && !loaded.math;
  const base = useMemo(() => pluginSet(undefined, undefined), []);
  const withMath = useMemo(() => pluginSet(loaded.math, undefined), [loaded.math]);
  const withCode = useMemo(() => pluginSet(undefined, loaded.code), [loaded.code]);
  const all = useMemo(() => pluginSet(loaded.math, loaded.code), [loaded.math, loaded.code]);
  return useMemo(
    () => ({
      all,
      forBlock: (source: string) => {
        const m = needsMath(source);
        const c = needsHighlight(source);
        return m && c ? all : m ? withMath : c ? withCode : base;
      },
      syntax: loaded.math?.syntax ?? BASE_SYNTAX,
      pending,
    }),
    [all, withMath, withCode, base, loaded.math, pending],
  );
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

/** One top-level block; `heal` when it is the last block of a streaming answer. */
const Block = memo(function Block({ source, heal, plugins, components }: { source: string; heal: boolean; plugins: PluginSet; components: Components }) {
  return (
    <ReactMarkdown remarkPlugins={plugins.remark} rehypePlugins={plugins.rehype} components={components} urlTransform={markdownUrl}>
      {heal ? healStreaming(source) : source}
    </ReactMarkdown>
  );
});

interface Shown {
  text: string;
  streaming: boolean;
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
  // The text and whether it is still streaming change together, once per frame at most.
  const latest = useMemo<Shown>(() => ({ text, streaming: isStreaming }), [text, isStreaming]);
  const shown = useFrameValue(latest);
  const plugins = useOptionalPlugins(shown.text);
  // Until KaTeX has loaded, math would show as raw `$$…$$`: keep showing what was rendered last.
  const [ready, setReady] = useState<Shown>(plugins.pending ? { text: "", streaming: shown.streaming } : shown);
  if (!plugins.pending && ready !== shown) setReady(shown);
  const view = plugins.pending ? ready : shown;
  const [splitter] = useState(() => new BlockSplitter());
  const blocks = useMemo(() => splitter.split(view.text, plugins.syntax), [splitter, view.text, plugins.syntax]);
  const [editing, setEditing] = useState(false);
  const components = useMemo<Components>(
    () => ({
      pre: ({ children }) => <CodeBlock hideCopyButton={hideCopyButton}>{children}</CodeBlock>,
      a: MarkdownLink,
    }),
    [hideCopyButton],
  );
  // The same elements between frames: a chunk that arrives between two frames re-renders nothing.
  const rendered = useMemo(
    () =>
      blocks.map((source, i) => (
        <Block key={i} source={source} heal={view.streaming && i === blocks.length - 1} plugins={plugins.forBlock(source)} components={components} />
      )),
    [blocks, view.streaming, plugins, components],
  );
  return (
    <div className={`pd-markdown${className ? ` ${className}` : ""}`} data-streaming={shown.streaming ? "true" : "false"}>
      {(allowFullScreenEditor || onContentChange) && !shown.streaming && (
        <button type="button" className="pd-edit-btn" onClick={() => setEditing(true)}>
          Edit
        </button>
      )}
      {rendered}
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
          <ReactMarkdown remarkPlugins={plugins.all.remark} rehypePlugins={plugins.all.rehype} components={editorComponents} urlTransform={markdownUrl}>
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
