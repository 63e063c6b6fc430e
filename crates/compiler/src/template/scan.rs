//! A small HTML tag scanner that keeps byte offsets, so that what the sanitiser removes and
//! which form fields a template has can be reported at their line and column. It only reads
//! start tags and their attributes; ammonia (html5ever) does the real parsing.

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribute {
    /// Lower-case name.
    pub(crate) name: String,
    /// Value with character references decoded; empty when absent.
    pub(crate) value: String,
    /// Byte offset of the name.
    pub(crate) offset: usize,
}

/// One start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StartTag {
    /// Lower-case name.
    pub(crate) name: String,
    /// Byte offset of its `<`.
    pub(crate) offset: usize,
    /// Its attributes, in order.
    pub(crate) attributes: Vec<Attribute>,
}

/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

/// Every start tag of `html`, in order.
pub(crate) fn start_tags(html: &str) -> Vec<StartTag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(rel) = html.get(i..).and_then(|s| s.find('<')) {
        let p = i + rel;
        let rest = &html[p..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            i = comment.find("-->").map_or(html.len(), |e| p + 4 + e + 3);
            continue;
        }
        let next = bytes.get(p + 1).copied().unwrap_or(b' ');
        if next == b'/' || next == b'!' || next == b'?' {
            i = rest.find('>').map_or(html.len(), |e| p + e + 1);
            continue;
        }
        if !next.is_ascii_alphabetic() {
            i = p + 1;
            continue;
        }
        let mut j = p + 1;
        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'/' && bytes[j] != b'>' {
            j += 1;
        }
        let name = html[p + 1..j].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                j = (j + 1).min(bytes.len());
                break;
            }
            let name_start = j;
            j += 1;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let attr_name = html[name_start..j].to_ascii_lowercase();
            let mut k = j;
            while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                k += 1;
            }
            let mut value = String::new();
            if k < bytes.len() && bytes[k] == b'=' {
                k += 1;
                while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                    k += 1;
                }
                let (start, end, after) = match bytes.get(k) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[k + 1..].find(q as char).map_or(html.len(), |e| k + 1 + e);
                        (k + 1, end, (end + 1).min(html.len()))
                    }
                    _ => {
                        let mut e = k;
                        while e < bytes.len() && !bytes[e].is_ascii_whitespace() && bytes[e] != b'>' {
                            e += 1;
                        }
                        (k, e, e)
                    }
                };
                value = decode_references(&html[start..end]);
                j = after;
            }
            attributes.push(Attribute { name: attr_name, value, offset: name_start });
        }
        i = j;
        if RAW_TEXT.contains(&name.as_str()) {
            let closing = format!("</{name}");
            i = find_ascii_case_insensitive(html, i, &closing).unwrap_or(html.len());
        }
        tags.push(StartTag { name, offset: p, attributes });
    }
    tags
}

fn find_ascii_case_insensitive(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    (from..h.len().saturating_sub(n.len() - 1)).find(|&s| h[s..s + n.len()].eq_ignore_ascii_case(n))
}

/// Decodes numeric character references and the few named ones that matter for URLs.
fn decode_references(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end =
            rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map_or(rest.len(), |e| e + 1);
        let entity = &rest[1..end];
        let decoded = if let Some(num) = entity.strip_prefix('#') {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            code.and_then(char::from_u32)
        } else {
            match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                "lpar" => Some('('),
                "rpar" => Some(')'),
                "bsol" => Some('\\'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_attributes_and_offsets() {
        let html = "<p class=x>hi</p><!-- <b> --><input name='topic' value=\"a b\" disabled><script>if (a<b) {}</script><i>";
        let tags = start_tags(html);
        let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["p", "input", "script", "i"]);
        let input = &tags[1];
        assert_eq!(input.offset, html.find("<input").unwrap_or(0));
        assert_eq!(input.attributes[0].name, "name");
        assert_eq!(input.attributes[0].value, "topic");
        assert_eq!(input.attributes[1].value, "a b");
        assert_eq!(input.attributes[2].name, "disabled");
    }

    #[test]
    fn decodes_character_references() {
        assert_eq!(decode_references("&#106;ava&#x73;cript&colon;x"), "javascript:x");
        assert_eq!(decode_references("a &unknown; b"), "a &unknown; b");
    }
}
