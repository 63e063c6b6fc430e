//! The bounds that keep compiling hostile input cheap — sizes, nesting, element counts — and
//! the stack the work needs within them. Each bound turns into a validation issue (`too-large`
//! or `too-deep`) with the place it was crossed; docs/limits.md lists them.

/// Largest `code` accepted, in bytes; larger input is refused before parsing.
pub const MAX_CODE_BYTES: usize = 512 * 1024;

/// Most issues one report lists; the last one says how many more there were.
pub const MAX_REPORTED_ISSUES: usize = 100;

/// Most bytes of compiled code and reports a [`crate::Compiler`]'s cache keeps.
pub const MAX_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting of a React component's syntax tree, in levels: each expression, statement,
/// type, binding or assignment pattern, JSX element or fragment and dotted-name segment inside
/// another is one level deeper. Real components stay under 20 (the official templates and the
/// 360-line benchmark component: 12–17); deeper code gets a `too-deep` issue.
pub const MAX_NESTING_DEPTH: usize = 256;

/// Most tokens that can open a nesting level (punctuators other than closers, keywords; see
/// `react/budget.rs`) in a React component; more is refused with `too-large` (or `too-deep`
/// when its brackets alone nest past [`MAX_NESTING_DEPTH`]) before parsing, since oxc's parser
/// has no depth limit of its own and its recursion is bounded only by this count. Real
/// components have about one per eight bytes (the 360-line benchmark fixture 1,539), so this
/// passes about 250 KB of ordinary code.
pub const MAX_NESTING_TOKENS: usize = 32 * 1024;

/// Stack one nesting token can cost oxc's parser, at most, with a margin. Measured with
/// `examples/stack_probe.rs` for each construct and each pair of constructs, in debug and
/// release builds: the worst is a TypeScript tuple type `[[[…` at 1.8 KiB per `[`; parentheses,
/// arrays, calls and type arguments cost 1.4–1.6 KiB per token, the rest less.
const PARSE_STACK_PER_TOKEN: usize = 3 * 1024;

/// Stack one level of [`MAX_NESTING_DEPTH`] can cost the passes that walk the syntax tree
/// (semantic analysis, transformer, code generator), at most, with a margin: they measure
/// under 1 KiB a level. They run once the parse has returned, so this is margin on top.
const WALK_STACK_PER_LEVEL: usize = if cfg!(debug_assertions) { 8192 } else { 4096 };

/// Stack for everything else (the entry points, ammonia, jsonschema).
const BASE_STACK: usize = 4 * 1024 * 1024;

/// Stack of the threads the compiler runs on: room for the parser's recursion over
/// [`MAX_NESTING_TOKENS`] and the tree walks over [`MAX_NESTING_DEPTH`]. Reserved address space;
/// only what a compilation uses is ever touched.
pub const COMPILE_STACK_BYTES: usize =
    MAX_NESTING_TOKENS * PARSE_STACK_PER_TOKEN + MAX_NESTING_DEPTH * WALK_STACK_PER_LEVEL + BASE_STACK;

/// Deepest nesting of a template's elements. Real templates stay under 20; deeper ones get a
/// `too-deep` issue. html5ever's tree builder scans the open elements for most tags, so depth
/// times tags is its work.
pub const MAX_TEMPLATE_DEPTH: usize = 256;

/// Most elements, texts and comments a template's tree may have (elements the parser adds or
/// re-creates included); more is `too-large`.
pub const MAX_TEMPLATE_NODES: usize = 50_000;

/// Most elements a template may leave open at once, counting the formatting elements (`a`,
/// `b`, `i`, `em`, `strong`, `code`, ...) a closed block left unclosed, which the parser keeps
/// in a list to re-open after it. The parser scans both lists for most tags and re-creates
/// the whole list for each text, so this bounds its work per tag; more is `too-large`.
pub const MAX_TEMPLATE_OPEN_ELEMENTS: usize = 512;

/// Most tags (start and end) a template may have; more is `too-large`.
pub const MAX_TEMPLATE_TAGS: usize = 50_000;

/// Most attributes one tag of a template may have (html5ever compares each attribute with
/// every earlier one of its tag); more is `too-large`.
pub const MAX_TEMPLATE_ATTRIBUTES: usize = 256;

/// Most steps of building and rearranging a template's tree (creating a node or attribute,
/// appending, searching and shifting siblings, moving children): the bound on the quadratic
/// shapes of misnested tables and formatting elements. More is `too-large`.
pub const MAX_TEMPLATE_WORK: usize = 1_000_000;
