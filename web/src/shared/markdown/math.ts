// Loaded on demand: math parsing and KaTeX rendering with its stylesheet.
import "katex/dist/katex.min.css";
import rehypeKatex from "rehype-katex";
import remarkMath from "remark-math";

export { rehypeKatex, remarkMath };
