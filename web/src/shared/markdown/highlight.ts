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

/**
 * Compiles the grammars of `languages` (highlight.js compiles one the first time it highlights
 * with it), each in a task of its own, so that the first render highlighting them does not.
 */
export async function warmLanguages(options: Options, languages: string[]): Promise<void> {
  const transform = rehypeHighlight(options);
  for (const lang of languages) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const code = { type: "element", tagName: "code", properties: { className: [`language-${lang}`] }, children: [{ type: "text", value: " " }] };
    const tree = { type: "root", children: [{ type: "element", tagName: "pre", properties: {}, children: [code] }] };
    const file = { message: () => undefined };
    try {
      transform(tree as unknown as Parameters<Transform>[0], file as unknown as Parameters<Transform>[1]);
    } catch {
      // An unknown language: the render ignores it too.
    }
  }
}

