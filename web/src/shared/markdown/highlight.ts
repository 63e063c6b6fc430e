// Loaded on demand: syntax highlighting (highlight.js grammars through lowlight) and its theme.
import "highlight.js/styles/github.css";
import rehypeHighlight from "rehype-highlight";

export { rehypeHighlight };
