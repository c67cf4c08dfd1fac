//! Reading a provider's answer: which of a check's answers it is, and what to show of it.
//! Everything shown passes through [`scrub`], so the secret never reaches a report.

use super::catalog::{Answer, DetailField, Means};
use super::transport::Answered;
use serde_json::Value;

/// The most characters of detail shown.
const MAX_DETAIL: usize = 200;
/// The most array elements shown for one field.
const MAX_ITEMS: usize = 8;

/// The first answer of `answers` that `response` matches.
pub fn judge(answers: &[Answer], response: &Answered) -> Option<Means> {
    let json: Option<Value> = serde_json::from_slice(&response.body).ok();
    answers
        .iter()
        .find(|answer| matches(answer, response, json.as_ref()))
        .map(|answer| answer.means)
}

fn matches(answer: &Answer, response: &Answered, json: Option<&Value>) -> bool {
    if !answer.status.contains(&response.status) {
        return false;
    }
    if let Some(text) = &answer.contains {
        if !contains(&response.body, text.as_bytes()) {
            return false;
        }
    }
    if let Some(pointer) = &answer.json {
        let Some(found) = json
            .and_then(|j| j.pointer(pointer))
            .filter(|v| !v.is_null())
        else {
            return false;
        };
        if let Some(expected) = &answer.equals {
            if found != expected {
                return false;
            }
        }
        if let Some(any) = &answer.one_of {
            if !any.contains(found) {
                return false;
            }
        }
    }
    true
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// `label: value; label: value` for the fields a live answer has, with every `secrets`
/// occurrence removed.
pub fn detail(fields: &[DetailField], response: &Answered, secrets: &[&[u8]]) -> String {
    let json: Option<Value> = serde_json::from_slice(&response.body).ok();
    let mut parts = Vec::new();
    for field in fields {
        let value = if let Some(pointer) = &field.json {
            json.as_ref().and_then(|j| json_text(j, pointer))
        } else if let Some(name) = &field.header {
            response.header(name).map(str::to_string)
        } else if let Some(tag) = &field.xml {
            xml_text(&response.body, tag)
        } else {
            None
        };
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            parts.push(format!("{}: {}", field.label, value.trim()));
        }
    }
    scrub(&parts.join("; "), secrets)
}

/// Makes `text` safe to show: printable, at most [`MAX_DETAIL`] characters, and without any
/// of `secrets` (or a long piece of one) in it.
pub fn scrub(text: &str, secrets: &[&[u8]]) -> String {
    let mut clean = crate::printable::sanitize(text.as_bytes());
    for secret in secrets {
        let Ok(secret) = std::str::from_utf8(secret) else {
            continue;
        };
        if secret.len() >= 8 && clean.contains(secret) {
            clean = clean.replace(secret, "[secret]");
        }
        // A provider may echo the key in part (its last characters, a prefix and a body).
        if secret.len() >= 16 {
            let chars: Vec<char> = secret.chars().collect();
            for window in chars.windows(12) {
                let piece: String = window.iter().collect();
                if clean.contains(&piece) {
                    clean = clean.replace(&piece, "[secret]");
                }
            }
        }
    }
    if clean.chars().count() > MAX_DETAIL {
        clean = clean.chars().take(MAX_DETAIL - 1).collect::<String>() + "…";
    }
    clean
}

/// The text at a JSON pointer; `*` walks every element of an array. Arrays are joined.
fn json_text(json: &Value, pointer: &str) -> Option<String> {
    let mut current = vec![json];
    for token in pointer.split('/').skip(1) {
        let mut next = Vec::new();
        for value in current {
            if token == "*" {
                if let Value::Array(items) = value {
                    next.extend(items.iter());
                }
            } else if let Some(found) = value
                .get(token)
                .or_else(|| token.parse::<usize>().ok().and_then(|i| value.get(i)))
            {
                next.push(found);
            }
        }
        current = next;
    }
    let mut texts: Vec<String> = Vec::new();
    for value in current {
        match value {
            Value::Array(items) => texts.extend(items.iter().filter_map(scalar)),
            other => texts.extend(scalar(other)),
        }
    }
    if texts.is_empty() {
        return None;
    }
    let more = texts.len().saturating_sub(MAX_ITEMS);
    texts.truncate(MAX_ITEMS);
    let mut joined = texts.join(", ");
    if more > 0 {
        joined += &format!(" and {more} more");
    }
    Some(joined)
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The text of the first `<tag>…</tag>` in an XML body.
fn xml_text(body: &[u8], tag: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&format!("</{tag}>"))?;
    Some(text[start..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, body: &str) -> Answered {
        Answered {
            status,
            headers: vec![("x-oauth-scopes".into(), "repo, gist".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    fn answer(status: u16, json: Option<(&str, Value)>, means: Means) -> Answer {
        Answer {
            status: vec![status],
            json: json.as_ref().map(|(p, _)| p.to_string()),
            equals: json.map(|(_, v)| v),
            one_of: None,
            contains: None,
            means,
        }
    }

    #[test]
    fn answers_match_in_order() {
        let answers = [
            answer(200, Some(("/ok", Value::Bool(true))), Means::Live),
            answer(200, Some(("/ok", Value::Bool(false))), Means::Invalid),
        ];
        assert_eq!(
            judge(&answers, &answered(200, r#"{"ok":true}"#)),
            Some(Means::Live)
        );
        assert_eq!(
            judge(&answers, &answered(200, r#"{"ok":false}"#)),
            Some(Means::Invalid)
        );
        assert_eq!(judge(&answers, &answered(200, "<html>")), None);
        assert_eq!(judge(&answers, &answered(403, r#"{"ok":true}"#)), None);
    }

    #[test]
    fn details_name_the_account_and_never_the_secret() {
        let field = |label: &str, json: Option<&str>, header: Option<&str>, xml: Option<&str>| {
            DetailField {
                label: label.into(),
                json: json.map(Into::into),
                header: header.map(Into::into),
                xml: xml.map(Into::into),
            }
        };
        let fields = [
            field("user", Some("/login"), None, None),
            field("orgs", Some("/orgs/*/name"), None, None),
            field("scopes", None, Some("X-OAuth-Scopes"), None),
            field("token", Some("/token"), None, None),
        ];
        // Built at run time, so the repository holds no key-shaped literal.
        let token = format!("{}_{}", "ghp", "Q8zT3lMw0PxV7rKb2SyC9nDh4JfA6gEu1234");
        let secret = token.as_bytes();
        let body = format!(
            r#"{{"login":"octo","orgs":[{{"name":"a"}},{{"name":"b"}}],"token":"{token}"}}"#
        );
        let shown = detail(&fields, &answered(200, &body), &[secret]);
        assert_eq!(
            shown,
            "user: octo; orgs: a, b; scopes: repo, gist; token: [secret]"
        );
        let arn = "<Arn>arn:aws:iam::123456789012:user/ci</Arn>";
        let xml = [field("arn", None, None, Some("Arn"))];
        assert_eq!(
            detail(&xml, &answered(200, arn), &[]),
            "arn: arn:aws:iam::123456789012:user/ci"
        );
        let partial = scrub("key ends in Kb2SyC9nDh4JfA6gEu1234", &[secret]);
        assert!(!partial.contains("C9nDh4JfA6gE"), "{partial}");
    }
}
