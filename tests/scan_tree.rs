//! `leakward scan` on a tree of realistic files: every planted key is found at its exact
//! line and column by the right rule, and nothing else is reported.

mod common;

use common::{finding_tuples, position_of, scan_json, write, FakeKeys, Rng};
use std::path::Path;

/// A planted key: the file, the secret, and the rule that must find it.
struct Planted {
    file: &'static str,
    secret: String,
    rule: &'static str,
}

/// Writes the positive and negative fixture files and returns what was planted.
fn build_tree(root: &Path, seed: u64) -> Vec<Planted> {
    let k = FakeKeys::new(seed);
    let mut planted = Vec::new();
    let mut plant =
        |file: &'static str, contents: String, secrets: Vec<(&String, &'static str)>| {
            write(root, file, &contents);
            for (secret, rule) in secrets {
                assert!(contents.contains(secret.as_str()));
                planted.push(Planted {
                    file,
                    secret: secret.clone(),
                    rule,
                });
            }
        };

    plant(
        ".env",
        format!(
            "# local development\nOPENAI_API_KEY={}\nANTHROPIC_API_KEY=\"{}\"\nDEBUG=true\n",
            k.openai_project, k.anthropic
        ),
        vec![
            (&k.openai_project, "openai-project-key"),
            (&k.anthropic, "anthropic-api-key"),
        ],
    );
    plant(
        "config/providers.yaml",
        format!("providers:\n  groq:\n    base_url: https://api.groq.com/openai/v1\n    api_key: {}\n  local:\n    enabled: false\n", k.groq),
        vec![(&k.groq, "groq-api-key")],
    );
    plant(
        "config/settings.json",
        format!("{{\n  \"name\": \"demo\",\n  \"huggingface\": {{ \"token\": \"{}\" }},\n  \"retries\": 3\n}}\n", k.huggingface),
        vec![(&k.huggingface, "huggingface-user-access-token")],
    );
    plant(
        "config/app.toml",
        format!(
            "[gemini]\nmodel = \"gemini-2.5-pro\"\napi_key = \"{}\"\n",
            k.gemini
        ),
        vec![(&k.gemini, "google-gemini-api-key-aiza")],
    );
    plant(
        "src/chat.py",
        format!(
            "import os\nfrom mistralai import Mistral\n\n\ndef client():\n    return Mistral(api_key=\"{}\")\n",
            k.mistral
        ),
        vec![(&k.mistral, "mistral-api-key")],
    );
    plant(
        "web/src/llm.ts",
        format!(
            "import OpenAI from \"openai\";\n\nexport const openrouter = new OpenAI({{\n  baseURL: \"https://openrouter.ai/api/v1\",\n  apiKey: \"{}\",\n}});\n",
            k.openrouter
        ),
        vec![(&k.openrouter, "openrouter-api-key")],
    );
    plant(
        "scripts/deploy.sh",
        format!(
            "#!/bin/sh\nset -eu\nexport XAI_API_KEY=\"{}\"\n./run.sh\n",
            k.xai
        ),
        vec![(&k.xai, "xai-api-key")],
    );
    plant(
        "Dockerfile",
        format!(
            "FROM python:3.12-slim\nENV PERPLEXITY_API_KEY={}\nCMD [\"python\", \"app.py\"]\n",
            k.perplexity
        ),
        vec![(&k.perplexity, "perplexity-api-key")],
    );
    plant(
        "infra/main.tf",
        format!(
            "provider \"aws\" {{\n  region     = \"eu-west-1\"\n  access_key = \"{}\"\n  secret_key = \"{}\"\n}}\n",
            k.aws_access_key_id, k.aws_secret
        ),
        // One finding: the access key id is named as a part of the secret key's (rules/pairs.toml).
        vec![(&k.aws_secret, "aws-secret-access-key")],
    );
    plant(
        "notebooks/explore.ipynb",
        format!(
            "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"code\",\n   \"metadata\": {{}},\n   \"source\": [\n    \"import os\\n\",\n    \"os.environ[\\\"REPLICATE_API_TOKEN\\\"] = \\\"{}\\\"\\n\"\n   ]\n  }}\n ],\n \"nbformat\": 4\n}}\n",
            k.replicate
        ),
        vec![(&k.replicate, "replicate-api-token")],
    );
    plant(
        "docs/setup.md",
        format!("# Setup\n\nCall the API:\n\n```sh\ncurl -H \"Authorization: token {}\" https://api.github.com/user\n```\n", k.github_classic),
        vec![(&k.github_classic, "github-classic-pat")],
    );
    plant(
        "logs/app.log",
        format!("2026-11-01T10:00:00Z INFO starting worker\n2026-11-01T10:00:01Z DEBUG deepseek client configured api_key={}\n", k.deepseek),
        vec![(&k.deepseek, "deepseek-api-key")],
    );
    plant(
        "crlf/windows.env",
        format!(
            "APP=demo\r\nSTRIPE_SECRET_KEY={}\r\nMODE=live\r\n",
            k.stripe_live
        ),
        vec![(&k.stripe_live, "stripe-live-secret-key")],
    );
    plant(
        "no-final-newline.cfg",
        format!("[slack]\nbot_token = {}", k.slack_bot),
        vec![(&k.slack_bot, "slack-bot-token")],
    );
    write_negatives(root, seed);
    planted
}

/// Files with placeholders and look-alikes that must produce no finding.
fn write_negatives(root: &Path, seed: u64) {
    let mut r = Rng::new(seed ^ 0xDEAD_BEEF);
    write(
        root,
        "negatives/.env.example",
        "OPENAI_API_KEY=sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\nANTHROPIC_API_KEY=your-anthropic-key-here\n\
         GROQ_API_KEY=${GROQ_API_KEY}\nGEMINI_API_KEY=<your-gemini-key>\nHF_TOKEN={{ secrets.HF_TOKEN }}\nMISTRAL_API_KEY=***\n\
         XAI_API_KEY=REDACTED\nOPENAI_API_KEY=sk-...\n",
    );
    write(
        root,
        "negatives/env_lookups.py",
        "import os\nopenai_key = os.environ[\"OPENAI_API_KEY\"]\nmistral = os.getenv(\"MISTRAL_API_KEY\")\n",
    );
    write(
        root,
        "negatives/env_lookups.ts",
        "const key = process.env.ANTHROPIC_API_KEY;\nconst groq = process.env.GROQ_API_KEY!;\n",
    );
    let integrity: String = r.string(
        &format!("{}{}{}+/", common::UPPER, common::LOWER, common::DIGITS),
        86,
    );
    write(
        root,
        "negatives/package-lock.json",
        format!(
            "{{\n  \"packages\": {{\n    \"node_modules/left-pad\": {{\n      \"version\": \"1.3.0\",\n      \"resolved\": \"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz\",\n      \"integrity\": \"sha512-{integrity}==\"\n    }}\n  }}\n}}\n"
        ),
    );
    write(
        root,
        "negatives/Cargo.lock",
        format!(
            "[[package]]\nname = \"memchr\"\nversion = \"2.7.4\"\nchecksum = \"{}\"\n",
            r.hex(64)
        ),
    );
    write(
        root,
        "negatives/ids.json",
        format!(
            "{{\"id\": \"{}-{}-4{}-a{}-{}\", \"commit\": \"{}\", \"sha256\": \"{}\"}}\n",
            r.hex(8),
            r.hex(4),
            r.hex(3),
            r.hex(3),
            r.hex(12),
            r.hex(40),
            r.hex(64)
        ),
    );
    let image: String = r.string(
        &format!("{}{}{}+/", common::UPPER, common::LOWER, common::DIGITS),
        60_000,
    );
    write(
        root,
        "negatives/logo.html",
        format!("<img src=\"data:image/png;base64,iVBORw0KGgo{image}=\">\n"),
    );
    write(
        root,
        "negatives/app.min.js",
        "var a=function(){return task-proj+disk-usage};var risk_level=mask-image;function ghp(){return 1}var AKIAbc=2;".repeat(2000),
    );
}

fn expected(root: &Path, planted: &[Planted]) -> Vec<(String, u64, u64, String)> {
    let mut tuples: Vec<_> = planted
        .iter()
        .map(|p| {
            let contents = std::fs::read_to_string(root.join(p.file)).unwrap();
            let (line, column) = position_of(&contents, &p.secret);
            (p.file.to_string(), line, column, p.rule.to_string())
        })
        .collect();
    tuples.sort();
    tuples
}

#[test]
fn finds_every_planted_key_exactly_and_nothing_else() {
    for seed in [1, 2, 3] {
        let dir = tempfile::tempdir().unwrap();
        let planted = build_tree(dir.path(), seed);
        let (document, code) = scan_json(dir.path(), &["--no-config"]);
        assert_eq!(
            finding_tuples(&document),
            expected(dir.path(), &planted),
            "seed {seed}"
        );
        assert_eq!(code, 1, "findings exit with 1");
    }
}

#[test]
fn finding_fields_are_complete_and_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let planted = build_tree(dir.path(), 7);
    let (document, _) = scan_json(dir.path(), &["--no-config"]);
    let findings = document["findings"].as_array().unwrap();
    assert_eq!(findings.len(), planted.len());
    let raw = serde_json::to_string(&document).unwrap();
    for p in &planted {
        assert!(
            !raw.contains(&p.secret),
            "{} leaked into the report",
            p.rule
        );
    }
    for f in findings {
        for field in [
            "rule_id",
            "rule_name",
            "provider",
            "severity",
            "path",
            "secret",
            "fingerprint",
            "revoke",
        ] {
            assert!(
                f[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {f}"
            );
        }
        for field in ["line", "column", "end_line", "end_column"] {
            assert!(f[field].as_u64().is_some_and(|n| n >= 1), "{field} in {f}");
        }
        assert!(f["entropy"].as_f64().is_some());
        assert!(f["revoke"].as_str().unwrap().starts_with("https://"));
        assert!(f["secret"].as_str().unwrap().ends_with('…'));
    }
    assert_eq!(document["version"], 1);
    assert_eq!(document["stats"]["files_scanned"].as_u64().unwrap(), 22);
}

#[test]
fn show_secrets_prints_them_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let planted = build_tree(dir.path(), 8);
    let (document, _) = scan_json(dir.path(), &["--no-config", "--show-secrets"]);
    let secrets: Vec<&str> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["secret"].as_str().unwrap())
        .collect();
    for p in &planted {
        assert!(secrets.contains(&p.secret.as_str()), "{}", p.rule);
    }
}

#[test]
fn one_thread_and_many_threads_agree_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    for copy in 0..12 {
        build_tree(&dir.path().join(format!("copy{copy}")), copy);
    }
    let run = |threads: &str, format: &str| {
        common::leakward()
            .current_dir(dir.path())
            .args([
                "scan",
                "--no-config",
                "--threads",
                threads,
                "--format",
                format,
            ])
            .output()
            .unwrap()
            .stdout
    };
    for format in ["text", "jsonl", "sarif"] {
        let single = run("1", format);
        assert!(!single.is_empty());
        for threads in ["2", "4", "8"] {
            assert_eq!(
                single,
                run(threads, format),
                "{format} with {threads} threads"
            );
        }
    }
}

#[test]
fn gitignored_files_are_skipped_unless_no_ignore_and_hidden_files_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(11);
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), ".gitignore", "ignored/\n");
    write(
        dir.path(),
        "ignored/secrets.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        format!("env:\n  HF_TOKEN: {}\n", k.huggingface),
    );
    write(
        dir.path(),
        ".git/config",
        format!("token = {}\n", k.github_classic),
    );
    let (document, _) = scan_json(dir.path(), &["--no-config"]);
    let rules: Vec<String> = finding_tuples(&document).into_iter().map(|t| t.3).collect();
    assert_eq!(rules, ["huggingface-user-access-token"]);
    let (document, _) = scan_json(dir.path(), &["--no-config", "--no-ignore"]);
    let rules: Vec<String> = finding_tuples(&document).into_iter().map(|t| t.3).collect();
    assert_eq!(rules, ["huggingface-user-access-token", "groq-api-key"]);
}

#[test]
fn clean_tree_exits_zero_and_says_what_it_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/main.rs",
        "fn main() { println!(\"hello\"); }\n",
    );
    common::leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicates::str::contains("0 findings; scanned 1 file"));
}

#[test]
fn stdin_is_scanned_with_dash() {
    let k = FakeKeys::new(12);
    let (line, column) = (2, 16);
    let output = common::leakward()
        .args(["scan", "-", "--format", "jsonl"])
        .write_stdin(format!("hello\nOPENAI_API_KEY={}\n", k.openai_project))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let finding: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(finding["path"], "<stdin>");
    assert_eq!(
        (
            finding["line"].as_u64().unwrap(),
            finding["column"].as_u64().unwrap()
        ),
        (line, column)
    );
}

#[test]
fn this_repository_is_clean_through_its_own_allowlist() {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = common::leakward()
        .current_dir(root)
        .args(["scan", "."])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The allowlist is what keeps it clean: without it, the rules' own examples are found.
    let output = common::leakward()
        .current_dir(root)
        .args(["scan", "--no-config", "rules"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}
