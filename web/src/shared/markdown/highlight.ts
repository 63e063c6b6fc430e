// Loaded on demand: syntax highlighting (highlight.js grammars through lowlight) and its theme.
import "highlight.js/styles/github.css";
import rehypeHighlightPlugin, { type Options } from "rehype-highlight";

type Transform = ReturnType<typeof rehypeHighlightPlugin>;

/** The transform of each set of options, made once. */
const made = new Map<string, Transform>();

/**
 * rehype-highlight, with one lowlight instance per set of options for the whole page. Its plugin
 * registers highlight.js's common grammars in a new lowlight each time a processor is set up,
 * which react-markdown does on every render: a streaming code block paid for that, and for
 * compiling its language's grammar again, in every frame.
 */
export function rehypeHighlight(options?: Options): Transform {
  const key = JSON.stringify(options ?? {});
  let transform = made.get(key);
  if (!transform) made.set(key, (transform = rehypeHighlightPlugin(options)));
  return transform;
}
