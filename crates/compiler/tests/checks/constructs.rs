//! Every way TSX nests, as a unit repeated to any depth inside an otherwise valid component,
//! for the nesting tests and properties: expressions, JSX, statements, patterns and types.

/// Where a construct stands in its component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The right-hand side of `const x = …;`.
    Expression,
    /// The right-hand side of `const x = …;` inside an `async` function.
    AsyncExpression,
    /// A statement of the component's body.
    Statement,
    /// The target of `const … = a;`.
    Binding,
    /// A statement `…;` assigning to a pattern.
    Assignment,
    /// The right-hand side of `type T = …;`.
    Type,
    /// A statement of the module.
    Module,
}

/// A nesting construct: `prefix + open × n + inner + close × n + suffix`.
#[derive(Debug, Clone, Copy)]
pub struct Construct {
    pub name: &'static str,
    pub place: Place,
    pub prefix: &'static str,
    pub open: &'static str,
    pub inner: &'static str,
    pub close: &'static str,
    pub suffix: &'static str,
}

const fn c(
    name: &'static str,
    place: Place,
    open: &'static str,
    inner: &'static str,
    close: &'static str,
) -> Construct {
    Construct { name, place, prefix: "", open, inner, close, suffix: "" }
}

use Place::*;

/// The catalogue.
pub const CONSTRUCTS: &[Construct] = &[
    c("parentheses", Expression, "(", "a", ")"),
    c("arrays", Expression, "[", "a", "]"),
    c("objects", Expression, "{ a: ", "a", " }"),
    c("JSX elements", Expression, "<div>", "x", "</div>"),
    c("JSX expression containers", Expression, "<i>{", "a", "}</i>"),
    c("JSX attribute values", Expression, "<i t={", "a", "} />"),
    c("fragments", Expression, "<>", "x", "</>"),
    c("logical not", Expression, "!", "a", ""),
    c("negation", Expression, "- ", "a", ""),
    c("bitwise not", Expression, "~", "a", ""),
    c("typeof", Expression, "typeof ", "a", ""),
    c("void", Expression, "void ", "a", ""),
    c("new", Expression, "new ", "A", ""),
    c("await", AsyncExpression, "await ", "a", ""),
    c("arrow functions", Expression, "(b: any) => ", "a", ""),
    c("ternaries", Expression, "a ? ", "a", " : a"),
    c("ternary else chains", Expression, "a ? a : ", "a", ""),
    c("assignments", Expression, "a = ", "a", ""),
    c("calls", Expression, "f(", "a", ")"),
    c("call chains", Expression, "", "f", "()"),
    c("member chains", Expression, "", "a", ".b"),
    c("optional chains", Expression, "", "a", "?.b"),
    c("computed members", Expression, "a[", "0", "]"),
    c("template literals", Expression, "`${", "a", "}`"),
    c("tagged templates", Expression, "f`${", "a", "}`"),
    c("classes", Expression, "class { m() { return ", "a", " } }"),
    c("functions", Expression, "function () { return ", "a", " }"),
    c("spread", Expression, "[...", "a", "]"),
    c("binary chains", Expression, "", "a", " + a"),
    c("exponents", Expression, "a ** ", "a", ""),
    c("as chains", Expression, "", "a", " as any"),
    c("non-null chains", Expression, "", "a", "!"),
    Construct {
        name: "JSX member names",
        place: Expression,
        prefix: "<",
        open: "",
        inner: "a",
        close: ".b",
        suffix: " />",
    },
    c("blocks", Statement, "{ ", "", " }"),
    c("if without braces", Statement, "if (a) ", ";", ""),
    c("else-if chains", Statement, "if (a) {} else ", "{}", ""),
    c("while loops", Statement, "while (a) ", "break;", ""),
    c("for loops", Statement, "for (;;) ", "break;", ""),
    c("do-while loops", Statement, "do ", ";", " while (a);"),
    c("try blocks", Statement, "try { ", "", " } finally {}"),
    c("nested functions", Statement, "function g() { ", "", " }"),
    c("switches", Statement, "switch (a) { case 1: ", "", " }"),
    c("array destructuring", Binding, "[", "c", "]"),
    c("object destructuring", Binding, "{ a: ", "c", " }"),
    Construct {
        name: "array assignment patterns",
        place: Assignment,
        prefix: "",
        open: "[",
        inner: "b",
        close: "]",
        suffix: " = a",
    },
    Construct {
        name: "object assignment patterns",
        place: Assignment,
        prefix: "(",
        open: "{ a: ",
        inner: "b",
        close: " }",
        suffix: " = a)",
    },
    c("type arguments", Type, "Array<", "A", ">"),
    c("union types", Type, "(A | ", "B", ")"),
    c("intersection types", Type, "(A & ", "B", ")"),
    c("conditional types", Type, "A extends B ? C : ", "D", ""),
    c("conditional types in the true branch", Type, "A extends B ? ", "C", " : D"),
    c("tuple types", Type, "[", "A", "]"),
    c("function types", Type, "() => ", "A", ""),
    c("array types", Type, "", "A", "[]"),
    c("object types", Type, "{ a: ", "A", " }"),
    c("keyof", Type, "keyof ", "A", ""),
    c("qualified names", Type, "", "A", ".B"),
    c("template literal types", Type, "`${", "A", "}`"),
    c("mapped types", Type, "{ [K in keyof ", "A", "]: K }"),
    c("parenthesized types", Type, "(", "A", ")"),
    c("namespaces", Module, "namespace N { ", "", " }"),
];

/// The line every construct starts on.
pub const LINE: u32 = 3;

/// A component with `construct` nested `depth` times on line [`LINE`], and the column (1-based)
/// where its first unit starts.
pub fn component(construct: &Construct, depth: usize) -> (String, u32) {
    let nested = format!(
        "{}{}{}{}{}",
        construct.prefix,
        construct.open.repeat(depth),
        construct.inner,
        construct.close.repeat(depth),
        construct.suffix
    );
    let (before, after) = match construct.place {
        Expression => ("  const x = ", ";"),
        AsyncExpression => ("  async function h() { const x = ", "; return x; }"),
        Statement => ("  ", ""),
        Binding => ("  const ", " = a;"),
        Assignment => ("  ", ";"),
        Type => ("  type T = ", ";"),
        Module => ("", ""),
    };
    let code = if construct.place == Module {
        format!("export default function App() {{ return <div />; }}\nconst y = 0;\n{nested}\n")
    } else {
        format!(
            "export default function App() {{\n  let a: any = 1, b: any, f: any, A: any;\n{before}{nested}{after}\n  return <div>{{String(a)}}</div>;\n}}\n"
        )
    };
    let column = before.chars().count() + construct.prefix.chars().count() + 1;
    (code, u32::try_from(column).unwrap_or(u32::MAX))
}

/// Constructs whose unit holds an expression where the next unit goes, so any sequence of
/// them nests into a valid expression: `(open, close)`.
pub const EXPRESSION_UNITS: &[(&str, &str)] = &[
    ("(", ")"),
    ("[", "]"),
    ("{ a: ", " }"),
    ("<i>{", "}</i>"),
    ("<i t={", "} />"),
    ("!", ""),
    ("typeof ", ""),
    ("(b => (", "))"),
    ("a ? ", " : a"),
    ("a ? a : ", ""),
    ("f(", ")"),
    ("`${", "}`"),
    ("class { m() { return ", " } }"),
    ("function () { return ", " }"),
    ("[...", "]"),
];

/// A component whose `const x = …` nests the given expression units, outermost first.
pub fn mixed_component(units: &[usize]) -> String {
    let unit = |u: usize| EXPRESSION_UNITS[u % EXPRESSION_UNITS.len()];
    let open: String = units.iter().map(|&u| unit(u).0).collect();
    let close: String = units.iter().rev().map(|&u| unit(u).1).collect();
    format!(
        "export default function App() {{\n  let a: any = 1, b: any, f: any;\n  const x = {open}a{close};\n  return <div>{{String(x)}}</div>;\n}}\n"
    )
}
