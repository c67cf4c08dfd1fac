//! The verifier data: `verifiers/*.toml`, one file per provider, embedded at build time like
//! the rules. A file says how to check a key with its provider (one read-only request and how
//! to read the answer), how to revoke it where the provider has an API for that, and what to
//! tell a person about it (`leakward explain`). `verifiers/README.md` documents the schema.

use super::template::{Placeholders, Template, UrlTemplate};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

include!(concat!(env!("OUT_DIR"), "/builtin_verifiers.rs"));

/// The rotation period assumed for providers whose guidance names none, in days.
pub const DEFAULT_ROTATION_DAYS: u64 = 90;

/// A verifier file that does not follow the schema.
#[derive(Debug, thiserror::Error)]
#[error("verifiers/{file}: {message}")]
pub struct CatalogError {
    /// The file name.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

/// What a provider's answer means, as a verifier file writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Means {
    /// The key works.
    Live,
    /// The key does not work.
    Invalid,
    /// The answer decides nothing.
    Unknown,
    /// A revocation request succeeded.
    Revoked,
}

/// One way to read an answer: its status code and, optionally, something in its body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The HTTP status codes this answer has.
    pub status: Vec<u16>,
    /// A JSON pointer into the body (`/ok`, `/result/status`) that `equals` or `one_of`
    /// tests; alone, the value there must exist and not be `null`.
    #[serde(default)]
    pub json: Option<String>,
    /// The value at `json` must be this.
    #[serde(default)]
    pub equals: Option<serde_json::Value>,
    /// The value at `json` must be one of these.
    #[serde(default)]
    pub one_of: Option<Vec<serde_json::Value>>,
    /// The body must contain this text.
    #[serde(default)]
    pub contains: Option<String>,
    /// What the answer means.
    pub means: Means,
}

/// Something from a live answer worth showing: the account, organisation or scopes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetailField {
    /// The word shown before the value (`user`, `scopes`).
    pub label: String,
    /// A JSON pointer into the body; `*` walks every element of an array.
    #[serde(default)]
    pub json: Option<String>,
    /// A response header.
    #[serde(default)]
    pub header: Option<String>,
    /// The text of the first XML element of this name.
    #[serde(default)]
    pub xml: Option<String>,
}

/// AWS Signature Version 4 parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigV4 {
    /// The signing region (`us-east-1`).
    pub region: String,
    /// The signing service (`sts`).
    pub service: String,
}

/// A request as a verifier file writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestDef {
    method: String,
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    basic: Option<[String; 2]>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    sign: Option<SigV4>,
    #[serde(default)]
    secret_origins: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckDef {
    rules: Vec<String>,
    #[serde(default)]
    parts: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    optional_parts: BTreeMap<String, Vec<String>>,
    #[serde(flatten)]
    request: RequestDef,
    answers: Vec<Answer>,
    #[serde(default)]
    detail: Vec<DetailField>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeDef {
    rules: Vec<String>,
    #[serde(flatten)]
    request: RequestDef,
    answers: Vec<Answer>,
}

/// What `leakward explain` tells about a provider's keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// What the key grants.
    pub grants: String,
    /// How to revoke it.
    pub revoke: String,
    /// How to rotate it: issue the replacement and move the users over.
    pub rotate: String,
    /// Where the provider shows what the key did.
    pub logs: String,
    /// How to issue a replacement with the least privilege.
    pub least_privilege: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderDef {
    provider: String,
    #[serde(default)]
    rotation_days: Option<u64>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    guide: Option<Guide>,
    #[serde(default, rename = "check")]
    checks: Vec<CheckDef>,
    #[serde(default, rename = "revoke")]
    revokes: Vec<RevokeDef>,
}

/// A request with its placeholders checked.
#[derive(Debug, Clone)]
pub struct RequestTemplate {
    /// `GET`, `POST`, `PUT`, `DELETE` or `HEAD`.
    pub method: String,
    /// The URL: a built-in `https` host, a path and query that may hold placeholders.
    pub url: UrlTemplate,
    /// Headers, values with placeholders.
    pub headers: Vec<(String, Template)>,
    /// HTTP Basic credentials (user, password), with placeholders.
    pub basic: Option<(Template, Template)>,
    /// The body, with placeholders encoded for `content_type`.
    pub body: Option<Template>,
    /// The body's media type.
    pub content_type: Option<String>,
    /// Sign the request with AWS SigV4 (parts `key_id`, `secret`, optional `session_token`).
    pub sign: Option<SigV4>,
    /// For keys that are URLs (webhooks): the origins the secret may start with.
    pub secret_origins: Vec<String>,
}

/// One read-only check: which rules it verifies, what other parts it needs, the request and
/// how to read the answer.
#[derive(Debug, Clone)]
pub struct Check {
    /// The rules whose findings this check verifies.
    pub rules: Vec<String>,
    /// Other findings the request needs, by placeholder name: the rules that can provide each.
    pub parts: BTreeMap<String, Vec<String>>,
    /// Parts used when found, left out otherwise.
    pub optional_parts: BTreeMap<String, Vec<String>>,
    /// The request.
    pub request: RequestTemplate,
    /// How to read the answer, first match wins.
    pub answers: Vec<Answer>,
    /// What to show of a live answer.
    pub detail: Vec<DetailField>,
    /// A caveat added to an `invalid` result (a self-managed instance's token, another site).
    pub note: Option<String>,
}

/// A revocation through the provider's API.
#[derive(Debug, Clone)]
pub struct Revoke {
    /// The rules whose keys this request revokes.
    pub rules: Vec<String>,
    /// The request.
    pub request: RequestTemplate,
    /// How to read the answer (`revoked`, `invalid` when it was no longer valid).
    pub answers: Vec<Answer>,
}

/// One provider's verifier file.
#[derive(Debug, Clone)]
pub struct Provider {
    /// The file name (`openai.toml`).
    pub file: String,
    /// The provider's name.
    pub name: String,
    /// Days after which a key should be rotated whatever its status.
    pub rotation_days: u64,
    /// Every rule this file speaks for.
    pub rules: BTreeSet<String>,
    /// What `leakward explain` says.
    pub guide: Option<Guide>,
    /// The checks.
    pub checks: Vec<Check>,
    /// The revocation requests.
    pub revokes: Vec<Revoke>,
}

impl Provider {
    /// The host of the provider's first check, if it has one (for the README's list).
    pub fn check_host(&self) -> Option<&str> {
        self.checks.first().map(|c| c.request.url.host())
    }
}

/// Every verifier file, indexed by rule id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    providers: Vec<Provider>,
    by_rule: HashMap<String, usize>,
}

impl Catalog {
    /// The verifiers built into leakward.
    ///
    /// # Errors
    /// A built-in file that does not follow the schema (the test suite proves none does).
    pub fn builtin() -> Result<Catalog, CatalogError> {
        Catalog::from_files(BUILTIN_VERIFIER_FILES.iter().copied())
    }

    /// Parses and checks `(file name, TOML)` pairs.
    ///
    /// # Errors
    /// A file that is not valid TOML, breaks the schema, names a host with a placeholder or a
    /// plain `http` URL, or claims a rule another file already claims.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::default();
        for (file, text) in files {
            let error = |message: String| CatalogError {
                file: file.to_string(),
                message,
            };
            let def: ProviderDef = toml::from_str(text).map_err(|e| error(e.to_string()))?;
            let provider = Provider::from_def(file, def).map_err(error)?;
            let index = catalog.providers.len();
            for rule in &provider.rules {
                if let Some(&other) = catalog.by_rule.get(rule) {
                    return Err(error(format!(
                        "rule `{rule}` is already described by {}",
                        catalog.providers[other].file
                    )));
                }
                catalog.by_rule.insert(rule.clone(), index);
            }
            catalog.providers.push(provider);
        }
        Ok(catalog)
    }

    /// Every provider file, in file-name order.
    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    /// The provider file that speaks for `rule_id`.
    pub fn provider(&self, rule_id: &str) -> Option<&Provider> {
        self.by_rule.get(rule_id).map(|&i| &self.providers[i])
    }

    /// The check that verifies findings of `rule_id`.
    pub fn check(&self, rule_id: &str) -> Option<&Check> {
        self.provider(rule_id)?
            .checks
            .iter()
            .find(|c| c.rules.iter().any(|r| r == rule_id))
    }

    /// The API revocation for keys of `rule_id`.
    pub fn revoke(&self, rule_id: &str) -> Option<&Revoke> {
        self.provider(rule_id)?
            .revokes
            .iter()
            .find(|r| r.rules.iter().any(|id| id == rule_id))
    }

    /// The rotation period for keys of `rule_id`, in days.
    pub fn rotation_days(&self, rule_id: &str) -> u64 {
        self.provider(rule_id)
            .map_or(DEFAULT_ROTATION_DAYS, |p| p.rotation_days)
    }

    /// Whether findings of `rule_id` are a part that some other rule's check needs.
    pub fn is_part(&self, rule_id: &str) -> bool {
        self.providers.iter().flat_map(|p| &p.checks).any(|c| {
            c.parts
                .values()
                .chain(c.optional_parts.values())
                .flatten()
                .any(|r| r == rule_id)
        })
    }

    /// Every rule id the files name, sorted.
    pub fn rule_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.by_rule.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }
}

impl Provider {
    fn from_def(file: &str, def: ProviderDef) -> Result<Provider, String> {
        if def.provider.trim().is_empty() {
            return Err("`provider` is empty".into());
        }
        let mut rules: BTreeSet<String> = def.rules.iter().cloned().collect();
        let mut checked = BTreeSet::new();
        let mut checks = Vec::new();
        for check in def.checks {
            if check.rules.is_empty() {
                return Err("a check lists no rules".into());
            }
            for rule in &check.rules {
                if !checked.insert(rule.clone()) {
                    return Err(format!("rule `{rule}` has two checks"));
                }
            }
            let mut names = Placeholders::secret();
            for name in check.parts.keys().chain(check.optional_parts.keys()) {
                names
                    .add_part(name)
                    .map_err(|e| format!("part `{name}`: {e}"))?;
            }
            let request = RequestTemplate::from_def(check.request, &names)?;
            check_answers(&check.answers, &[Means::Live, Means::Invalid])?;
            for field in &check.detail {
                let sources = [&field.json, &field.header, &field.xml]
                    .iter()
                    .filter(|s| s.is_some())
                    .count();
                if sources != 1 {
                    return Err(format!(
                        "detail `{}`: give exactly one of json, header, xml",
                        field.label
                    ));
                }
            }
            rules.extend(check.rules.iter().cloned());
            for part_rules in check.parts.values().chain(check.optional_parts.values()) {
                rules.extend(part_rules.iter().cloned());
            }
            checks.push(Check {
                rules: check.rules,
                parts: check.parts,
                optional_parts: check.optional_parts,
                request,
                answers: check.answers,
                detail: check.detail,
                note: check.note,
            });
        }
        let mut revokes = Vec::new();
        for revoke in def.revokes {
            if revoke.rules.is_empty() {
                return Err("a revoke lists no rules".into());
            }
            let request = RequestTemplate::from_def(revoke.request, &Placeholders::secret())?;
            check_answers(&revoke.answers, &[Means::Revoked])?;
            rules.extend(revoke.rules.iter().cloned());
            revokes.push(Revoke {
                rules: revoke.rules,
                request,
                answers: revoke.answers,
            });
        }
        Ok(Provider {
            file: file.to_string(),
            name: def.provider,
            rotation_days: def.rotation_days.unwrap_or(DEFAULT_ROTATION_DAYS),
            rules,
            guide: def.guide,
            checks,
            revokes,
        })
    }
}

/// Answers must be non-empty, test a JSON value only with a pointer, and include `required`.
fn check_answers(answers: &[Answer], required: &[Means]) -> Result<(), String> {
    for means in required {
        if !answers.iter().any(|a| a.means == *means) {
            return Err(format!("no answer means {means:?}").to_lowercase());
        }
    }
    for answer in answers {
        if answer.status.is_empty() {
            return Err("an answer lists no status".into());
        }
        if (answer.equals.is_some() || answer.one_of.is_some()) && answer.json.is_none() {
            return Err("`equals` and `one_of` need a `json` pointer".into());
        }
    }
    Ok(())
}

impl RequestTemplate {
    fn from_def(def: RequestDef, names: &Placeholders) -> Result<RequestTemplate, String> {
        let method = def.method.to_ascii_uppercase();
        if !["GET", "POST", "PUT", "DELETE", "HEAD"].contains(&method.as_str()) {
            return Err(format!(
                "method `{}` is not GET, POST, PUT, DELETE or HEAD",
                def.method
            ));
        }
        let url = UrlTemplate::parse(&def.url, names)?;
        let mut headers = Vec::new();
        for (name, value) in def.headers {
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(format!("header name `{name}` is not a token"));
            }
            headers.push((name, Template::parse(&value, names)?));
        }
        let basic = def
            .basic
            .map(|[user, password]| {
                Ok::<_, String>((
                    Template::parse(&user, names)?,
                    Template::parse(&password, names)?,
                ))
            })
            .transpose()?;
        let body = def.body.map(|b| Template::parse(&b, names)).transpose()?;
        if body.is_some() && def.content_type.is_none() {
            return Err("a body needs a `content_type`".into());
        }
        if def.sign.is_some() && !(names.has("key_id")) {
            return Err("a signed request needs a `key_id` part".into());
        }
        for origin in &def.secret_origins {
            if !origin.starts_with("https://") || origin[8..].contains('/') {
                return Err(format!("secret origin `{origin}` is not https://host"));
            }
        }
        if url.takes_secret_path() && def.secret_origins.is_empty() {
            return Err("`{secret_path}` needs `secret_origins`".into());
        }
        Ok(RequestTemplate {
            method,
            url,
            headers,
            basic,
            body,
            content_type: def.content_type,
            sign: def.sign,
            secret_origins: def.secret_origins,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
provider = "Acme"
[[check]]
rules = ["acme-key"]
method = "GET"
url = "https://api.acme.dev/v1/me"
headers = { Authorization = "Bearer {secret}" }
answers = [{ status = [200], means = "live" }, { status = [401], means = "invalid" }]
"#;

    #[test]
    fn builtin_files_load() {
        let catalog = Catalog::builtin().expect("built-in verifiers load");
        assert!(catalog.providers().len() >= 40);
        assert!(catalog.check("openai-project-key").is_some());
    }

    #[test]
    fn a_good_file_loads_and_indexes_its_rules() {
        let catalog = Catalog::from_files([("acme.toml", GOOD)]).expect("loads");
        let check = catalog.check("acme-key").expect("indexed");
        assert_eq!(check.request.url.host(), "api.acme.dev");
        assert!(catalog.check("other").is_none());
        assert_eq!(catalog.rotation_days("acme-key"), DEFAULT_ROTATION_DAYS);
    }

    #[test]
    fn hosts_are_fixed_https_hosts() {
        for url in [
            "http://api.acme.dev/v1/me",
            "https://{secret}.acme.dev/v1/me",
            "https://api.acme.dev{secret}/x",
            "https://user@api.acme.dev/",
            "ftp://api.acme.dev/",
        ] {
            let text = GOOD.replace("https://api.acme.dev/v1/me", url);
            let error = Catalog::from_files([("acme.toml", text.as_str())]).unwrap_err();
            assert!(error.to_string().contains("acme.toml"), "{url}: {error}");
        }
    }

    #[test]
    fn unknown_placeholders_and_duplicate_rules_are_errors() {
        let text = GOOD.replace("Bearer {secret}", "Bearer {key_id}");
        assert!(Catalog::from_files([("acme.toml", text.as_str())]).is_err());
        let twice = Catalog::from_files([("a.toml", GOOD), ("b.toml", GOOD)]).unwrap_err();
        assert!(twice.to_string().contains("already described by a.toml"));
        let no_invalid = GOOD.replace(", { status = [401], means = \"invalid\" }", "");
        assert!(Catalog::from_files([("acme.toml", no_invalid.as_str())]).is_err());
    }
}
