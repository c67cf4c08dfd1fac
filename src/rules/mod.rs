//! Rules: loading the built-in and custom rule files, validating and compiling them.
//!
//! A [`RuleSet`] is compiled once per run and shared read-only by every scanning thread.

mod definition;
mod interleaved;
mod keywords;
mod names;
mod pair;
mod prefixes;
mod shape;
pub mod triggers;

pub use definition::{
    Category, Confidence, PairDefinition, RuleDefinition, RuleFile, Severity, ValueCheck,
    DEFAULT_LOOKBEHIND, DEFAULT_WINDOW, MAX_PAIR_LINES, MAX_WINDOW,
};
pub use keywords::{KeywordHit, KeywordIndex, TriggerHit};
use names::ProviderNames;
pub use pair::{Pair, PartPattern, Partner};
use prefixes::ProviderPrefixes;
use shape::SecretShape;

use crate::error::{Error, Result};
/// A rule's compiled pattern ([`Rule::regex`]): searched unanchored through a window, or
/// anchored at a keyword for a rule that starts at one.
pub use regex_automata::meta::Regex as CompiledPattern;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// A validated, compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable identifier.
    pub id: String,
    /// Human name of the credential kind.
    pub name: String,
    /// Display name of the key's owner.
    pub provider: String,
    /// What kind of service the credential belongs to.
    pub category: Category,
    /// Where the rule's shape comes from (empty for a custom rule that names none).
    pub source: String,
    /// Literal keywords (as written).
    pub keywords: Vec<String>,
    /// The pattern source.
    pub pattern: String,
    /// The pattern, compiled on first use: most rules never see their keyword in a given
    /// tree, and compiling all of them up front costs more than scanning a small repository.
    regex: OnceLock<Result<CompiledPattern, String>>,
    /// The secret part of the pattern, compiled on first use ([`Rule::fits_secret_shape`]).
    shape: OnceLock<Option<SecretShape>>,
    /// Minimum Shannon entropy of the secret (0 when unset).
    pub min_entropy: f64,
    /// How bad a leak is.
    pub severity: Severity,
    /// How sure the shape is the provider's.
    pub confidence: Confidence,
    /// Where the owner revokes the credential.
    pub revoke: String,
    /// Bytes searched after a keyword occurrence.
    pub window: usize,
    /// Bytes searched before a keyword occurrence.
    pub lookbehind: usize,
    /// Whether every match starts at a keyword occurrence, where the pattern is then tried
    /// anchored.
    pub starts_at_keyword: bool,
    /// Whether this catch-all rule yields to specific rules on overlapping secrets.
    pub fallback: bool,
    /// A check of the secret beyond its shape (generic rules).
    pub value_check: Option<ValueCheck>,
    /// Vendor-published example secrets, never findings.
    pub documented_examples: HashSet<Vec<u8>>,
    /// Lines the rule must find something in.
    pub examples: Vec<String>,
    /// Lines the rule must find nothing in.
    pub negatives: Vec<String>,
    /// The file the rule came from (a built-in file name or a path).
    pub source_file: String,
}

impl Rule {
    /// The compiled pattern (group 1 is the secret), compiled on first use.
    ///
    /// # Errors
    /// The pattern was checked when the rule was loaded, so this fails only if the compiled
    /// program would exceed the size limit; [`RuleSet::compile_now`] surfaces that early.
    pub fn regex(&self) -> Result<&CompiledPattern, &str> {
        self.regex
            .get_or_init(|| compile_pattern(&self.pattern))
            .as_ref()
            .map_err(String::as_str)
    }

    /// Whether the whole of `value` has the shape of this rule's secret (its pattern's group 1,
    /// without the context around it). True when the shape cannot be told (a custom pattern
    /// whose group does not compile alone): a rule that cannot tell does not disown a value.
    pub fn fits_secret_shape(&self, value: &[u8]) -> bool {
        self.shape
            .get_or_init(|| SecretShape::of(&self.pattern))
            .as_ref()
            .map_or(true, |shape| shape.fits(value))
    }

    /// The length of the longest keyword that starts `secret` (ASCII case-insensitive), or 0.
    ///
    /// A secret that starts with a keyword carries its provider's prefix, which is what
    /// redaction keeps visible and what makes a rule more specific than a context rule.
    pub fn prefix_len(&self, secret: &[u8]) -> usize {
        self.keywords
            .iter()
            .map(|k| k.as_bytes())
            .filter(|k| secret.len() >= k.len() && secret[..k.len()].eq_ignore_ascii_case(k))
            .map(<[u8]>::len)
            .max()
            .unwrap_or(0)
    }
}

/// Compiles a rule's pattern: bytes, Unicode off (ASCII `\w`, `\b`, `\s` and case folding),
/// within the size limits, and without the regex engine's own literal prefilter. The pattern
/// only ever runs near an occurrence of one of its keywords, which the keyword automaton has
/// already found. Building that prefilter (extracting the pattern's literals, then a Teddy
/// searcher for them) was a third of the cost of compiling the rules a tree scan needs, and
/// cost more than it saved in the windows: on langchainjs's tree, compiling took 88M fewer
/// instructions and the windows' searches 63M more.
fn compile_pattern(pattern: &str) -> std::result::Result<CompiledPattern, String> {
    CompiledPattern::builder()
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .configure(
            CompiledPattern::config()
                .utf8_empty(false)
                .auto_prefilter(false)
                .nfa_size_limit(Some(PATTERN_SIZE_LIMIT))
                .hybrid_cache_capacity(LAZY_DFA_CACHE),
        )
        .build(pattern)
        .map_err(|e| e.to_string())
}

/// The most bytes one compiled pattern may take (the `regex` crate's default is 10 MiB).
pub(crate) const PATTERN_SIZE_LIMIT: usize = 64 * 1024 * 1024;

/// Bytes of lazy-DFA states each compiled pattern may keep per scanning thread (the regex
/// crate's default is 10 MiB). With 634 patterns run over a whole history their caches add
/// up: langchainjs's history peaked at 333 MB with the default, 298 MB with 1 MiB (for 1.5%
/// more instructions on a tree scan), 277 MB with 256 KiB (but 13% more instructions, the
/// caches being cleared and refilled).
const LAZY_DFA_CACHE: usize = 1024 * 1024;

/// All rules of a run, with the shared keyword automaton.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    keywords: KeywordIndex,
    pairs: Vec<Pair>,
    /// For each rule, the indexes of the pairs whose secret it finds.
    pairs_of: Vec<Vec<usize>>,
    /// See [`RuleSet::digest`].
    digest: String,
    /// See [`RuleSet::starts_with_provider_prefix`].
    /// Built on first use: a run with no generic candidate never needs it.
    provider_prefixes: OnceLock<ProviderPrefixes>,
    /// See [`RuleSet::names_a_provider_of_another_shape`]; built on first use.
    provider_names: OnceLock<ProviderNames>,
}

impl RuleSet {
    /// Loads and compiles the rules embedded in the binary.
    ///
    /// # Errors
    /// Fails only if a built-in file is invalid, which the test suite rules out.
    pub fn builtin() -> Result<RuleSet> {
        RuleSet::compile(builtin_definitions()?)?.with_pairs(builtin_pairs()?)
    }

    /// Loads rules from a file, or from every `*.toml` file of a directory (in name order).
    ///
    /// # Errors
    /// An unreadable path, invalid TOML, a schema error or an invalid rule.
    pub fn from_path(path: &Path) -> Result<RuleSet> {
        RuleSet::compile(definitions_from_path(path)?)?.with_pairs(pairs_from_path(path)?)
    }

    /// Validates and compiles rule definitions (each with the file it came from).
    ///
    /// # Errors
    /// A duplicate id or any invalid field, naming the file and the rule.
    pub fn compile(definitions: Vec<(String, RuleDefinition)>) -> Result<RuleSet> {
        RuleSet::compile_trusting(definitions, |_| false)
    }

    /// [`RuleSet::compile`], skipping the pattern's syntax checks (the costliest part of
    /// loading) for the definitions from the files `trusted` names: the built-in files, which
    /// the test suite checks in full. A pattern is still compiled before it is used.
    ///
    /// # Errors
    /// As [`RuleSet::compile`].
    pub fn compile_trusting(
        definitions: Vec<(String, RuleDefinition)>,
        trusted: impl Fn(&str) -> bool,
    ) -> Result<RuleSet> {
        let mut seen = HashSet::new();
        let mut rules = Vec::with_capacity(definitions.len());
        let mut digest = Sha256::new();
        for (file, definition) in definitions {
            // Every field that decides what the rule finds and how a finding reads, in load
            // order; not the file, which only names it, nor the examples, which only prove it.
            digest.update(
                format!(
                    "{}\0{:?}\0{}\0{:?}\0{:?}\0{:?}\0{}\0{}\0{:?}\0{:?}\0{:?}\0{:?}\0{}\0{}\0{:?}\0{:?}\n",
                    definition.id,
                    definition.keywords,
                    definition.pattern,
                    definition.min_entropy,
                    definition.window,
                    definition.lookbehind,
                    definition.starts_at_keyword,
                    definition.fallback,
                    definition.value_check,
                    definition.documented_examples,
                    definition.severity,
                    definition.confidence,
                    definition.name,
                    definition.revoke,
                    definition.category,
                    definition.provider,
                )
                .as_bytes(),
            );
            if !seen.insert(definition.id.clone()) {
                return Err(Error::Rule {
                    file,
                    rule: definition.id,
                    message: "duplicate rule id".into(),
                });
            }
            let check_pattern = !trusted(&file);
            rules.push(compile_rule(file, definition, check_pattern)?);
        }
        // The decoders' triggers ride along in the keyword pass: no second pass over the bytes.
        let keywords = KeywordIndex::new(&rules, &triggers::trigger_literals());
        let pairs_of = vec![Vec::new(); rules.len()];
        let digest = digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(RuleSet {
            rules,
            keywords,
            pairs: Vec::new(),
            pairs_of,
            digest,
            provider_prefixes: OnceLock::new(),
            provider_names: OnceLock::new(),
        })
    }

    /// This rule set with the multi-part credentials `definitions` declare. Pairs whose secret
    /// or partner rule is not in the set are left out.
    ///
    /// # Errors
    /// An invalid pair (see [`PairDefinition`]), naming its file.
    pub fn with_pairs(mut self, definitions: Vec<(String, PairDefinition)>) -> Result<RuleSet> {
        self.pairs = pair::compile_pairs(&self.rules, definitions)?;
        self.pairs_of = vec![Vec::new(); self.rules.len()];
        for (index, pair) in self.pairs.iter().enumerate() {
            self.pairs_of[pair.secret_rule].push(index);
        }
        Ok(self)
    }

    /// Every multi-part credential of this set.
    pub fn pairs(&self) -> &[Pair] {
        &self.pairs
    }

    /// The pair at `index`.
    pub fn pair(&self, index: usize) -> &Pair {
        &self.pairs[index]
    }

    /// Indexes of the pairs whose secret rule `rule` finds.
    pub fn pairs_of(&self, rule: usize) -> &[usize] {
        &self.pairs_of[rule]
    }

    /// A digest (hex SHA-256) of every definition in the set, in load order: two rule sets
    /// with the same digest find the same things. The blob cache keys on it, so disabling a
    /// rule, adding a custom one or choosing other categories scans afresh.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The rules, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether `value` starts with a provider's prefix (src/rules/prefixes.rs: `sk-`,
    /// `xoxp-`, `apify_api_`, `HRKU-AA`). A generic rule leaves such a value
    /// to its provider's rule, which knows its length and alphabet: one that rule rejects
    /// is a truncated or made-up key (`sk-…` of the wrong length), not a generic secret.
    pub fn starts_with_provider_prefix(&self, value: &[u8]) -> bool {
        self.provider_prefixes
            .get_or_init(|| ProviderPrefixes::of(&self.rules))
            .starts(value)
    }

    /// Whether an assignment's name (`name_words`) names a provider, none of whose rules'
    /// secret shapes `value` has: `deepgram_key = <32 hex>` when Deepgram keys are 40 hex digits. A
    /// generic rule leaves such a value alone: it is not the named provider's key (a test's
    /// near-miss, a truncated or made-up key), and the provider's rule has already judged the
    /// line. Names of no provider, or of platforms with more kinds of secret than the rules
    /// know, decide nothing.
    ///
    /// `name_words` is the name split into words (`WANDB_API_KEY`: `WANDB`, `API`, `KEY`); a
    /// provider is named by one word or a few consecutive ones.
    pub fn names_a_provider_of_another_shape(&self, name_words: &[&[u8]], value: &[u8]) -> bool {
        let names = self
            .provider_names
            .get_or_init(|| ProviderNames::of(&self.rules));
        let named = names.rules_named_in(name_words);
        !named.is_empty()
            && !named
                .iter()
                .any(|&index| self.rules[index].fits_secret_shape(value))
    }

    /// The rule at `index`.
    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    /// The shared keyword automaton.
    pub fn keywords(&self) -> &KeywordIndex {
        &self.keywords
    }

    /// Compiles now the patterns of the rules `which` selects (rules from files the user gave),
    /// so that a pattern too large to compile is an error at load time, not a silent skip.
    ///
    /// # Errors
    /// The first pattern that does not compile, naming its file and rule.
    pub fn compile_now(&self, which: impl Fn(&Rule) -> bool) -> Result<()> {
        for rule in self.rules.iter().filter(|r| which(r)) {
            rule.regex().map_err(|message| Error::Rule {
                file: rule.source_file.clone(),
                rule: rule.id.clone(),
                message: format!("invalid pattern: {message}"),
            })?;
        }
        Ok(())
    }

    /// The largest `window` of any rule.
    pub fn max_window(&self) -> usize {
        self.rules
            .iter()
            .map(|r| r.window)
            .max()
            .unwrap_or(DEFAULT_WINDOW)
    }
}

/// The definitions embedded in the binary, each with its file name.
///
/// The build turns each `rules/*.toml` file into JSON (see `build.rs`), which is read here
/// with the same schema in a tenth of the time TOML takes; a rule file that is not valid TOML
/// fails the build.
///
/// # Errors
/// Fails only if a built-in file is invalid, which the test suite rules out.
pub fn builtin_definitions() -> Result<Vec<(String, RuleDefinition)>> {
    let mut definitions = Vec::new();
    for (file, json) in BUILTIN_RULE_FILES {
        let parsed: RuleFile = serde_json::from_str(json).map_err(|e| Error::RuleFile {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        definitions.extend(parsed.rules.into_iter().map(|d| (file.to_string(), d)));
    }
    Ok(definitions)
}

/// Whether `file` names a built-in rule file (as [`builtin_definitions`] names them).
pub fn is_builtin_file(file: &str) -> bool {
    BUILTIN_RULE_FILES.iter().any(|(name, _)| *name == file)
}

/// The `[[pair]]` tables embedded in the binary, each with its file name.
///
/// # Errors
/// Fails only if a built-in file is invalid, which the test suite rules out.
pub fn builtin_pairs() -> Result<Vec<(String, PairDefinition)>> {
    let mut pairs = Vec::new();
    // Only files with pairs are parsed again (one today): parsing every rule file twice would
    // cost more than a small scan.
    for (file, json) in BUILTIN_RULE_FILES
        .iter()
        .filter(|(_, json)| json.contains("\"pair\""))
    {
        let parsed: RuleFile = serde_json::from_str(json).map_err(|e| Error::RuleFile {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        pairs.extend(parsed.pairs.into_iter().map(|d| (file.to_string(), d)));
    }
    Ok(pairs)
}

/// The `[[pair]]` tables of a rule file, or of every `*.toml` file of a directory.
///
/// # Errors
/// An unreadable path, invalid TOML or a schema error.
pub fn pairs_from_path(path: &Path) -> Result<Vec<(String, PairDefinition)>> {
    let mut pairs = Vec::new();
    for (name, text) in read_rule_files(path)?
        .into_iter()
        .filter(|(_, text)| text.contains("pair"))
    {
        pairs.extend(
            parse_file(&name, &text)?
                .pairs
                .into_iter()
                .map(|d| (name.clone(), d)),
        );
    }
    Ok(pairs)
}

/// The definitions in a rule file, or in every `*.toml` file of a directory (in name order).
///
/// # Errors
/// An unreadable path, invalid TOML or a schema error.
pub fn definitions_from_path(path: &Path) -> Result<Vec<(String, RuleDefinition)>> {
    let mut definitions = Vec::new();
    for (name, text) in read_rule_files(path)? {
        definitions.extend(
            parse_rule_file(&name, &text)?
                .into_iter()
                .map(|d| (name.clone(), d)),
        );
    }
    Ok(definitions)
}

/// The name and text of a rule file, or of every `*.toml` file of a directory (in name order).
fn read_rule_files(path: &Path) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let file = entry.path();
            if file.extension().is_some_and(|ext| ext == "toml") {
                files.push(file);
            }
        }
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).map_err(|source| Error::Io {
                path: file.clone(),
                source,
            })?;
            Ok((file.display().to_string(), text))
        })
        .collect()
}

/// Parses one rule file's TOML into definitions.
///
/// # Errors
/// Invalid TOML or a schema error, with the line the parser reports.
pub fn parse_rule_file(file: &str, text: &str) -> Result<Vec<RuleDefinition>> {
    parse_file(file, text).map(|f| f.rules)
}

/// Parses one rule file's TOML: its rules and its pairs.
fn parse_file(file: &str, text: &str) -> Result<RuleFile> {
    toml::from_str::<RuleFile>(text).map_err(|e| Error::RuleFile {
        file: file.to_string(),
        message: describe_toml_error(text, &e),
    })
}

/// Formats a TOML error as `line N: message`.
pub fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().to_string();
    match error.span() {
        Some(span) => {
            let line = text.as_bytes()[..span.start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

/// Parses a pattern with the syntax [`compile_pattern`] compiles it with (bytes, Unicode off),
/// for checks that look at its structure. The error reads "invalid pattern: …".
fn parse_pattern(pattern: &str) -> std::result::Result<regex_syntax::hir::Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| format!("invalid pattern: {e}"))
}

/// Checks a pattern without compiling it: valid syntax (bytes, Unicode off), not too large,
/// and a capture group for the secret.
fn check_pattern_syntax(pattern: &str) -> std::result::Result<(), String> {
    let syntax = parse_pattern(pattern)?;
    let size = estimated_program_size(&syntax);
    if size > MAX_PROGRAM_SIZE {
        return Err(format!(
            "pattern too large: it would compile to about {size} states (at most \
             {MAX_PROGRAM_SIZE}); bound its repetitions"
        ));
    }
    if syntax.properties().explicit_captures_len() < 1 {
        return Err("pattern needs a capture group: group 1 is the secret".into());
    }
    Ok(())
}

/// The most states [`estimated_program_size`] allows a pattern: far above any built-in rule
/// and far below what would take seconds and gigabytes to compile (a configuration is input
/// an attacker can write, in a pull request that CI scans).
const MAX_PROGRAM_SIZE: u64 = 1_000_000;

/// An upper estimate of the states a pattern compiles to, from its syntax tree alone and
/// without compiling it: a repetition multiplies its body by its largest count (or by one
/// more than its smallest, when unbounded), everything else adds up.
fn estimated_program_size(hir: &regex_syntax::hir::Hir) -> u64 {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(literal) => literal.0.len() as u64,
        HirKind::Class(Class::Bytes(class)) => class.ranges().len() as u64,
        HirKind::Class(Class::Unicode(class)) => class.ranges().len() as u64 * 4,
        HirKind::Repetition(repetition) => {
            let count = u64::from(repetition.max.unwrap_or(repetition.min.saturating_add(1)));
            count
                .max(1)
                .saturating_mul(estimated_program_size(&repetition.sub))
        }
        HirKind::Capture(capture) => estimated_program_size(&capture.sub).saturating_add(2),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts
            .iter()
            .map(estimated_program_size)
            .fold(1, u64::saturating_add),
    }
}

fn compile_rule(file: String, d: RuleDefinition, check_pattern: bool) -> Result<Rule> {
    let fail = |message: String| Error::Rule {
        file: file.clone(),
        rule: d.id.clone(),
        message,
    };
    if d.id.is_empty()
        || !d
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(fail(
            "id must be non-empty lowercase letters, digits and dashes".into(),
        ));
    }
    if d.name.trim().is_empty() || d.provider.trim().is_empty() {
        return Err(fail("name and provider must not be empty".into()));
    }
    if d.keywords.is_empty() {
        return Err(fail("at least one keyword is required".into()));
    }
    if let Some(short) = d.keywords.iter().find(|k| k.len() < 3) {
        return Err(fail(format!("keyword {short:?} is shorter than 3 bytes")));
    }
    if !d.revoke.starts_with("https://") {
        return Err(fail("revoke must be an https:// address".into()));
    }
    let window = d.window.unwrap_or(DEFAULT_WINDOW);
    if window == 0 || window > MAX_WINDOW {
        return Err(fail(format!("window must be between 1 and {MAX_WINDOW}")));
    }
    let lookbehind = d.lookbehind.unwrap_or(if d.starts_at_keyword {
        0
    } else {
        DEFAULT_LOOKBEHIND
    });
    if lookbehind > MAX_WINDOW {
        return Err(fail(format!(
            "lookbehind must be between 0 and {MAX_WINDOW}"
        )));
    }
    if let Some(min) = d.min_entropy {
        if !(0.0..=8.0).contains(&min) {
            return Err(fail("min_entropy must be between 0 and 8".into()));
        }
    }
    if check_pattern {
        check_pattern_syntax(&d.pattern).map_err(fail)?;
    }
    if d.starts_at_keyword && lookbehind != 0 {
        return Err(fail(
            "starts_at_keyword needs lookbehind = 0 (or none)".into(),
        ));
    }
    Ok(Rule {
        regex: OnceLock::new(),
        shape: OnceLock::new(),
        starts_at_keyword: d.starts_at_keyword,
        min_entropy: d.min_entropy.unwrap_or(0.0),
        window,
        lookbehind,
        fallback: d.fallback,
        value_check: d.value_check,
        documented_examples: d
            .documented_examples
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        id: d.id,
        name: d.name,
        provider: d.provider,
        category: d.category.unwrap_or(Category::Custom),
        source: d.source.unwrap_or_default(),
        keywords: d.keywords,
        pattern: d.pattern,
        severity: d.severity,
        confidence: d.confidence,
        revoke: d.revoke,
        examples: d.examples,
        negatives: d.negatives,
        source_file: file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_with(extra: &str) -> Result<RuleSet> {
        let file = format!(
            "[[rule]]\nid = \"acme-token\"\nname = \"Acme token\"\nprovider = \"Acme\"\n\
             keywords = [\"acme_\"]\npattern = '(acme_[a-z]{{20}})'\nseverity = \"low\"\n\
             revoke = \"https://acme.invalid/\"\n{extra}"
        );
        let definitions = parse_rule_file("acme.toml", &file)?
            .into_iter()
            .map(|d| ("acme.toml".to_string(), d))
            .collect();
        RuleSet::compile(definitions)
    }

    #[test]
    fn huge_patterns_are_refused_before_compiling() {
        for pattern in [
            "(acme_(?:[a-z0-9]{1000}){1000})",
            "(acme_(?:(?:[a-z]{100}){100}){100})",
            "(acme_[a-z]{1000000})",
        ] {
            let started = std::time::Instant::now();
            let file = format!(
                "[[rule]]\nid = \"acme-token\"\nname = \"Acme\"\nprovider = \"Acme\"\n\
                 keywords = [\"acme_\"]\npattern = '{pattern}'\nseverity = \"low\"\n\
                 revoke = \"https://acme.invalid/\"\n"
            );
            let definitions = parse_rule_file("acme.toml", &file)
                .unwrap()
                .into_iter()
                .map(|d| ("acme.toml".to_string(), d))
                .collect();
            let error = RuleSet::compile(definitions).unwrap_err().to_string();
            assert!(error.contains("pattern too large"), "{pattern}: {error}");
            // Refused from the syntax tree: no compilation, so well under a second even
            // in a debug build on a busy machine.
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "{pattern}"
            );
        }
    }

    #[test]
    fn every_builtin_rule_passes_the_checks_the_loader_skips_for_it() {
        // The loader trusts the built-in files' patterns (compile_trusting); here they get
        // every check a user's rule gets.
        let definitions = builtin_definitions().unwrap();
        assert!(definitions.iter().all(|(file, _)| is_builtin_file(file)));
        for (file, definition) in &definitions {
            check_pattern_syntax(&definition.pattern)
                .unwrap_or_else(|e| panic!("{file}: {}: {e}", definition.id));
        }
        RuleSet::compile(definitions).unwrap();
        assert!(!is_builtin_file("custom.toml: line 3"));
    }

    #[test]
    fn every_builtin_pattern_is_well_under_the_size_estimate_limit() {
        for (file, definition) in builtin_definitions().unwrap() {
            let hir = parse_pattern(&definition.pattern).unwrap();
            let size = estimated_program_size(&hir);
            assert!(
                size * 4 < MAX_PROGRAM_SIZE,
                "{file}: {}: {size}",
                definition.id
            );
        }
    }

    #[test]
    fn every_rule_that_starts_at_a_keyword_provably_does() {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let mut anchored = 0;
        for (file, definition) in builtin_definitions().unwrap() {
            if !definition.starts_at_keyword {
                continue;
            }
            anchored += 1;
            let hir = parse_pattern(&definition.pattern).unwrap();
            // Every match starts with one of the extracted literals (an empty one would start
            // anywhere); the extraction's limits shape which literals come out, so each limit
            // gives a proof of its own.
            let starts_with_keyword = |literal: &[u8]| {
                definition.keywords.iter().any(|keyword| {
                    literal.len() >= keyword.len()
                        && literal[..keyword.len()].eq_ignore_ascii_case(keyword.as_bytes())
                })
            };
            let proven = [2_000, 100_000].into_iter().any(|limit| {
                let mut extractor = Extractor::new();
                extractor
                    .kind(ExtractKind::Prefix)
                    .limit_total(limit)
                    .limit_class(40)
                    .limit_repeat(20)
                    .limit_literal_len(100);
                extractor.extract(&hir).literals().is_some_and(|literals| {
                    literals.iter().all(|l| starts_with_keyword(l.as_bytes()))
                })
            });
            assert!(
                proven,
                "{file}: {}: a match may start elsewhere than at a keyword",
                definition.id
            );
        }
        assert!(anchored > 300, "{anchored}");
    }

    #[test]
    fn starts_at_keyword_means_no_lookbehind() {
        let rules = rule_with("starts_at_keyword = true").unwrap();
        assert!(rules.rule(0).starts_at_keyword);
        assert_eq!(rules.rule(0).lookbehind, 0);
        assert!(rule_with("starts_at_keyword = true\nlookbehind = 0").is_ok());
        let error = rule_with("starts_at_keyword = true\nlookbehind = 8")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("starts_at_keyword needs lookbehind = 0"),
            "{error}"
        );
        assert!(!rule_with("").unwrap().rule(0).starts_at_keyword);
    }

    #[test]
    fn lookbehind_defaults_to_256_and_is_at_most_max_window() {
        assert_eq!(
            rule_with("").unwrap().rule(0).lookbehind,
            DEFAULT_LOOKBEHIND
        );
        assert_eq!(rule_with("lookbehind = 0").unwrap().rule(0).lookbehind, 0);
        let max = format!("lookbehind = {MAX_WINDOW}");
        assert_eq!(rule_with(&max).unwrap().rule(0).lookbehind, MAX_WINDOW);
        let over = format!("lookbehind = {}", MAX_WINDOW + 1);
        let error = rule_with(&over).unwrap_err().to_string();
        assert!(
            error.contains("lookbehind must be between 0 and 16384"),
            "{error}"
        );
        assert!(rule_with("lookbehind = -1").is_err());
    }
}
