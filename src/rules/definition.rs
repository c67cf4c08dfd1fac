//! The rule schema as written in `rules/*.toml` and in custom rule files.

use serde::{Deserialize, Serialize};

/// One rule file: a list of `[[rule]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rules, in file order.
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleDefinition>,
    /// Multi-part credentials: parts that are a leak together with a rule's secret.
    #[serde(default, rename = "pair")]
    pub pairs: Vec<PairDefinition>,
}

/// A part of a credential that is only a leak together with another rule's secret (an AWS
/// access key id with its secret key), written as a `[[pair]]` table in a rule file.
///
/// When a part is near a secret of rule `secret`, the secret's finding names it (one finding,
/// the secret is its span); a secret with no part near it is reported alone as before.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairDefinition {
    /// Id of the rule whose findings gain the part.
    pub secret: String,
    /// What reports call the part (`access key id`).
    pub part: String,
    /// The part is a match of this rule; its own finding is folded into the secret's.
    #[serde(default)]
    pub rule: Option<String>,
    /// Or: the part is capture group 1 of this pattern, searched only near the secret.
    #[serde(default)]
    pub pattern: Option<String>,
    /// The part must start at most this many lines before or after the secret's line
    /// (0: on the same line).
    #[serde(default = "default_within_lines")]
    pub within_lines: usize,
    /// Texts in which the secret's finding names this part.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts in which the secret may be found, but never with this part.
    #[serde(default)]
    pub negatives: Vec<String>,
}

fn default_within_lines() -> usize {
    5
}

/// The most lines a pair's part may be from its secret.
pub const MAX_PAIR_LINES: usize = 50;

/// A rule as written by its author, before validation and compilation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDefinition {
    /// Stable identifier (`openai-project-key`); baselines and SARIF depend on it.
    pub id: String,
    /// Human name of the credential kind.
    pub name: String,
    /// Display name of the key's owner (`OpenAI`).
    pub provider: String,
    /// What kind of service the credential belongs to; every built-in rule has one. A custom
    /// rule without one is in [`Category::Custom`].
    #[serde(default)]
    pub category: Option<Category>,
    /// Where the shape comes from: the provider's documentation page or a public reference.
    /// Every built-in rule has one.
    #[serde(default)]
    pub source: Option<String>,
    /// Literal keywords, ASCII case-insensitive; the rule runs only near one of them.
    pub keywords: Vec<String>,
    /// Regex (bytes, Unicode off) whose capture group 1 is the secret.
    pub pattern: String,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// How bad a leak of this credential is.
    pub severity: Severity,
    /// How sure we are that the shape belongs to this provider.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where the owner revokes the credential.
    pub revoke: String,
    /// Bytes searched after a keyword occurrence (default [`DEFAULT_WINDOW`]).
    #[serde(default)]
    pub window: Option<usize>,
    /// Bytes searched before a keyword occurrence (default [`DEFAULT_LOOKBEHIND`]): the most
    /// bytes by which a match can start before the keyword it contains. A pattern that starts
    /// with its keyword needs 0; a smaller value means fewer bytes through the regex.
    #[serde(default)]
    pub lookbehind: Option<usize>,
    /// Every match starts where one of the rule's keywords starts: the pattern is tried
    /// anchored at each keyword occurrence instead of searched through a window around it.
    /// For patterns whose lazy DFA would otherwise track many overlapping starts at once (a
    /// name of up to 40 characters, then a value of up to 200, both from the same letters),
    /// which on a line full of keywords builds a new DFA state for nearly every byte.
    #[serde(default)]
    pub starts_at_keyword: bool,
    /// A catch-all rule (generic assignment, any JWT, any URL password) that yields to every
    /// specific rule matching an overlapping secret.
    #[serde(default)]
    pub fallback: bool,
    /// A check of the secret beyond its shape, for generic rules whose only evidence is a name
    /// such as `password` or `token`.
    #[serde(default)]
    pub value_check: Option<ValueCheck>,
    /// Exact secrets the vendor publishes as examples; never findings.
    #[serde(default)]
    pub documented_examples: Vec<String>,
    /// Lines on which the rule must report a finding.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Lines on which the rule must report nothing.
    #[serde(default)]
    pub negatives: Vec<String>,
}

/// A check of a rule's secret beyond its shape (`value_check` in a rule file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueCheck {
    /// The secret must look randomly generated (`crate::scan::looks_random`) and its context
    /// must not name a public random value (a CSRF token, a checksum, an ICE password).
    Random,
    /// The secret is the base64 of `user:password` (HTTP Basic authentication) and the
    /// password must look random.
    BasicAuth,
    /// The secret is a JSON Web Token whose header and claims decode to JSON objects, the
    /// header naming an algorithm other than `none`, and whose claims are not a published
    /// sample's (`crate::scan::is_plausible_jwt`).
    Jwt,
}

/// Bytes searched after a keyword occurrence when a rule sets no `window`.
pub const DEFAULT_WINDOW: usize = 256;

/// Bytes searched before a keyword occurrence when a rule sets no `lookbehind`.
pub const DEFAULT_LOOKBEHIND: usize = 256;

/// The largest `window` or `lookbehind` a rule may ask for: chunked reading keeps at least
/// this much of a blob after and before each chunk, so a window around a keyword in the chunk
/// holds the same bytes as in the whole blob.
pub const MAX_WINDOW: usize = 16 * 1024;

/// How bad a leak of a credential is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Identifiers that are useless alone.
    Low,
    /// Narrow tokens.
    Medium,
    /// API keys that spend money or read private data.
    High,
    /// Keys that control a whole account or cloud.
    Critical,
}

impl Severity {
    /// The lowercase name used in every report.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How sure a rule is that a matching shape belongs to its provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A reasoned guess.
    Low,
    /// One scanner or observed leaks agree.
    #[default]
    Medium,
    /// The provider documents it, or two independent scanners agree.
    High,
}

impl Confidence {
    /// The lowercase name used in every report.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// What kind of service a credential belongs to: `leakward rules --category`,
/// `--only-categories` and `--skip-categories` select rules by it, and reports carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// AI model, inference and AI tooling providers.
    Ai,
    /// Cloud platforms and hosting.
    Cloud,
    /// Source forges and CI/CD services.
    ForgeCi,
    /// Package and container registries.
    Registry,
    /// Payment and commerce.
    Payment,
    /// Chat, messaging and e-mail delivery.
    ChatMail,
    /// Databases and message brokers (connection strings and keys).
    Database,
    /// Other software-as-a-service APIs.
    Saas,
    /// Monitoring, logging and error tracking.
    Observability,
    /// Private keys of every armour.
    PrivateKey,
    /// Shape-only detectors: secret-looking assignments, JWTs, passwords in URLs.
    Generic,
    /// A user's own rule that names no category.
    Custom,
}

impl Category {
    /// Every category, in the order reports and listings use (AI first).
    pub const ALL: [Category; 12] = [
        Category::Ai,
        Category::Cloud,
        Category::ForgeCi,
        Category::Registry,
        Category::Payment,
        Category::ChatMail,
        Category::Database,
        Category::Saas,
        Category::Observability,
        Category::PrivateKey,
        Category::Generic,
        Category::Custom,
    ];

    /// The name used in rule files, on the command line and in every report.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Ai => "ai",
            Category::Cloud => "cloud",
            Category::ForgeCi => "forge-ci",
            Category::Registry => "registry",
            Category::Payment => "payment",
            Category::ChatMail => "chat-mail",
            Category::Database => "database",
            Category::Saas => "saas",
            Category::Observability => "observability",
            Category::PrivateKey => "private-key",
            Category::Generic => "generic",
            Category::Custom => "custom",
        }
    }

    /// The category named `name` (as [`Category::as_str`] writes it).
    ///
    /// # Errors
    /// An unknown name; the message lists the known ones.
    pub fn parse(name: &str) -> Result<Category, String> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == name.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                format!("unknown category {name:?} (known: {})", known.join(", "))
            })
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
