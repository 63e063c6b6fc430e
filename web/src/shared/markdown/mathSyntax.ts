// Math syntax (remark-math's: `$…$`, `$$…$$`) for splitting an answer into blocks, so a
// display-math block with blank lines inside stays one block. Loaded with the math chunk.
import { mathFromMarkdown } from "mdast-util-math";
import { math } from "micromark-extension-math";
import type { BlockSyntax } from "./blocks";

/** The syntax the block splitter adds once an answer has math. */
export const mathSyntax: BlockSyntax = { micromark: [math()], mdast: [mathFromMarkdown()] };
