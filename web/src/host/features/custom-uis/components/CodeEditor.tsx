// CodeMirror 6 with TSX, HTML or JSON, and the server's validation issues as inline diagnostics.
// Only the lazily loaded editor pages import this file, so CodeMirror stays out of the first load.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { html } from "@codemirror/lang-html";
import { javascript } from "@codemirror/lang-javascript";
import { json } from "@codemirror/lang-json";
import { bracketMatching, defaultHighlightStyle, foldGutter, HighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { cspNonce } from "../../../lib/csp";
import type { ValidationIssue } from "../../../lib/types";

export type Language = "tsx" | "html" | "json";

// CodeMirror's default colours with the few that fail WCAG AA contrast on white (4.5:1)
// darkened (also on the active line's tinted background): orange, brown, red and the greens.
const DARKER: Record<string, string> = { "#e40": "#a93200", "#940": "#7a3a00", "#f00": "#c00000", "#085": "#006b43", "#167": "#105a68" };
const accessibleHighlightStyle = HighlightStyle.define(
  defaultHighlightStyle.specs.map((spec) => {
    const color = typeof spec.color === "string" ? DARKER[spec.color] : undefined;
    return color ? { ...spec, color } : spec;
  }),
);

function language(l: Language): Extension {
  if (l === "html") return html();
  if (l === "json") return json();
  return javascript({ jsx: true, typescript: true });
}

/** Issues (1-based line and column) as CodeMirror diagnostics inside the document. */
export function toDiagnostics(state: EditorState, issues: ValidationIssue[]): Diagnostic[] {
  return issues.map((i) => {
    const lineNo = Math.min(Math.max(i.line, 1), state.doc.lines);
    const line = state.doc.line(lineNo);
    const from = Math.min(line.from + Math.max(i.column - 1, 0), line.to);
    const to = from < line.to ? Math.min(line.to, from + Math.max(1, wordLength(line.text, from - line.from))) : from;
    return { from, to, severity: "error", source: i.rule, message: i.message };
  });
}

function wordLength(text: string, at: number): number {
  const m = /^[\w$@/.-]+/.exec(text.slice(at));
  return m ? m[0].length : 1;
}

export interface CodeEditorHandle {
  goTo: (line: number, column: number) => void;
}

export function CodeEditor({
  value,
  onChange,
  lang,
  label,
  issues = [],
  minHeight = "12em",
  handle,
}: {
  value: string;
  onChange: (v: string) => void;
  lang: Language;
  label: string;
  issues?: ValidationIssue[];
  minHeight?: string;
  handle?: (h: CodeEditorHandle | null) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const langSlot = useRef(new Compartment());
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          history(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          autocompletion(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          syntaxHighlighting(accessibleHighlightStyle, { fallback: true }),
          lintGutter(),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
          langSlot.current.of(language(lang)),
          EditorView.cspNonce.of(cspNonce()),
          EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true" }),
          EditorView.theme({ "&": { minHeight }, ".cm-scroller": { minHeight, fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace" } }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChangeRef.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    handle?.({
      goTo: (line, column) => {
        const l = v.state.doc.line(Math.min(Math.max(line, 1), v.state.doc.lines));
        const pos = Math.min(l.from + Math.max(column - 1, 0), l.to);
        v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
        v.focus();
      },
    });
    return () => {
      handle?.(null);
      v.destroy();
      view.current = null;
    };
    // The view is created once; value, language and issues are synced by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: langSlot.current.reconfigure(language(lang)) });
  }, [lang]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, toDiagnostics(v.state, issues)));
  }, [issues]);

  return <div ref={host} className="code-editor" data-lang={lang} />;
}
