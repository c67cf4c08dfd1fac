//! Request templates: text with `{name}` placeholders, and URLs whose host is fixed.
//!
//! A placeholder is filled with a secret (or another part of a credential) encoded for where
//! it goes: percent-encoded in a URL, escaped in a JSON body, form-encoded in a form body, and
//! refused in a header if it holds anything but visible ASCII. The host of a URL can never
//! hold a placeholder, so a request goes only to a host written in leakward's own data.

/// The placeholder names a template may use.
#[derive(Debug, Clone)]
pub struct Placeholders {
    names: Vec<String>,
}

impl Placeholders {
    /// `{secret}` (the finding's own secret) and `{secret_path}` (its path, for URL secrets).
    pub fn secret() -> Placeholders {
        Placeholders {
            names: vec!["secret".into(), "secret_path".into()],
        }
    }

    /// Adds a part's name.
    ///
    /// # Errors
    /// A name that is not lowercase letters, digits and `_`, or that is taken.
    pub fn add_part(&mut self, name: &str) -> Result<(), String> {
        if !is_name(name) {
            return Err("use lowercase letters, digits and `_`".into());
        }
        if self.has(name) {
            return Err("the name is taken".into());
        }
        self.names.push(name.to_string());
        Ok(())
    }

    /// Whether `name` is a known placeholder.
    pub fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
}

fn is_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Slot(String),
}

/// Text with placeholders. `{` not followed by a name and `}` is plain text, so JSON and
/// GraphQL bodies need no escaping (write `{ viewer { id } }` with spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses `text`, checking every placeholder against `names`.
    ///
    /// # Errors
    /// An unknown placeholder.
    pub fn parse(text: &str, names: &Placeholders) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            literal.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) if is_name(&after[..close]) => {
                    let name = &after[..close];
                    if !names.has(name) {
                        return Err(format!("unknown placeholder `{{{name}}}`"));
                    }
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Slot(name.to_string()));
                    rest = &after[close + 1..];
                }
                _ => {
                    literal.push('{');
                    rest = after;
                }
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Template { pieces })
    }

    /// The placeholder names used, in order.
    pub fn slots(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Slot(name) => Some(name.as_str()),
            Piece::Text(_) => None,
        })
    }

    /// Fills the placeholders with `fill(name)`.
    ///
    /// # Errors
    /// Whatever `fill` returns.
    pub fn render<E>(&self, mut fill: impl FnMut(&str) -> Result<String, E>) -> Result<String, E> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Slot(name) => out.push_str(&fill(name)?),
            }
        }
        Ok(out)
    }
}

/// A URL: `https://`, a fixed host, then a path and query that may hold placeholders
/// (`{secret_path}` only right after the host).
#[derive(Debug, Clone)]
pub struct UrlTemplate {
    host: String,
    path_and_query: Template,
}

impl UrlTemplate {
    /// Parses an `https://host/path?query` template.
    ///
    /// # Errors
    /// Not `https`, a host that is not a plain DNS name, a placeholder in the host, or an
    /// unknown placeholder.
    pub fn parse(url: &str, names: &Placeholders) -> Result<UrlTemplate, String> {
        let rest = url
            .strip_prefix("https://")
            .ok_or_else(|| format!("URL `{url}` is not https"))?;
        let host_end = rest.find(['/', '?', '{']).unwrap_or(rest.len());
        let host = &rest[..host_end];
        let valid_host = !host.is_empty()
            && host.contains('.')
            && host
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !valid_host {
            return Err(format!("URL `{url}`: `{host}` is not a fixed host name"));
        }
        let tail = &rest[host_end..];
        if tail.starts_with('?') || tail.is_empty() {
            return Err(format!("URL `{url}` has no path"));
        }
        if tail.starts_with('{') && !tail.starts_with("{secret_path}") {
            return Err(format!(
                "URL `{url}`: only `{{secret_path}}` may follow the host"
            ));
        }
        let path_and_query = Template::parse(tail, names)?;
        if path_and_query.slots().skip(1).any(|s| s == "secret_path")
            || (path_and_query.slots().next() == Some("secret_path")
                && !tail.starts_with("{secret_path}"))
        {
            return Err(format!(
                "URL `{url}`: `{{secret_path}}` must follow the host"
            ));
        }
        Ok(UrlTemplate {
            host: host.to_string(),
            path_and_query,
        })
    }

    /// The fixed host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Whether the path starts with the secret's own path (a webhook URL).
    pub fn takes_secret_path(&self) -> bool {
        self.path_and_query.slots().next() == Some("secret_path")
    }

    /// The path and query template.
    pub fn path_and_query(&self) -> &Template {
        &self.path_and_query
    }
}

/// Percent-encodes `bytes` for a URL path segment or query value: everything but the
/// unreserved characters (and `:`, which Telegram's bot paths hold) becomes `%XX`, so a
/// secret can never add a path segment, a query, a fragment or a host.
pub fn percent_encode(bytes: &[u8], keep_colon: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_colon && b == b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `bytes` escaped for the inside of a JSON string, if it is UTF-8.
pub fn json_escape(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let quoted = serde_json::to_string(text).ok()?;
    Some(quoted[1..quoted.len() - 1].to_string())
}

/// `bytes` as a header value, if it is visible ASCII (no CR or LF that could add a header).
pub fn header_safe(bytes: &[u8]) -> Option<String> {
    bytes
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b))
        .then(|| String::from_utf8_lossy(bytes).into_owned())
}

/// The path of a URL secret (a webhook) if it starts with one of `origins` and holds only
/// path characters; `None` otherwise, so such a secret never sends anything elsewhere.
pub fn secret_path<'a>(secret: &'a [u8], origins: &[String]) -> Option<&'a str> {
    let text = std::str::from_utf8(secret).ok()?;
    let path = origins
        .iter()
        .find_map(|origin| text.strip_prefix(origin.as_str()))?;
    let clean = path.starts_with('/')
        && !path.contains("..")
        && !path.contains("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b));
    clean.then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_keep_braces_that_are_not_placeholders() {
        let names = Placeholders::secret();
        let t = Template::parse(r#"{"query":"{ viewer { id } }","k":"{secret}"}"#, &names)
            .expect("parses");
        let out: Result<String, ()> = t.render(|_| Ok("S".into()));
        assert_eq!(out.unwrap(), r#"{"query":"{ viewer { id } }","k":"S"}"#);
        assert!(Template::parse("{other}", &names).is_err());
    }

    #[test]
    fn secrets_cannot_leave_their_place_in_a_url() {
        assert_eq!(percent_encode(b"a/b?c#d@e.f", false), "a%2Fb%3Fc%23d%40e.f");
        assert_eq!(percent_encode(b"123:AbC", true), "123:AbC");
        assert_eq!(header_safe(b"ok\r\nX-Evil: 1"), None);
        assert_eq!(json_escape(b"a\"b"), Some("a\\\"b".into()));
    }

    #[test]
    fn url_secrets_must_start_with_a_built_in_origin() {
        let origins = vec!["https://hooks.slack.com".to_string()];
        assert_eq!(
            secret_path(b"https://hooks.slack.com/services/T1/B2/x3", &origins),
            Some("/services/T1/B2/x3")
        );
        for bad in [
            &b"https://hooks.slack.com.evil.dev/services/x"[..],
            b"https://evil.dev/services/x",
            b"https://hooks.slack.com/../x",
            b"https://hooks.slack.com@evil.dev/x",
        ] {
            assert_eq!(secret_path(bad, &origins), None);
        }
    }
}
