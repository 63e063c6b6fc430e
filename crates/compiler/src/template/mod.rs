//! `template` custom UIs: an HTML fragment sanitised with ammonia against an allow-list,
//! with every removal reported, and its `{{name}}` bindings and form fields checked against
//! the prompt's variables.

mod attributes;
mod bounds;
mod policy;
mod scan;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use promptdeck_core::ValidationIssue;
use promptdeck_core::variables::placeholders;

use self::bounds::Bound;
use crate::issue::{LineIndex, rules};
use crate::limits::{
    MAX_TEMPLATE_ATTRIBUTES, MAX_TEMPLATE_DEPTH, MAX_TEMPLATE_NODES, MAX_TEMPLATE_OPEN_ELEMENTS,
    MAX_TEMPLATE_TAGS,
};

/// The variable every template may show: the streamed answer.
pub(crate) const RESPONSE: &str = "response";

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(policy::TAGS.iter().copied().collect())
        .clean_content_tags(policy::CLEAN_CONTENT_TAGS.iter().copied().collect())
        .generic_attributes(policy::GENERIC_ATTRIBUTES.iter().copied().collect())
        .generic_attribute_prefixes(policy::GENERIC_PREFIXES.iter().copied().collect())
        .tag_attributes(
            policy::TAG_ATTRIBUTES
                .iter()
                .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
                .collect::<HashMap<_, _>>(),
        )
        .url_schemes(policy::URL_SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(|tag, attribute, value| {
            match policy::attribute_value_problem(tag, attribute, value) {
                Some(_) => None,
                None => Some(Cow::Borrowed(value)),
            }
        });
    builder
});

/// What sanitising a template produced.
pub(crate) struct Sanitised {
    /// The safe HTML.
    pub(crate) html: String,
    /// What was removed, and bindings or fields naming unknown variables.
    pub(crate) issues: Vec<ValidationIssue>,
}

/// Sanitises `html`; when `variables` is given, bindings and field names must be among them
/// (or be `response`). `Err` when the template crosses a bound of `crate::limits` (too deep,
/// too many elements, attributes, tags, ...): then nothing is sanitised.
pub(crate) fn sanitise(html: &str, variables: Option<&[String]>) -> Result<Sanitised, ValidationIssue> {
    let index = LineIndex::new(html);
    within_bounds(html, &index)?;
    let mut issues = Vec::new();
    let mut fields = Vec::new();
    for tag in scan::start_tags(html) {
        if tag.name == "meta" && tag.attributes.iter().any(|a| a.name == "http-equiv") {
            issues.push(index.issue_at(
                tag.offset,
                rules::NO_NAVIGATION,
                "<meta http-equiv> can reload or navigate the frame; it was removed",
            ));
            continue;
        }
        if !policy::tag_allowed(&tag.name) {
            let how = if policy::CLEAN_CONTENT_TAGS.contains(&tag.name.as_str()) {
                "was removed with its content"
            } else {
                "is not allowed and was removed (its text is kept)"
            };
            issues.push(index.issue_at(
                tag.offset,
                rules::UNSAFE_HTML,
                format!("element <{}> {how}", tag.name),
            ));
            continue;
        }
        for attribute in &tag.attributes {
            if tag.name == "a" && attribute.name == "rel" {
                // The sanitiser sets `rel` on links itself.
                continue;
            }
            if !policy::attribute_allowed(&tag.name, &attribute.name) {
                let message = if attribute.name.starts_with("on") {
                    format!(
                        "event handler `{}` on <{}> was removed: templates run no scripts",
                        attribute.name, tag.name
                    )
                } else {
                    format!("attribute `{}` is not allowed on <{}> and was removed", attribute.name, tag.name)
                };
                issues.push(index.issue_at(attribute.offset, rules::UNSAFE_HTML, message));
            } else if let Some(problem) =
                policy::attribute_value_problem(&tag.name, &attribute.name, &attribute.value)
            {
                issues.push(index.issue_at(
                    attribute.offset,
                    rules::UNSAFE_HTML,
                    format!("`{}` on <{}>: {problem}", attribute.name, tag.name),
                ));
            } else if attribute.name == "name" && policy::FIELD_TAGS.contains(&tag.name.as_str()) {
                fields.push((attribute.value.trim().to_owned(), attribute.offset));
            }
        }
    }
    let html_out = SANITISER.clean(html).to_string();
    if let Some(variables) = variables {
        let known = |name: &str| name == RESPONSE || variables.iter().any(|v| v.trim() == name);
        let offsets = placeholder_offsets(html);
        for name in placeholders(&html_out) {
            if !known(&name) {
                let offset = offsets.get(name.as_str()).copied().unwrap_or(0);
                issues.push(index.issue_at(
                    offset,
                    rules::UNKNOWN_VARIABLE,
                    format!("`{{{{{name}}}}}` names no variable of the prompt"),
                ));
            }
        }
        for (name, offset) in fields {
            if !name.is_empty() && !known(&name) {
                issues.push(index.issue_at(
                    offset,
                    rules::UNKNOWN_VARIABLE,
                    format!("form field `{name}` names no variable of the prompt"),
                ));
            }
        }
    }
    issues.sort_by_key(|i| (i.line, i.column));
    Ok(Sanitised { html: html_out, issues })
}

/// Refuses a template that crosses a bound, at the tag that crossed it.
fn within_bounds(html: &str, index: &LineIndex<'_>) -> Result<(), ValidationIssue> {
    if let Some(at) = attributes::too_many(html) {
        return Err(index.issue_at(
            at,
            rules::TOO_LARGE,
            format!("this tag has more than {MAX_TEMPLATE_ATTRIBUTES} attributes"),
        ));
    }
    bounds::check(html).map_err(|(bound, at)| {
        let (rule, message) = match bound {
            Bound::Depth => {
                (rules::TOO_DEEP, format!("elements nest more than {MAX_TEMPLATE_DEPTH} levels deep here"))
            }
            Bound::Nodes => (
                rules::TOO_LARGE,
                format!("the template has more than {MAX_TEMPLATE_NODES} elements, texts and comments"),
            ),
            Bound::OpenElements => (
                rules::TOO_LARGE,
                format!(
                    "the template leaves more than {MAX_TEMPLATE_OPEN_ELEMENTS} elements open at once, counting \
                     formatting elements (a, b, i, em, strong, code, ...) a block closed around; close each \
                     element where it ends"
                ),
            ),
            Bound::Tags => (rules::TOO_LARGE, format!("the template has more than {MAX_TEMPLATE_TAGS} tags")),
            Bound::Work => (
                rules::TOO_LARGE,
                "the template's tags are misnested in a way that takes too long to untangle; \
                 close each element where it ends"
                    .to_owned(),
            ),
        };
        index.issue_at(at, rule, message)
    })
}

/// Where each `{{ name }}` of `text` first appears, in one pass.
fn placeholder_offsets(text: &str) -> HashMap<&str, usize> {
    let mut offsets = HashMap::new();
    let mut from = 0;
    while let Some(rel) = text.get(from..).and_then(|rest| rest.find("{{")) {
        let start = from + rel;
        let inner_start = start + 2;
        let Some(end) = text[inner_start..].find("}}") else { break };
        offsets.entry(text[inner_start..inner_start + end].trim()).or_insert(start);
        from = start + 1;
    }
    offsets
}
