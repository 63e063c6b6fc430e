// Template UIs: the server's sanitised HTML with `{{name}}` bindings, form fields named after
// variables bound to them, a submit button that runs the prompt, and `{{response}}` (or an
// `<output>` element) showing the streamed answer as markdown.
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { Markdown } from "../../shared/markdown/Markdown";
import { context } from "../context";
import { useFrameRun } from "./useFrameRun";

const BINDING = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;
type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** Replaces `{{name}}` in text nodes with spans the runtime fills; returns the response slots. */
function bind(root: HTMLElement): HTMLElement[] {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  while (walker.nextNode()) nodes.push(walker.currentNode as Text);
  for (const node of nodes) {
    const text = node.data;
    if (!BINDING.test(text)) continue;
    BINDING.lastIndex = 0;
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const m of text.matchAll(BINDING)) {
      frag.append(text.slice(last, m.index));
      const name = m[1] ?? "";
      const el = document.createElement(name === "response" ? "div" : "span");
      el.dataset[name === "response" ? "pdResponse" : "pdVar"] = name;
      frag.append(el);
      last = (m.index ?? 0) + m[0].length;
    }
    frag.append(text.slice(last));
    node.replaceWith(frag);
  }
  return [...root.querySelectorAll<HTMLElement>("[data-pd-response], output")];
}

function fieldValue(f: Field): string {
  if (f instanceof HTMLInputElement && f.type === "checkbox") return f.checked ? f.value || "true" : "";
  return f.value;
}

export function TemplateUi({ html }: { html: string }) {
  const ctx = context();
  const host = useRef<HTMLDivElement>(null);
  const [slots, setSlots] = useState<HTMLElement[]>([]);
  const values = useRef<Record<string, string>>({ ...ctx.variables });
  const { submit, text, running, error, locked } = useFrameRun();
  const lockedRef = useRef(locked);
  lockedRef.current = locked;
  const [message, setMessage] = useState("");

  useLayoutEffect(() => {
    const root = host.current;
    if (!root) return;
    root.innerHTML = html;
    const responseSlots = bind(root);
    const fields = [...root.querySelectorAll<Field>("input[name], textarea[name], select[name]")];
    const show = () => {
      root.querySelectorAll<HTMLElement>("[data-pd-var]").forEach((el) => {
        el.textContent = values.current[el.dataset.pdVar ?? ""] ?? "";
      });
    };
    for (const f of fields) {
      const v = values.current[f.name];
      if (v !== undefined) {
        if (f instanceof HTMLInputElement && (f.type === "checkbox" || f.type === "radio")) f.checked = f.value === v || (f.type === "checkbox" && v === "true");
        else f.value = v;
      } else if (!(f instanceof HTMLInputElement && f.type === "radio")) values.current[f.name] = fieldValue(f);
      const update = () => {
        if (f instanceof HTMLInputElement && f.type === "radio" && !f.checked) return;
        values.current[f.name] = fieldValue(f);
        show();
      };
      f.addEventListener("input", update);
      f.addEventListener("change", update);
    }
    show();
    const run = (e: Event) => {
      e.preventDefault();
      if (lockedRef.current) return;
      void submit({ ...values.current });
    };
    root.querySelectorAll("form").forEach((form) => form.addEventListener("submit", run));
    const buttons = [...root.querySelectorAll<HTMLButtonElement>("button")].filter((b) => !b.closest("form") && b.type !== "reset");
    buttons.forEach((b) => b.addEventListener("click", run));
    setSlots(responseSlots);
  }, [html, submit]);

  useEffect(() => {
    host.current?.querySelectorAll<HTMLButtonElement>("button, input[type=submit]").forEach((b) => {
      b.disabled = locked;
    });
  }, [locked]);

  useEffect(() => {
    if (ctx.autoRun) void submit({ ...values.current });
  }, [ctx.autoRun, submit]);

  const answer = <Markdown content={text} isStreaming={running} />;
  return (
    <div className="pd-template">
      <div ref={host} />
      {ctx.frameAcceptsInput && (
        <form
          className="pd-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (locked) return;
            void submit({ ...values.current }, message.trim() || undefined);
            setMessage("");
          }}
        >
          <input aria-label="Message" value={message} onChange={(e) => setMessage(e.target.value)} placeholder="Your message" />
          <button type="submit" disabled={locked}>Send</button>
        </form>
      )}
      {error && <p role="alert" className="pd-error">{error.message}</p>}
      {slots.length > 0 ? slots.map((slot, i) => createPortal(answer, slot, `slot-${i}`)) : text && <div className="pd-response">{answer}</div>}
    </div>
  );
}
