//! The template allow-list, shared by the sanitiser (ammonia) and by the scanner that reports
//! what the sanitiser removes, so both always agree.

/// Elements kept: text, layout, tables, lists, links, inline images and form fields.
pub(crate) const TAGS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "button",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "main",
    "mark",
    "meter",
    "nav",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "select",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements removed together with everything inside them.
pub(crate) const CLEAN_CONTENT_TAGS: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "applet", "noscript", "noembed", "noframes", "frameset",
    "frame", "template", "svg", "math", "xmp", "title", "head",
];

/// Attributes allowed on every kept element (besides `data-*` and `aria-*`).
pub(crate) const GENERIC_ATTRIBUTES: &[&str] =
    &["class", "id", "title", "lang", "dir", "role", "hidden", "tabindex", "style"];

/// Attribute name prefixes allowed on every kept element.
pub(crate) const GENERIC_PREFIXES: &[&str] = &["data-", "aria-"];

/// Attributes allowed on particular elements.
pub(crate) const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "target"]),
    ("img", &["src", "alt", "width", "height"]),
    (
        "input",
        &[
            "type",
            "name",
            "value",
            "placeholder",
            "checked",
            "disabled",
            "required",
            "readonly",
            "min",
            "max",
            "step",
            "minlength",
            "maxlength",
            "pattern",
            "size",
            "multiple",
            "autocomplete",
            "list",
        ],
    ),
    (
        "textarea",
        &[
            "name",
            "placeholder",
            "rows",
            "cols",
            "required",
            "disabled",
            "readonly",
            "minlength",
            "maxlength",
            "wrap",
        ],
    ),
    ("select", &["name", "multiple", "required", "disabled", "size"]),
    ("option", &["value", "selected", "disabled", "label"]),
    ("optgroup", &["label", "disabled"]),
    ("button", &["type", "name", "value", "disabled"]),
    ("label", &["for"]),
    ("fieldset", &["name", "disabled"]),
    ("output", &["name", "for"]),
    ("form", &["name", "novalidate", "autocomplete"]),
    ("td", &["colspan", "rowspan", "headers"]),
    ("th", &["colspan", "rowspan", "headers", "scope", "abbr"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("ol", &["start", "reversed", "type"]),
    ("li", &["value"]),
    ("time", &["datetime"]),
    ("data", &["value"]),
    ("progress", &["value", "max"]),
    ("meter", &["value", "min", "max", "low", "high", "optimum"]),
    ("details", &["open"]),
    ("del", &["datetime"]),
    ("ins", &["datetime"]),
];

/// URL schemes ammonia lets through; [`attribute_value_problem`] narrows them per attribute.
pub(crate) const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "data"];

/// Elements whose `name` binds a prompt variable.
pub(crate) const FIELD_TAGS: &[&str] = &["input", "textarea", "select"];

/// Whether an element is kept.
pub(crate) fn tag_allowed(tag: &str) -> bool {
    TAGS.contains(&tag)
}

/// Whether an attribute name is kept on an element.
pub(crate) fn attribute_allowed(tag: &str, attribute: &str) -> bool {
    GENERIC_ATTRIBUTES.contains(&attribute)
        || GENERIC_PREFIXES.iter().any(|p| attribute.len() > p.len() && attribute.starts_with(p))
        || TAG_ATTRIBUTES.iter().any(|(t, attrs)| *t == tag && attrs.contains(&attribute))
}

/// Why an allowed attribute's value is removed, if it is: script URLs, remote resources and
/// style values that load or run anything.
pub(crate) fn attribute_value_problem(tag: &str, attribute: &str, value: &str) -> Option<&'static str> {
    match (tag, attribute) {
        (_, "style") => {
            let squashed: String =
                value.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
            const BAD: &[&str] = &[
                "url(",
                "image(",
                "image-set(",
                "expression(",
                "-moz-binding",
                "behavior:",
                "src(",
                "element(",
                "@import",
                "\\",
            ];
            BAD.iter().any(|b| squashed.contains(b)).then_some(
                "a style that loads resources or runs code (url(), image-set(), expression(), escapes) was removed",
            )
        }
        ("a", "href") => match url_scheme(value).as_deref() {
            None | Some("http" | "https" | "mailto") => None,
            Some(_) => Some("a link with a script or non-web URL was removed; use http(s) or mailto"),
        },
        ("img", "src") => {
            let v = value.trim().to_ascii_lowercase();
            let ok =
                ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/jpg", "data:image/webp"]
                    .iter()
                    .any(|p| v.starts_with(p));
            (!ok).then_some(
                "images may only be inline data:image URLs; remote or relative sources were removed",
            )
        }
        _ => None,
    }
}

/// The lower-case scheme of a URL, as browsers read it (tabs and newlines ignored), or `None`
/// for a relative URL.
fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String =
        url.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_urls_and_remote_images_are_problems() {
        assert!(attribute_value_problem("a", "href", " java\tscript:alert(1)").is_some());
        assert!(attribute_value_problem("a", "href", "https://example.com").is_none());
        assert!(attribute_value_problem("a", "href", "#top").is_none());
        assert!(attribute_value_problem("img", "src", "https://evil.example/x.png").is_some());
        assert!(attribute_value_problem("img", "src", "data:image/png;base64,AAAA").is_none());
        assert!(attribute_value_problem("div", "style", "background: URL (x)").is_some());
        assert!(attribute_value_problem("div", "style", "color: red; margin: 0 auto").is_none());
    }

    #[test]
    fn the_allow_lists_do_not_overlap() {
        for tag in CLEAN_CONTENT_TAGS {
            assert!(!tag_allowed(tag), "{tag}");
        }
    }
}
