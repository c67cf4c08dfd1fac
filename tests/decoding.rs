//! `leakward scan` on keys that are not written as they are: base64 (a Kubernetes Secret, a
//! `.env` value, an `Authorization: Basic` header, a Docker `config.json`), percent-encoded
//! URLs in a log, JSON `\u002d` escapes, HTML character references, base64 of a percent-
//! encoded value, keys split over lines in seven languages, and a notebook. Each finding
//! points at the encoded text, says how it was decoded, and comes once; each case has a
//! negative twin (an encoded placeholder, a split string that is no key) that finds nothing.

mod common;

use common::{leakward, position_of, scan_json, write, FakeKeys, Rng};
use serde_json::Value;

/// Standard base64 with padding.
fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |v, &b| v << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
    }
    out
}

/// Percent-encodes every byte but unreserved ones, as `encodeURIComponent` does.
fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An AWS secret access key shape that is sure to hold `+` and `/` (which encoders escape).
fn aws_secret(seed: u64) -> String {
    let mut secret = Rng::new(seed).alnum(38);
    secret.insert(11, '+');
    secret.insert(27, '/');
    secret
}

/// The findings of `document` at `path`.
fn at<'a>(document: &'a Value, path: &str) -> Vec<&'a Value> {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .collect()
}

/// The `decoded` list of a finding (empty when absent).
fn decoded(finding: &Value) -> Vec<&str> {
    finding["decoded"]
        .as_array()
        .map(|list| list.iter().map(|v| v.as_str().unwrap()).collect())
        .unwrap_or_default()
}

/// One expected finding: where (line, column), which rule, how decoded, which secret.
struct Expected<'a> {
    place: (u64, u64),
    rule: &'a str,
    decoded: &'a [&'a str],
    secret: &'a str,
}

/// Asserts that `path` has exactly the `expected` findings, in order of position.
#[track_caller]
fn expect(document: &Value, path: &str, expected: &[Expected<'_>]) {
    let found = at(document, path);
    assert_eq!(found.len(), expected.len(), "{path}: {found:#?}");
    for (f, e) in found.iter().zip(expected) {
        let place = (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap());
        assert_eq!(place, e.place, "{path}: {f:#}");
        assert_eq!(f["rule_id"], e.rule, "{path}: {f:#}");
        assert_eq!(decoded(f), e.decoded, "{path}: {f:#}");
        assert_eq!(f["secret"], e.secret, "{path}: {f:#}");
    }
}

/// `position_of`, moved `columns` characters right.
fn shifted(text: &str, needle: &str, columns: u64) -> (u64, u64) {
    let (line, column) = position_of(text, needle);
    (line, column + columns)
}

#[test]
fn encoded_keys_are_found_where_they_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let k = FakeKeys::new(11);
    let aws = aws_secret(12);

    let secret_yaml = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: llm-credentials\ntype: Opaque\ndata:\n  \
         ANTHROPIC_API_KEY: {}\n  MISTRAL_API_KEY: {}\n  LOG_LEVEL: aW5mbw==\n",
        b64(k.anthropic.as_bytes()),
        b64(k.mistral.as_bytes())
    );
    write(root, "k8s/secret.yaml", &secret_yaml);
    let env = format!(
        "PORT=8080\nOPENAI_API_KEY_B64={}\n",
        b64(k.openai_project.as_bytes())
    );
    write(root, ".env", &env);
    let basic = b64(format!("ci-bot:{}", k.github_classic).as_bytes());
    let log = format!(
        "2026-01-02T03:04:05Z INFO GET /v1/repos headers={{'Authorization': 'Basic {basic}'}}\n\
         2026-01-02T03:04:06Z INFO GET /connect?region=eu-west-1&aws_secret_access_key={}&v=2 200\n\
         2026-01-02T03:04:07Z INFO POST /hooks body=%7B%22mistral_api_key%22%3A%22{}%22%7D 201\n",
        percent(&aws),
        k.mistral
    );
    write(root, "logs/access.log", &log);
    let auth = b64(format!("deploy:{}", k.github_classic).as_bytes());
    let docker = format!(
        "{{\n  \"auths\": {{\n    \"ghcr.io\": {{\n      \"auth\": \"{auth}\"\n    }}\n  }}\n}}\n"
    );
    write(root, ".docker/config.json", &docker);
    let escaped_key = k.anthropic.replace('-', "\\u002d");
    let escaped_aws = aws.replace('/', "\\/");
    let json = format!(
        "{{\n  \"anthropic\": {{ \"api_key\": \"{escaped_key}\" }},\n  \"aws_secret_access_key\": \"{escaped_aws}\"\n}}\n"
    );
    write(root, "config/settings.json", &json);
    let entity_key = k.anthropic.replace('-', "&#45;");
    let entity_aws = aws.replace('/', "&#x2F;").replace('+', "&#43;");
    let html = format!(
        "<!doctype html>\n<html><body>\n<input type=\"hidden\" name=\"token\" value=\"{entity_key}\">\n\
         <div id=\"app\" data-config=\"{{&quot;aws_secret_access_key&quot;:&quot;{entity_aws}&quot;}}\"></div>\n\
         </body></html>\n"
    );
    write(root, "public/index.html", &html);
    let nested_value = b64(percent(&aws).as_bytes());
    let nested = format!("kind: Secret\ndata:\n  AWS_SECRET_ACCESS_KEY: {nested_value}\n");
    write(root, "deploy/aws-secret.yaml", &nested);

    // Negative twins: placeholders, encoded the same ways; a base64 image.
    let placeholder = "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
    write(
        root,
        "k8s/placeholder-secret.yaml",
        format!(
            "kind: Secret\ndata:\n  OPENAI_API_KEY: {}\n  ANTHROPIC_API_KEY: {}\n",
            b64(placeholder.as_bytes()),
            b64(b"your-anthropic-api-key-goes-here")
        ),
    );
    write(
        root,
        "placeholder.env",
        format!("OPENAI_API_KEY_B64={}\n", b64(placeholder.as_bytes())),
    );
    write(
        root,
        "logs/placeholder.log",
        format!(
            "GET /cb?aws_secret_access_key={}\nGET /x?q=%2Fhome%2Fuser&token=%3Credacted%3E\n\
             GET /v1 headers={{'Authorization': 'Basic {}'}}\n",
            percent("AAAAAAAAAA/AAAAAAAAAAAAAA+AAAAAAAAAAAAAAA"),
            b64(b"ci-bot:ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")
        ),
    );
    write(
        root,
        "config/placeholder.json",
        "{\"api_key\": \"sk\\u002dant\\u002dapi03\\u002dXXXXXXXXXXXXXXXX\"}\n",
    );
    write(
        root,
        "public/placeholder.html",
        format!(
            "<input name=\"token\" value=\"sk&#45;proj&#45;&lt;your key&gt;\">\n<img src=\"data:image/png;base64,{}\">\n",
            b64(&(0u8..=255).cycle().take(600).collect::<Vec<u8>>())
        ),
    );

    let (document, code) = scan_json(root, &["--show-secrets"]);
    assert_eq!(code, 1);
    let e = |place, rule, decoded, secret| Expected {
        place,
        rule,
        decoded,
        secret,
    };
    expect(
        &document,
        "k8s/secret.yaml",
        &[
            e(
                position_of(&secret_yaml, &b64(k.anthropic.as_bytes())),
                "anthropic-api-key",
                &["base64"],
                &k.anthropic,
            ),
            e(
                position_of(&secret_yaml, &b64(k.mistral.as_bytes())),
                "mistral-api-key",
                &["base64"],
                &k.mistral,
            ),
        ],
    );
    expect(
        &document,
        ".env",
        &[e(
            position_of(&env, &b64(k.openai_project.as_bytes())),
            "openai-project-key",
            &["base64"],
            &k.openai_project,
        )],
    );
    // `ci-bot:` is 7 bytes: the key starts in the third quad of four characters.
    expect(
        &document,
        "logs/access.log",
        &[
            e(
                shifted(&log, &basic, 8),
                "github-classic-pat",
                &["base64"],
                &k.github_classic,
            ),
            e(
                position_of(&log, &percent(&aws)),
                "aws-secret-access-key",
                &["percent"],
                &aws,
            ),
            e(
                position_of(&log, &k.mistral),
                "mistral-api-key",
                &["percent"],
                &k.mistral,
            ),
        ],
    );
    expect(
        &document,
        ".docker/config.json",
        &[e(
            shifted(&docker, &auth, 8),
            "github-classic-pat",
            &["base64"],
            &k.github_classic,
        )],
    );
    expect(
        &document,
        "config/settings.json",
        &[
            e(
                position_of(&json, &escaped_key),
                "anthropic-api-key",
                &["escape"],
                &k.anthropic,
            ),
            e(
                position_of(&json, &escaped_aws),
                "aws-secret-access-key",
                &["escape"],
                &aws,
            ),
        ],
    );
    expect(
        &document,
        "public/index.html",
        &[
            e(
                position_of(&html, &entity_key),
                "anthropic-api-key",
                &["html"],
                &k.anthropic,
            ),
            e(
                position_of(&html, &entity_aws),
                "aws-secret-access-key",
                &["html"],
                &aws,
            ),
        ],
    );
    expect(
        &document,
        "deploy/aws-secret.yaml",
        &[e(
            position_of(&nested, &nested_value),
            "aws-secret-access-key",
            &["base64", "percent"],
            &aws,
        )],
    );
    let findings = document["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 12, "only the planted keys: {findings:#?}");

    // Snippets show the encoded text as written, cut short: never the key, never all of it.
    let (redacted, _) = scan_json(root, &[]);
    for finding in findings.iter().filter(|f| !decoded(f).is_empty()) {
        let same = redacted["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["path"] == finding["path"] && r["line"] == finding["line"])
            .unwrap();
        let snippet = same["snippet"].as_str().unwrap();
        let secret = finding["secret"].as_str().unwrap();
        assert!(!snippet.contains(&secret[secret.len() / 2..]), "{snippet}");
        assert!(snippet.contains('…'), "{snippet}");
    }
    let k8s = at(&redacted, "k8s/secret.yaml");
    let snippet = k8s[0]["snippet"].as_str().unwrap();
    let encoded = b64(k.anthropic.as_bytes());
    assert!(snippet.starts_with("ANTHROPIC_API_KEY: "), "{snippet}");
    assert!(encoded.starts_with(snippet["ANTHROPIC_API_KEY: ".len()..].trim_end_matches('…')));
    assert!(
        snippet.len() < "ANTHROPIC_API_KEY: ".len() + 24,
        "{snippet}"
    );

    // The text report says how a key was decoded; SARIF says it in a result property.
    let text = leakward()
        .current_dir(root)
        .args(["scan", "k8s/secret.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("k8s/secret.yaml:7:22  Anthropic API key  [anthropic-api-key · high]  (decoded: base64)"),
        "{text}"
    );
    let sarif = leakward()
        .current_dir(root)
        .args(["scan", "deploy", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["properties"]["decoded"],
        serde_json::json!(["base64", "percent"])
    );
}

#[test]
fn split_keys_are_found_at_their_first_piece() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let k = FakeKeys::new(21);
    let key = &k.anthropic;
    let (head, tail) = key.split_at(37);
    let (middle, last) = tail.split_at(40);

    let files: Vec<(&str, String, &str)> = vec![
        (
            "src/client.py",
            format!("import anthropic\n\nANTHROPIC_API_KEY = (\n    \"{head}\"\n    \"{middle}\"\n    \"{last}\"\n)\n"),
            head,
        ),
        (
            "src/inline.py",
            format!(
                "client = Anthropic(api_key=(\"sk-ant-\" \"{}\"))\n",
                &key["sk-ant-".len()..]
            ),
            "sk-ant-\"",
        ),
        (
            "web/src/llm.ts",
            format!("export const apiKey = \"{head}\" +\n  \"{middle}\" +\n  '{last}';\n"),
            head,
        ),
        (
            "src/main/java/Config.java",
            format!("class Config {{\n    static final String KEY = \"{head}\"\n        + \"{tail}\";\n}}\n"),
            head,
        ),
        (
            "internal/config.go",
            format!("package config\n\nconst anthropicKey = \"{head}\" +\n\t\"{tail}\"\n"),
            head,
        ),
        (
            "App/Program.cs",
            format!("var apiKey = @\"{head}\" +\n    \"{tail}\";\n"),
            head,
        ),
        (
            "scripts/env.sh",
            format!("#!/bin/sh\nexport ANTHROPIC_API_KEY=\"{head}\\\n{tail}\"\n"),
            head,
        ),
        (
            "config/app.yaml",
            format!("anthropic:\n  api_key: >-\n    {head}\n    {middle}\n    {last}\n  timeout: 30\n"),
            head,
        ),
    ];
    for (path, text, _) in &files {
        write(root, path, text);
    }
    // Negative twins: pieces that join into no key, a split placeholder, prose.
    write(
        root,
        "src/prompts.py",
        "SYSTEM = (\"You are a helpful \"\n          \"assistant.\")\nURL = (\"https://api.\" \"anthropic.com/v1\")\n",
    );
    write(
        root,
        "web/src/paths.ts",
        "const path = \"/v1/\" +\n  \"chat/completions\";\nconst k = \"sk-ant-api03-\" +\n  \"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXAA\";\n",
    );
    write(
        root,
        "config/ci.yaml",
        "build:\n  run: |\n    npm ci\n    npm test\n",
    );

    let (document, code) = scan_json(root, &["--show-secrets"]);
    assert_eq!(code, 1);
    for (path, text, first_piece) in &files {
        let (line, column) = position_of(text, first_piece);
        expect(
            &document,
            path,
            &[Expected {
                place: (line, column),
                rule: "anthropic-api-key",
                decoded: &["split"],
                secret: key,
            }],
        );
    }
    assert_eq!(
        document["findings"].as_array().unwrap().len(),
        files.len(),
        "{document:#}"
    );
}

#[test]
fn notebook_outputs_and_split_sources_are_found_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let k = FakeKeys::new(31);
    let (head, tail) = k.anthropic.split_at(40);
    let notebook = format!(
        r#"{{
 "cells": [
  {{
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {{}},
   "outputs": [
    {{
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "connecting...\n",
      "using key {github}\n"
     ]
    }},
    {{
     "data": {{
      "text/plain": [
       "'{openai}'"
      ]
     }},
     "execution_count": 1,
     "metadata": {{}},
     "output_type": "execute_result"
    }}
   ],
   "source": [
    "import os\n",
    "client = Anthropic(api_key=(\n",
    "    \"{head}\"\n",
    "    \"{tail}\"\n",
    "))\n",
    "os.environ.get('OPENAI_API_KEY')"
   ]
  }}
 ],
 "metadata": {{}},
 "nbformat": 4,
 "nbformat_minor": 5
}}
"#,
        github = k.github_classic,
        openai = k.openai_project,
    );
    write(root, "notebooks/demo.ipynb", &notebook);
    // Its twin: the same notebook with placeholders.
    let twin = notebook
        .replace(
            &k.github_classic,
            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        )
        .replace(&k.openai_project, "sk-proj-<your key>")
        .replace(tail, &"X".repeat(tail.len()));
    write(root, "notebooks/template.ipynb", &twin);

    let (document, code) = scan_json(root, &["--show-secrets"]);
    assert_eq!(code, 1);
    expect(
        &document,
        "notebooks/demo.ipynb",
        &[
            Expected {
                place: position_of(&notebook, &k.github_classic),
                rule: "github-classic-pat",
                decoded: &[],
                secret: &k.github_classic,
            },
            Expected {
                place: position_of(&notebook, &k.openai_project),
                rule: "openai-project-key",
                decoded: &[],
                secret: &k.openai_project,
            },
            Expected {
                place: position_of(&notebook, head),
                rule: "anthropic-api-key",
                decoded: &["notebook", "split"],
                secret: &k.anthropic,
            },
        ],
    );
    assert!(at(&document, "notebooks/template.ipynb").is_empty());
}
