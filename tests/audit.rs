//! `leakward audit` on local repositories (paths and `file://` URLs: there is no network),
//! its shards, and `leakward report merge` of its reports (JSON, SARIF).

mod common;

use common::{hermetic_git, leakward, write, FakeKeys};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A repository at `dir/name` with one commit of `files`.
fn repository(dir: &Path, name: &str, files: &[(&str, String)]) -> PathBuf {
    let root = dir.join(name);
    std::fs::create_dir_all(&root).unwrap();
    let git = |args: &[&str]| {
        let status = hermetic_git(&root)
            .args(["-c", "init.defaultBranch=main"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    for (path, contents) in files {
        write(&root, path, contents);
    }
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", &format!("{name}: first")]);
    root
}

struct Org {
    dir: tempfile::TempDir,
    list: PathBuf,
    shared_key: String,
}

/// Three repositories (`alpha` with a key, `beta` clean, `gamma` with the same key as
/// `alpha` and another) and a broken entry, listed with comments; `beta` as a file:// URL.
fn org() -> Org {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(77);
    let alpha = repository(
        dir.path(),
        "src/alpha",
        &[
            (".env", format!("OPENAI_API_KEY={}\n", k.openai_project)),
            ("main.py", "print('alpha')\n".to_string()),
        ],
    );
    let beta = repository(
        dir.path(),
        "src/beta",
        &[("README.md", "# beta\n".to_string())],
    );
    let gamma = repository(
        dir.path(),
        "src/gamma",
        &[
            (
                "config/settings.py",
                format!("KEY = \"{}\"\n", k.openai_project),
            ),
            ("deploy.sh", format!("export GROQ_API_KEY={}\n", k.groq)),
        ],
    );
    let list = write(
        dir.path(),
        "repositories.txt",
        format!(
            "# the organisation\n{}\nfile://{}   # by URL\n\n{}\n{}\n",
            // Relative to the directory audit runs in.
            alpha.strip_prefix(dir.path()).unwrap().display(),
            beta.display(),
            dir.path().join("src/missing").display(),
            gamma.display()
        ),
    );
    Org {
        dir,
        list,
        shared_key: k.openai_project,
    }
}

fn audit(org: &Org, extra: &[&str]) -> std::process::Output {
    leakward()
        .current_dir(org.dir.path())
        .args(["audit", "--repos"])
        .arg(&org.list)
        .args(extra)
        .output()
        .unwrap()
}

fn read_reports(dir: &Path) -> Vec<(String, Value)> {
    let mut reports: Vec<(String, Value)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let report = serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
            (name, report)
        })
        .collect();
    reports.sort_by(|a, b| a.0.cmp(&b.0));
    reports
}

#[test]
fn shards_partition_the_list() {
    let org = org();
    let all = audit(&org, &["--dry-run"]);
    assert!(all.status.success());
    let everything: Vec<String> = String::from_utf8(all.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(everything.len(), 4, "{everything:?}");
    for count in 1..=5 {
        let mut seen = Vec::new();
        for index in 0..count {
            let output = audit(&org, &["--dry-run", "--shard", &format!("{index}/{count}")]);
            assert!(output.status.success());
            let shard: Vec<String> = String::from_utf8(output.stdout)
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect();
            // Repository i of the list is in shard i mod N.
            let expected: Vec<String> = everything
                .iter()
                .enumerate()
                .filter(|(i, _)| i % count == index)
                .map(|(_, r)| r.clone())
                .collect();
            assert_eq!(shard, expected, "{index}/{count}");
            seen.extend(shard);
        }
        seen.sort();
        let mut sorted = everything.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "{count} shards cover the list once");
    }
    let bad = audit(&org, &["--shard", "3/3"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn an_audit_reports_each_repository_and_goes_on_after_a_broken_one() {
    let org = org();
    let out = org.dir.path().join("reports");
    let workdir = org.dir.path().join("work");
    let cache = org.dir.path().join("cache");
    let output = audit(
        &org,
        &[
            "--out",
            out.to_str().unwrap(),
            "--workdir",
            workdir.to_str().unwrap(),
            &format!("--cache={}", cache.display()),
        ],
    );
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(2),
        "one repository failed: {said}"
    );
    assert!(said.contains("src/missing: error:"), "{said}");
    assert!(said.contains("2 with findings, 1 failed"), "{said}");

    let reports = read_reports(&out);
    assert_eq!(
        reports.len(),
        4,
        "{:?}",
        reports.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    let by_repository = |suffix: &str| -> &Value {
        &reports
            .iter()
            .find(|(_, r)| r["repository"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("a report for {suffix}"))
            .1
    };
    let count = |report: &Value| report["findings"].as_array().unwrap().len();
    assert_eq!(count(by_repository("src/alpha")), 1);
    assert_eq!(count(by_repository("src/beta")), 0);
    assert_eq!(count(by_repository("src/gamma")), 2);
    assert!(by_repository("src/beta")["repository"]
        .as_str()
        .unwrap()
        .starts_with("file://"));
    let missing = by_repository("src/missing");
    assert!(missing["error"].as_str().unwrap().len() > 5, "{missing}");
    assert_eq!(count(missing), 0);
    for (name, report) in &reports {
        assert!(name.ends_with(".json") && !name.contains('/'));
        assert_eq!(report["version"], 1);
        assert!(report["stats"].is_object());
        for finding in report["findings"].as_array().unwrap() {
            assert!(
                finding["secret"].as_str().unwrap().ends_with('…'),
                "redacted"
            );
            assert!(finding["commit"].is_string());
        }
    }
    // Names are unique and come from the repositories.
    let names: BTreeSet<&str> = reports.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 4);
    assert!(
        names.iter().any(|n| n.starts_with("src_alpha-")),
        "{names:?}"
    );

    // Without the broken entry: exit 1 (findings). The mirrors are fetched, not cloned, and
    // a new commit of alpha is seen; every blob but the new one comes from the cache.
    let text = std::fs::read_to_string(&org.list).unwrap();
    let fixed: String = text
        .lines()
        .filter(|l| !l.contains("missing"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&org.list, fixed).unwrap();
    let alpha = org.dir.path().join("src/alpha");
    write(&alpha, "more.txt", "more\n");
    assert!(hermetic_git(&alpha)
        .args(["add", "-A"])
        .status()
        .unwrap()
        .success());
    assert!(hermetic_git(&alpha)
        .args(["commit", "-q", "-m", "more"])
        .status()
        .unwrap()
        .success());
    let again_out = org.dir.path().join("reports-2");
    let output = audit(
        &org,
        &[
            "--out",
            again_out.to_str().unwrap(),
            "--workdir",
            workdir.to_str().unwrap(),
            &format!("--cache={}", cache.display()),
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let again = read_reports(&again_out);
    let alpha_report = &again
        .iter()
        .find(|(_, r)| r["repository"].as_str().unwrap().ends_with("src/alpha"))
        .unwrap()
        .1;
    assert_eq!(alpha_report["stats"]["commits_scanned"], 2, "fetched");
    assert_eq!(
        alpha_report["stats"]["cache"]["misses"], 1,
        "only the new blob"
    );

    // A clean shard exits 0.
    let clean = audit(
        &org,
        &[
            "--shard",
            "1/3",
            "--out",
            org.dir.path().join("r3").to_str().unwrap(),
        ],
    );
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );
}

#[test]
fn merge_groups_the_same_secret_across_repositories() {
    let org = org();
    let out = org.dir.path().join("reports");
    let output = audit(&org, &["--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));

    let merged = leakward()
        .args(["report", "merge", "-f", "json"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        merged.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let document: Value = serde_json::from_slice(&merged.stdout).unwrap();
    let incidents = document["incidents"].as_array().unwrap();
    assert_eq!(document["findings"].as_array().unwrap().len(), 3);
    assert_eq!(incidents.len(), 2, "{incidents:#?}");
    let shared = incidents
        .iter()
        .find(|i| i["places"] == 2)
        .expect("the key of alpha and gamma is one incident");
    let repositories: Vec<&str> = shared["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(repositories.len(), 2);
    assert!(
        repositories.iter().any(|r| r.ends_with("src/alpha")),
        "{repositories:?}"
    );
    assert!(
        repositories.iter().any(|r| r.ends_with("src/gamma")),
        "{repositories:?}"
    );
    assert!(!String::from_utf8_lossy(&merged.stdout).contains(&org.shared_key));
    let failed: Vec<&Value> = document["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["error"].is_string())
        .collect();
    assert_eq!(failed.len(), 1);

    // A report without a `repository` field is named after its file, and a merged report
    // merges again to the same incidents.
    let plain = org.dir.path().join("plain.json");
    let scanned = leakward()
        .args(["git", "--no-config", "-f", "json", "-o"])
        .arg(&plain)
        .arg(org.dir.path().join("src/gamma"))
        .output()
        .unwrap();
    assert_eq!(scanned.status.code(), Some(1));
    let merged_file = org.dir.path().join("merged.json");
    std::fs::write(&merged_file, &merged.stdout).unwrap();
    let again = leakward()
        .args(["report", "merge", "--exit-zero"])
        .arg(&merged_file)
        .arg(&plain)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    let shared_again = again["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["fingerprint"] == shared["fingerprint"])
        .unwrap();
    assert_eq!(shared_again["places"], 3);
    assert!(shared_again["repositories"]
        .as_array()
        .unwrap()
        .contains(&Value::from("plain")));

    // SARIF: valid against the schema, one result per finding, the repository as base.
    let sarif = leakward()
        .args(["report", "merge", "-f", "sarif", "--exit-zero"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(sarif.status.success());
    let log: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(results
        .iter()
        .all(|r| r["properties"]["repository"].is_string()));

    // Not a report: an error naming the file.
    let bogus = write(org.dir.path(), "bogus.json", "{\"hello\": 1}");
    let refused = leakward()
        .args(["report", "merge"])
        .arg(&bogus)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("bogus.json"));
}
