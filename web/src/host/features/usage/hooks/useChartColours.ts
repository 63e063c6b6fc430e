// The charts' colours, read from the design tokens of styles.css (which change with the system's
// colour scheme), and read again when the scheme changes, so a canvas follows light and dark as
// the rest of the page does.
import { useSyncExternalStore } from "react";
import type { ChartColours } from "../utils/chartConfigs";

const darkQuery = window.matchMedia("(prefers-color-scheme: dark)");

function subscribe(onChange: () => void): () => void {
  darkQuery.addEventListener("change", onChange);
  return () => darkQuery.removeEventListener("change", onChange);
}

/** The value of a CSS custom property on the root element (the tokens are declared there). */
function token(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(name).trim();
}

/** The tokens' colours now. */
function readColours(): ChartColours {
  const style = getComputedStyle(document.documentElement);
  return {
    text: token(style, "--fg-muted"),
    grid: token(style, "--border-subtle"),
    tasks: token(style, "--accent"),
    errors: token(style, "--danger"),
    cost: token(style, "--ok"),
    p50: token(style, "--accent"),
    p95: token(style, "--star"),
    font: style.fontFamily,
  };
}

let cached: { dark: boolean; colours: ChartColours } | null = null;

/** The colours of the scheme in use: the same object until the scheme changes. */
function snapshot(): ChartColours {
  const dark = darkQuery.matches;
  if (cached?.dark !== dark) cached = { dark, colours: readColours() };
  return cached.colours;
}

/** The chart colours of the colour scheme in use. */
export function useChartColours(): ChartColours {
  return useSyncExternalStore(subscribe, snapshot);
}
