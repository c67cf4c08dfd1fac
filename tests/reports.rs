//! Report formats: snapshots of every format, SARIF validated against the official 2.1.0
//! schema and checked for what GitHub code scanning needs.

mod common;

use common::{leakward, write, FakeKeys};
use std::path::Path;

fn small_tree(root: &Path) -> FakeKeys {
    let k = FakeKeys::new(99);
    write(
        root,
        ".env",
        format!(
            "OPENAI_API_KEY={}\nGROQ_API_KEY={}\n",
            k.openai_project, k.groq
        ),
    );
    write(
        root,
        "dir with space/app.py",
        format!("import os\nclient = Mistral(api_key=\"{}\")\n", k.mistral),
    );
    write(root, "src/clean.rs", "fn main() {}\n");
    k
}

fn report(root: &Path, format: &str) -> String {
    let output = leakward()
        .current_dir(root)
        .args(["scan", "--no-config", "--format", format])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn text_report() {
    let dir = tempfile::tempdir().unwrap();
    small_tree(dir.path());
    insta::assert_snapshot!(report(dir.path(), "text"));
}

#[test]
fn json_report() {
    let dir = tempfile::tempdir().unwrap();
    small_tree(dir.path());
    let mut document: serde_json::Value =
        serde_json::from_str(&report(dir.path(), "json")).unwrap();
    assert!(document["stats"]["duration_ms"].is_u64());
    document["stats"]["duration_ms"] = 0.into();
    insta::assert_json_snapshot!(document);
}

#[test]
fn jsonl_report() {
    let dir = tempfile::tempdir().unwrap();
    small_tree(dir.path());
    let text = report(dir.path(), "jsonl");
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("every line is a JSON object");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_report_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    small_tree(dir.path());
    insta::assert_snapshot!(report(dir.path(), "sarif"));
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json"))
            .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let dir = tempfile::tempdir().unwrap();
    small_tree(dir.path());
    let sarif: serde_json::Value = serde_json::from_str(&report(dir.path(), "sarif")).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // A document that breaks the schema is rejected, so the check above can fail.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_has_what_github_code_scanning_needs() {
    let dir = tempfile::tempdir().unwrap();
    let k = small_tree(dir.path());
    let text = report(dir.path(), "sarif");
    for secret in [&k.openai_project, &k.groq, &k.mistral] {
        assert!(
            !text.contains(secret.as_str()),
            "no secret in a SARIF report"
        );
    }
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for rule in rules {
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&severity));
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(rule[field]["text"].as_str().unwrap().chars().count() <= 1024);
        }
    }
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], result["ruleId"].as_str().unwrap());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.starts_with('/')
                && !uri.starts_with("./")
                && !uri.contains('\\')
                && !uri.contains(' '),
            "{uri}"
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
        assert_eq!(
            result["partialFingerprints"]["leakwardSecret/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
    }
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    small_tree(dir.path());
    let out = dir.path().join("report.sarif");
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--format", "sarif", "--output"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let sarif: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    // The report file itself is not scanned into the results of a later run's count here.
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
}
