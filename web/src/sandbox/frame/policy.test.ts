import { describe, expect, it } from "vitest";
import { linkTarget, planAttribute, planElement, safeStyle } from "./policy";

describe("the mirror's element allow-list", () => {
  it("creates ordinary HTML and SVG elements", () => {
    expect(planElement("div", false, "pd-markdown")).toEqual({ kind: "html", name: "div" });
    expect(planElement("svg", false, "pd-markdown")).toEqual({ kind: "svg", name: "svg" });
    expect(planElement("linearGradient", true, "pd-markdown")).toEqual({ kind: "svg", name: "linearGradient" });
    expect(planElement("pd-markdown", false, "pd-markdown")).toEqual({ kind: "markdown" });
  });

  it("blocks what loads, runs or navigates", () => {
    for (const name of ["iframe", "IFRAME", "object", "embed", "meta", "base", "link", "script", "style", "frame", "portal", "video", "audio", "template"]) {
      expect(planElement(name, false, "pd-markdown").kind).toBe("blocked");
    }
    expect(planElement("image", true, "pd-markdown").kind).toBe("blocked");
    expect(planElement("use", true, "pd-markdown").kind).toBe("blocked");
    expect(planElement("foreignObject", true, "pd-markdown").kind).toBe("blocked");
  });

  it("shows unknown elements as spans", () => {
    expect(planElement("my-widget", false, "pd-markdown")).toEqual({ kind: "html", name: "span" });
  });
});

describe("the mirror's attribute allow-list", () => {
  it("keeps plain attributes, aria-* and data-*", () => {
    expect(planAttribute("div", false, "class", "a b")).toEqual({ kind: "set", name: "class", value: "a b" });
    expect(planAttribute("div", false, "aria-label", "x")).toEqual({ kind: "set", name: "aria-label", value: "x" });
    expect(planAttribute("div", false, "data-testid", "x")).toEqual({ kind: "set", name: "data-testid", value: "x" });
    expect(planAttribute("input", false, "placeholder", "x")).toEqual({ kind: "set", name: "placeholder", value: "x" });
    expect(planAttribute("svg", true, "viewBox", "0 0 1 1")).toEqual({ kind: "set", name: "viewBox", value: "0 0 1 1" });
  });

  it("drops handlers, form targets and URLs that load", () => {
    expect(planAttribute("div", false, "onclick", "x()")).toEqual({ kind: "drop" });
    expect(planAttribute("form", false, "action", "http://x/")).toEqual({ kind: "drop" });
    expect(planAttribute("button", false, "formaction", "http://x/")).toEqual({ kind: "drop" });
    expect(planAttribute("img", false, "src", "http://x/a.png")).toEqual({ kind: "drop" });
    expect(planAttribute("img", false, "srcset", "data:image/png;base64,AA 1x")).toEqual({ kind: "drop" });
    expect(planAttribute("img", false, "src", "data:image/png;base64,AA")).toEqual({ kind: "set", name: "src", value: "data:image/png;base64,AA" });
    expect(planAttribute("a", false, "target", "_top")).toEqual({ kind: "drop" });
    expect(planAttribute("svg", true, "href", "http://x/")).toEqual({ kind: "drop" });
    expect(planAttribute("rect", true, "fill", "url(http://x/#a)")).toEqual({ kind: "drop" });
    expect(planAttribute("rect", true, "fill", "url(#grad)")).toEqual({ kind: "set", name: "fill", value: "url(#grad)" });
    expect(planAttribute("div", false, "xlink:href", "http://x/")).toEqual({ kind: "drop" });
  });

  it("keeps a link's target aside, only for http(s)", () => {
    expect(planAttribute("a", false, "href", "https://example.com/x")).toEqual({ kind: "link", url: "https://example.com/x" });
    expect(planAttribute("a", false, "href", "javascript:alert(1)")).toEqual({ kind: "link", url: null });
    expect(linkTarget(" JavaScript:alert(1)")).toBeNull();
    expect(linkTarget("/relative")).toBeNull();
  });

  it("turns unknown input and button types into harmless ones", () => {
    expect(planAttribute("input", false, "type", "image")).toEqual({ kind: "set", name: "type", value: "text" });
    expect(planAttribute("input", false, "type", "file")).toEqual({ kind: "set", name: "type", value: "text" });
    expect(planAttribute("button", false, "type", "menu")).toEqual({ kind: "set", name: "type", value: "button" });
  });
});

describe("style text", () => {
  it("keeps style without anything that loads", () => {
    expect(safeStyle("color: red; margin: 0 auto")).toBe("color: red; margin: 0 auto");
  });

  it("refuses url(), image-set(), @import and escapes", () => {
    for (const css of ["background: url(http://x/)", "background: URL (x)", "background: image-set('http://x/' 1x)", "@import 'x'", "background: \\75 rl(x)", "background: u/**/rl(x)", "content: -webkit-image-set('x' 1x)"]) {
      expect(safeStyle(css)).toBeNull();
    }
  });
});
