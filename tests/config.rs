//! Configuration, allowlists, inline allow comments and baselines: every suppression is
//! counted, baselines survive renames and moved lines, and bad configuration is an error
//! naming the file and the line.

mod common;

use common::{finding_tuples, leakward, scan_json, write, FakeKeys};
use predicates::str::contains;

fn rules_of(document: &serde_json::Value) -> Vec<String> {
    finding_tuples(document).into_iter().map(|t| t.3).collect()
}

#[test]
fn scan_exclude_skips_files_and_allowlist_paths_suppress_findings() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(40);
    write(
        dir.path(),
        ".leakward.toml",
        "[scan]\nexclude = [\"vendor/**\"]\n\n[allowlist]\npaths = [\"fixtures/**\"]\n",
    );
    write(
        dir.path(),
        "vendor/lib.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    write(
        dir.path(),
        "fixtures/keys.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    write(
        dir.path(),
        "src/app.env",
        format!("XAI_API_KEY={}\n", k.xai),
    );
    let (document, code) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_tuples(&document),
        [("src/app.env".into(), 1, 13, "xai-api-key".into())]
    );
    assert_eq!(
        document["stats"]["files_excluded"], 1,
        "vendor/ (leakward's own configuration is not read, and not counted)"
    );
    assert_eq!(
        document["stats"]["files_scanned"], 2,
        "the fixture and the app file"
    );
    assert_eq!(document["stats"]["suppressed"]["allowlist"], 1);
    // From a subdirectory the configuration is discovered upwards.
    let (document, _) = scan_json(&dir.path().join("src"), &["."]);
    assert_eq!(rules_of(&document), ["xai-api-key"]);
}

#[test]
fn allowlist_regexes_stopwords_and_per_rule_tables() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(41);
    write(
        dir.path(),
        ".leakward.toml",
        format!(
            "[allowlist]\nregexes = ['''^{}''']\nstopwords = [\"{}\"]\n\n[allowlist.rule.xai-api-key]\npaths = [\"docs/**\"]\n",
            &k.groq[..12],
            &k.perplexity[10..16].to_ascii_lowercase()
        ),
    );
    write(
        dir.path(),
        "a.env",
        format!(
            "GROQ_API_KEY={}\nPERPLEXITY_API_KEY={}\n",
            k.groq, k.perplexity
        ),
    );
    write(
        dir.path(),
        "docs/setup.md",
        format!("XAI_API_KEY={}\nHF_TOKEN={}\n", k.xai, k.huggingface),
    );
    let (document, _) = scan_json(dir.path(), &[]);
    assert_eq!(rules_of(&document), ["huggingface-user-access-token"]);
    assert_eq!(document["stats"]["suppressed"]["allowlist"], 3);
}

#[test]
fn disabled_rules_and_custom_rules() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(42);
    write(
        dir.path(),
        ".leakward.toml",
        "disable = [\"groq-api-key\", \"generic-secret-assignment\"]\n\n[[rule]]\nid = \"acme-token\"\nname = \"Acme token\"\nprovider = \"Acme\"\n\
         keywords = [\"acme_\"]\npattern = '''\\b(acme_[a-z0-9]{24})\\b'''\nmin_entropy = 3.0\nseverity = \"high\"\n\
         revoke = \"https://acme.invalid/tokens\"\nexamples = [\"ACME_TOKEN=acme_q8zt3lmw0pxv7rkb2syc9ndh\", \"t = 'acme_h4jfa6geuw1tn5ko8pb2q8zt'\"]\n\
         negatives = [\"acme_XXXXXXXXXXXXXXXXXXXXXXXX\", \"acme_short\"]\n",
    );
    write(
        dir.path(),
        "a.env",
        format!(
            "GROQ_API_KEY={}\nACME=acme_z9y8x7w6v5u4t3s2r1q0p9o8\n",
            k.groq
        ),
    );
    let (document, _) = scan_json(dir.path(), &[]);
    assert_eq!(rules_of(&document), ["acme-token"]);
    leakward()
        .current_dir(dir.path())
        .args(["rules", "check"])
        .assert()
        .code(0)
        .stdout(contains("all proven"));
    let listed = leakward()
        .current_dir(dir.path())
        .arg("rules")
        .output()
        .unwrap()
        .stdout;
    let listed = String::from_utf8(listed).unwrap();
    assert!(
        listed.contains("acme-token")
            && !listed.contains("groq-api-key")
            && !listed.contains("generic-secret")
    );
}

#[test]
fn inline_allow_comments_suppress_only_what_they_name() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(43);
    write(
        dir.path(),
        "app.py",
        format!(
            "a = \"{}\"  # leakward:allow\nb = \"{}\"  # leakward:allow groq-api-key\nc = \"{}\"  # leakward:allow groq-api-key\n\
             d = \"{}\"  // gitleaks:allow\ne = \"{}\"  # pragma: allowlist secret\nf = \"{}\"\n",
            k.openai_project, k.groq, k.xai, k.perplexity, k.replicate, k.huggingface
        ),
    );
    let (document, _) = scan_json(dir.path(), &["--no-config"]);
    assert_eq!(
        rules_of(&document),
        ["xai-api-key", "huggingface-user-access-token"]
    );
    assert_eq!(document["stats"]["suppressed"]["inline"], 4);
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config"])
        .assert()
        .code(1)
        .stderr(contains("4 suppressed (4 inline)"));
}

#[test]
fn a_baseline_survives_renames_and_moved_lines_and_new_keys_are_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(44);
    write(
        dir.path(),
        "config/old.env",
        format!("GROQ_API_KEY={}\nXAI_API_KEY={}\n", k.groq, k.xai),
    );
    leakward()
        .current_dir(dir.path())
        .args(["baseline", "-o", "baseline.json", "--no-config"])
        .assert()
        .code(0)
        .stderr(contains("wrote 2 baseline entries to baseline.json"));
    let text = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(
        !text.contains(&k.groq) && !text.contains(&k.xai),
        "the baseline holds no secret"
    );
    let baseline: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 2);

    // Rename the file, insert lines above the keys, and add a new key.
    std::fs::remove_file(dir.path().join("config/old.env")).unwrap();
    write(
        dir.path(),
        "settings/renamed.env",
        format!(
            "# moved here\nDEBUG=1\n\nXAI_API_KEY={}\nGROQ_API_KEY={}\nHF_TOKEN={}\n",
            k.xai, k.groq, k.huggingface
        ),
    );
    let (document, code) = scan_json(dir.path(), &["--no-config", "--baseline", "baseline.json"]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_tuples(&document),
        [(
            "settings/renamed.env".into(),
            6,
            10,
            "huggingface-user-access-token".into()
        )]
    );
    assert_eq!(document["stats"]["suppressed"]["baseline"], 2);
    assert_eq!(
        document["stats"]["baseline_unmatched"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // Remove one baselined key: its entry is listed as unmatched so it can be pruned.
    write(
        dir.path(),
        "settings/renamed.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    let (document, code) = scan_json(dir.path(), &["--no-config", "--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    let unmatched = document["stats"]["baseline_unmatched"].as_array().unwrap();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0]["rule_id"], "xai-api-key");
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--baseline", "baseline.json"])
        .assert()
        .code(0)
        .stderr(contains("1 baseline entry matched nothing"));
}

#[test]
fn a_missing_or_broken_baseline_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--baseline", "nope.json"])
        .assert()
        .code(2)
        .stderr(contains("nope.json: cannot read the baseline file"));
    write(
        dir.path(),
        "broken.json",
        "{\n  \"version\": 1,\n  \"findings\": [oops]\n}\n",
    );
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--baseline", "broken.json"])
        .assert()
        .code(2)
        .stderr(contains("broken.json: line 3: not a leakward baseline"));
}

#[test]
fn bad_configuration_names_the_file_and_the_line() {
    let cases: &[(&str, &str)] = &[
        ("[allowlist]\npaths = [\n", "line 2: unclosed array"),
        ("[allowlist]\npaths = []\nunknown = 1\n", "line 3"),
        ("[scan]\nexclude = [\"ok\"]\n\n[allowlist]\nregexes = [\n  'fine',\n  '(unclosed',\n]\n", "line 7: invalid regex"),
        ("\n\ndisable = [\"no-such-rule\"]\n", "line 3: disable: there is no rule `no-such-rule`"),
        ("[allowlist.rule.no-such-rule]\npaths = []\n", "line 1: allowlist.rule.no-such-rule: there is no rule"),
        ("[scan]\nmax_file_size = \"lots\"\n", "line 2"),
        (
            "# custom\n\n[[rule]]\nid = \"acme-token\"\nname = \"Acme\"\nprovider = \"Acme\"\nkeywords = [\"acme_\"]\n\
             pattern = '''\\b(acme_[a-z0-9]{24})\\b'''\nseverity = \"high\"\nrevoke = \"https://acme.invalid/\"\n\
             examples = [\"acme_q8zt3lmw0pxv7rkb2syc9ndh\", \"acme_tooshort\"]\nnegatives = [\"a\", \"b\"]\n",
            "line 3: custom rule: acme-token: example not found: acme_tooshort",
        ),
    ];
    for (config, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), ".leakward.toml", config);
        leakward()
            .current_dir(dir.path())
            .args(["scan"])
            .assert()
            .code(2)
            .stderr(contains(".leakward.toml"))
            .stderr(contains(*expected));
        leakward()
            .current_dir(dir.path())
            .args(["rules", "check"])
            .assert()
            .code(2)
            .stderr(contains(*expected));
    }
}

#[test]
fn scan_settings_come_from_the_config_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(45);
    write(
        dir.path(),
        ".leakward.toml",
        "[scan]\nmax_file_size = \"1K\"\nthreads = 1\n",
    );
    write(
        dir.path(),
        "big.env",
        format!("GROQ_API_KEY={}\n{}", k.groq, "#".repeat(2048)),
    );
    let (document, _) = scan_json(dir.path(), &[]);
    assert_eq!(document["stats"]["skipped"][0]["kind"], "too-large");
    let (document, _) = scan_json(dir.path(), &["--max-file-size", "1M"]);
    assert_eq!(rules_of(&document), ["groq-api-key"]);
}
