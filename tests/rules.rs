//! The built-in rules: each example is found by its rule and each negative is not, every
//! credential kind in tests/data/credential-kinds.json has a rule, and `leakward rules` lists them.

mod common;

use leakward::examples::check_examples;
use leakward::rules::RuleSet;
use leakward::scan::Scanner;
use std::collections::BTreeSet;

#[test]
fn every_example_is_found_and_every_negative_is_not() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let (counts, failures) = check_examples(&rules);
    let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        report.is_empty(),
        "{} failures:\n{}",
        report.len(),
        report.join("\n")
    );
    assert!(counts.examples >= 2 * counts.rules && counts.negatives >= 2 * counts.rules);
}

/// Every credential kind of `tests/data/credential-kinds*.json` (the base list and one file
/// per group of rules added since), as JSON objects.
fn credential_kinds() -> Vec<serde_json::Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with("credential-kinds") && name.ends_with(".json")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let kinds: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            kinds.as_array().unwrap().clone()
        })
        .collect()
}

#[test]
fn every_credential_kind_has_a_rule() {
    // The credential kinds leakward promises to find (the eval corpus plants one fresh key of
    // each): every one needs a rule of that id, and the rule's category agrees.
    let kinds = credential_kinds();
    let wanted: BTreeSet<&str> = kinds.iter().map(|k| k["id"].as_str().unwrap()).collect();
    assert_eq!(wanted.len(), kinds.len(), "duplicate kind ids");
    let rules = RuleSet::builtin().unwrap();
    let have: BTreeSet<&str> = rules.rules().iter().map(|r| r.id.as_str()).collect();
    let missing: Vec<&&str> = wanted.difference(&have).collect();
    assert!(
        missing.is_empty(),
        "credential kinds without a rule: {missing:?}"
    );
    for kind in &kinds {
        let rule = rules
            .rules()
            .iter()
            .find(|r| r.id == kind["id"].as_str().unwrap())
            .unwrap();
        let category = kind["category"].as_str().unwrap();
        let ai = category.starts_with("ai");
        assert_eq!(
            rule.category == leakward::rules::Category::Ai,
            ai,
            "{}: kind category {category}, rule category {}",
            rule.id,
            rule.category
        );
    }
    let ai_providers: BTreeSet<&str> = kinds
        .iter()
        .filter(|k| k["category"].as_str().unwrap().starts_with("ai-"))
        .map(|k| k["provider"].as_str().unwrap())
        .collect();
    assert!(
        ai_providers.len() >= 50,
        "{} AI providers",
        ai_providers.len()
    );
}

#[test]
fn rules_have_distinct_ids_and_https_revoke_pages() {
    let rules = RuleSet::builtin().unwrap();
    let mut ids = BTreeSet::new();
    for rule in rules.rules() {
        assert!(ids.insert(rule.id.as_str()), "duplicate {}", rule.id);
        assert!(rule.revoke.starts_with("https://"), "{}", rule.id);
    }
}

#[test]
fn rules_command_lists_and_checks() {
    let rules = RuleSet::builtin().unwrap();
    let output = common::leakward()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), rules.rules().len());
    common::leakward()
        .args(["rules", "check"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("all proven"));
    let text = common::leakward().arg("rules").output().unwrap().stdout;
    assert_eq!(
        String::from_utf8(text).unwrap().lines().count(),
        rules.rules().len()
    );
}

#[test]
fn rules_check_fails_on_a_broken_example() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::write(
        dir.path(),
        "custom.toml",
        "[[rule]]\nid = \"acme-token\"\nname = \"Acme token\"\nprovider = \"Acme\"\nkeywords = [\"acme_\"]\n\
         pattern = '''\\b(acme_[a-z0-9]{20})\\b'''\nseverity = \"high\"\nrevoke = \"https://acme.invalid/tokens\"\n\
         examples = [\"ACME=acme_q8zt3lmw0pxv7rkb2syc\", \"ACME=acme_short\"]\nnegatives = [\"acme_XXXXXXXXXXXXXXXXXXXX\", \"x\"]\n",
    );
    // Run outside this repository, whose own configuration names built-in rules.
    common::leakward()
        .current_dir(dir.path())
        .args(["rules", "check", "--rules"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "acme-token: example not found: ACME=acme_short",
        ));
}

/// Random-looking bytes from `alphabet`, the same on every run.
fn scrambled(alphabet: &[u8], len: usize, mut seed: u64) -> String {
    (0..len)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            alphabet[(seed >> 33) as usize % alphabet.len()] as char
        })
        .collect()
}

/// The built-in rule `id` alone, with its lookbehind changed by `delta`.
fn only_rule(id: &str, delta: isize) -> RuleSet {
    let definitions = leakward::rules::builtin_definitions()
        .unwrap()
        .into_iter()
        .filter(|(_, definition)| definition.id == id)
        .map(|(file, mut definition)| {
            let lookbehind = definition.lookbehind.unwrap_or(256);
            definition.lookbehind = Some(lookbehind.checked_add_signed(delta).unwrap());
            (file, definition)
        })
        .collect();
    RuleSet::compile(definitions).unwrap()
}

#[test]
fn google_vertex_lookbehind_reaches_the_farthest_vertex_name() {
    // The rule runs only near "private_key" (or private_key\" in JSON inside a string), so its
    // lookbehind must reach back to the farthest Vertex name its pattern allows: "aiplatform",
    // 300 bytes, "type", 100 spaces, ':', 100 spaces, "service_account", 1000 bytes, \".
    let filler = |len, seed| scrambled(b"abcdefghijklmnopqrstuvwxyz0123456789 ,:\"_-", len, seed);
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----{}-----END PRIVATE KEY-----",
        scrambled(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            1600,
            7
        )
    );
    let spaces = " ".repeat(100);
    let farthest = |open: &str, close: &str| {
        format!(
            "aiplatform{}\"type\"{spaces}:{spaces}\"service_account\"{}{open}private_key{close}: {open}{pem}{close}",
            filler(300, 1),
            filler(1000, 2),
        )
    };
    let id = "google-vertex-service-account-json";
    let rules = only_rule(id, 0);
    let scanner = Scanner::new(&rules);
    for (open, close) in [
        ("\"", "\""),
        ("\\\"", "\""),
        ("\"", "\\\""),
        ("\\\"", "\\\""),
    ] {
        let text = farthest(open, close);
        let found = scanner.scan(text.as_bytes());
        assert_eq!(found.len(), 1, "{open}private_key{close}");
        assert_eq!(
            &text.as_bytes()[found[0].start..found[0].start + 6],
            b"\"type\""
        );
    }
    // One byte less and the escaped form, the farthest, is out of reach.
    let shorter = only_rule(id, -1);
    let text = farthest("\\\"", "\\\"");
    assert!(Scanner::new(&shorter).scan(text.as_bytes()).is_empty());
}

#[test]
fn every_builtin_rule_has_a_category_and_a_source() {
    use leakward::rules::Category;
    let rules = RuleSet::builtin().unwrap();
    let mut per_category = std::collections::BTreeMap::new();
    for rule in rules.rules() {
        assert_ne!(
            rule.category,
            Category::Custom,
            "{} has no category",
            rule.id
        );
        assert!(
            rule.source.trim().len() >= 10,
            "{} has no source: {:?}",
            rule.id,
            rule.source
        );
        *per_category.entry(rule.category).or_insert(0) += 1;
    }
    // Every category but `custom` has built-in rules.
    for category in Category::ALL {
        if category != Category::Custom {
            assert!(per_category.contains_key(&category), "no {category} rules");
        }
    }
}

#[test]
fn categories_choose_the_rules_that_run_and_are_listed() {
    let rules = RuleSet::builtin().unwrap();
    let ai = rules
        .rules()
        .iter()
        .filter(|r| r.category == leakward::rules::Category::Ai)
        .count();
    let listed = common::leakward()
        .args([
            "rules",
            "--no-config",
            "--category",
            "ai",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(listed.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), ai);
    assert!(listed
        .iter()
        .all(|r| r["category"] == "ai" && r["source"] != ""));

    // A Groq key (ai) and a GitHub token (forge-ci) in one file.
    let keys = common::FakeKeys::new(90);
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "settings.env",
        format!(
            "GROQ_API_KEY={}\nGITHUB_TOKEN={}\n",
            keys.groq, keys.github_classic
        ),
    );
    let rules_of = |extra: &[&str]| -> Vec<String> {
        let (document, _) = common::scan_json(dir.path(), &[&["--no-config"], extra].concat());
        document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["category"].as_str().unwrap(),
                    f["rule_id"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        rules_of(&[]),
        ["ai groq-api-key", "forge-ci github-classic-pat"]
    );
    assert_eq!(rules_of(&["--only-categories", "ai"]), ["ai groq-api-key"]);
    assert_eq!(
        rules_of(&["--skip-categories", "ai,generic"]),
        ["forge-ci github-classic-pat"]
    );
    // The configuration says the same, and the command line replaces it.
    common::write(
        dir.path(),
        ".leakward.toml",
        "only_categories = [\"forge-ci\"]\n",
    );
    let (document, _) = common::scan_json(dir.path(), &[]);
    assert_eq!(document["findings"].as_array().unwrap().len(), 1);
    assert_eq!(document["findings"][0]["category"], "forge-ci");
    let (document, _) = common::scan_json(dir.path(), &["--only-categories", "ai"]);
    assert_eq!(document["findings"][0]["category"], "ai");
    // An unknown category is an error.
    common::leakward()
        .current_dir(dir.path())
        .args(["scan", "--only-categories", "clouds"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown category"));
}
