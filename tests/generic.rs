//! The generic detector on realistic files: for each context a secret ends up in, a file with a
//! random value is reported and its twin with a placeholder, reference or identifier is not;
//! and multi-part credentials give one finding that names both parts, in every format.

mod common;

use common::{leakward, write, FakeKeys, Rng};
use std::path::Path;

/// `(path, rule_id)` of every finding of a scan of `dir`.
fn findings(dir: &Path) -> Vec<(String, String)> {
    let (document, _) = common::scan_json(dir, &["--no-config"]);
    document["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A file in each context, built around a value: `(path, text)`.
fn contexts(value: &str, user: &str) -> Vec<(&'static str, String)> {
    vec![
        ("app/settings.py", format!("import os\n\nSTRIPE_TOKEN = '{value}'\nDEBUG = False\n")),
        ("cmd/server/main.go", format!("package main\n\nconst apiToken = \"{value}\"\n")),
        ("src/client.rs", format!("let client = Client::new().bearer(\"x\");\nlet api_key = \"{value}\";\n")),
        ("src/main/java/Acme.java", format!("class Acme {{\n  private static final String API_SECRET = \"{value}\";\n}}\n")),
        ("Services/Billing.cs", format!("public class Billing {{\n    private const string ApiKey = \"{value}\";\n}}\n")),
        ("web/config.ts", format!("export const config = {{\n  apiKey: '{value}',\n  region: 'eu',\n}};\n")),
        ("deploy/values.yaml", format!("billing:\n  enabled: true\n  client_secret: {value}\n")),
        ("config/service.json", format!("{{\n  \"name\": \"billing\",\n  \"accessToken\": \"{value}\"\n}}\n")),
        ("config/app.toml", format!("[billing]\nendpoint = \"https://billing.acme-corp.io\"\napi_token = \"{value}\"\n")),
        ("config/datasource.xml", format!("<datasource name=\"orders\" user=\"{user}\" password=\"{value}\"/>\n")),
        (".env.production", format!("NODE_ENV=production\nSESSION_SECRET={value}\n")),
        ("src/main/resources/application.properties", format!("spring.datasource.username={user}\nspring.datasource.password={value}\n")),
        ("infra/main.tf", format!("resource \"acme_webhook\" \"orders\" {{\n  url    = \"https://hooks.acme-corp.io/orders\"\n  secret = \"{value}\"\n}}\n")),
        ("scripts/release.sh", format!("#!/bin/sh\nacme-cli publish --registry-token {value} --yes\n")),
        ("docs/request.http", format!("GET /v1/orders HTTP/1.1\nHost: api.acme-corp.io\nAuthorization: Bearer {value}\n")),
        ("internal/client.go", format!("func sign(req *http.Request) {{\n\treq.Header.Set(\"Authorization\", \"Bearer {value}\")\n}}\n")),
        ("docker-compose.yml", format!("services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: {user}\n      POSTGRES_PASSWORD: {value}\n")),
        ("compose.override.yml", format!("services:\n  api:\n    environment:\n      - LOG_LEVEL=info\n      - API_TOKEN={value}\n")),
        ("scripts/fetch.sh", format!("curl -sS -u {user}:{value} https://nexus.acme-corp.io/service/rest/v1/status\n")),
        ("deploy/ftp.env", format!("BACKUP_TARGET=sftp://{user}:{value}@files.acme-corp.io:22/nightly\n")),
        ("Web.config", format!("<configuration>\n  <appSettings>\n    <add key=\"PaymentsApiKey\" value=\"{value}\" />\n  </appSettings>\n</configuration>\n")),
        ("appsettings.json", format!("{{\n  \"ConnectionStrings\": {{\n    \"Orders\": \"Server=sql-01;Database=orders;User ID={user};Password={value};\"\n  }}\n}}\n")),
        ("logs/worker.log", format!("2026-03-02T10:14:07Z INFO webhook delivered id=81734 token={value} status=200\n")),
        (".mcp.json", format!("{{\n  \"mcpServers\": {{\n    \"billing\": {{\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"@acme/billing-mcp\"],\n      \"env\": {{ \"ACME_BILLING_API_KEY\": \"{value}\" }}\n    }}\n  }}\n}}\n")),
        ("claude_desktop_config.json", format!("{{\n  \"mcpServers\": {{\n    \"search\": {{\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"@acme/search-mcp\", \"--api-key\", \"{value}\"]\n    }}\n  }}\n}}\n")),
        (".cursor/mcp.json", format!("{{\n  \"mcpServers\": {{\n    \"tickets\": {{\n      \"url\": \"https://mcp.acme-corp.io/sse\",\n      \"headers\": {{ \"Authorization\": \"Bearer {value}\" }}\n    }}\n  }}\n}}\n")),
    ]
}

#[test]
fn a_random_value_is_found_in_every_context_and_its_twin_is_not() {
    let mut rng = Rng::new(11);
    let value = rng.alnum(32);
    let positive = tempfile::tempdir().unwrap();
    for (path, text) in contexts(&value, "orders_app") {
        write(positive.path(), path, text);
    }
    let found = findings(positive.path());
    let missed: Vec<&str> = contexts(&value, "orders_app")
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| !found.iter().any(|(p, _)| p == path))
        .collect();
    assert!(
        missed.is_empty(),
        "not found in {missed:?}; found {found:?}"
    );

    // The twins: the same files with what people write instead of a secret.
    for twin in [
        "your-api-key-here",
        "${BILLING_TOKEN}",
        "%BILLING_TOKEN%",
        "billingServiceTokenProvider",
        "AbC123dEf",
        "123e4567-e89b-42d3-a456-556642440000",
        "changeme",
        "P@ssw0rd2024!",
    ] {
        let negative = tempfile::tempdir().unwrap();
        for (path, text) in contexts(twin, "orders_app") {
            write(negative.path(), path, text);
        }
        let found = findings(negative.path());
        assert!(found.is_empty(), "{twin}: {found:?}");
    }
}

#[test]
fn the_false_alarms_of_the_first_generic_rule_stay_quiet() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docs/oauth.md",
        "Set the token:\n\n```python\ntoken=\"sk-ant-oat01-SECRETMATERIAL\"\n```\n",
    );
    write(
        dir.path(),
        "examples/webrtc_offer.py",
        "offer = \"\"\"v=0\no=- 4611731400430051336 2 IN IP4 127.0.0.1\na=ice-ufrag:EsAw\na=ice-pwd:asd88fgpdd777uzjYhagZg\na=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51\n\"\"\"\n",
    );
    write(
        dir.path(),
        "docs/quickstart.md",
        "```js\nconst client = new Acme({ apiKey: \"AbC123dEf\" });\n```\n",
    );
    assert_eq!(findings(dir.path()), Vec::<(String, String)>::new());
}

#[test]
fn lockfiles_and_checksums_are_not_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(5);
    write(
        dir.path(),
        "package-lock.json",
        format!(
            "{{\n  \"packages\": {{\n    \"node_modules/js-tokens\": {{\n      \"version\": \"4.0.0\",\n      \"integrity\": \"sha512-{}==\"\n    }}\n  }}\n}}\n",
            rng.alnum(86)
        ),
    );
    write(
        dir.path(),
        "Cargo.lock",
        format!(
            "[[package]]\nname = \"tokenizers\"\nversion = \"0.19.1\"\nchecksum = \"{}\"\n",
            rng.hex(64)
        ),
    );
    write(
        dir.path(),
        "vendor/checksums.txt",
        format!("token_sha256 = \"{}\"\n", rng.hex(64)),
    );
    assert_eq!(findings(dir.path()), Vec::<(String, String)>::new());
}

/// A credentials file with an AWS key id and its secret key two lines apart.
fn aws_pair(dir: &Path) -> (FakeKeys, (u64, u64), (u64, u64)) {
    let keys = FakeKeys::new(31);
    let text = format!(
        "[ci-deployer]\nregion = eu-west-1\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        keys.aws_access_key_id, keys.aws_secret
    );
    write(dir, ".aws/credentials", &text);
    let id_at = common::position_of(&text, &keys.aws_access_key_id);
    let secret_at = common::position_of(&text, &keys.aws_secret);
    (keys, id_at, secret_at)
}

#[test]
fn a_multi_part_credential_is_one_finding_that_names_both_parts_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let (keys, id_at, secret_at) = aws_pair(dir.path());
    let (document, code) = common::scan_json(dir.path(), &["--no-config"]);
    assert_eq!(code, 1);
    let all = document["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    let finding = &all[0];
    assert_eq!(finding["rule_id"], "aws-secret-access-key");
    assert_eq!(
        (
            finding["line"].as_u64().unwrap(),
            finding["column"].as_u64().unwrap()
        ),
        secret_at
    );
    let parts = finding["parts"].as_array().expect("parts");
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["name"], "access key id");
    assert_eq!(
        (
            parts[0]["line"].as_u64().unwrap(),
            parts[0]["column"].as_u64().unwrap()
        ),
        id_at
    );
    let shown = parts[0]["secret"].as_str().unwrap();
    assert!(shown.starts_with("AKIA") && shown.ends_with('…'), "{shown}");
    let text = serde_json::to_string(&document).unwrap();
    assert!(!text.contains(&keys.aws_access_key_id) && !text.contains(&keys.aws_secret));

    // --show-secrets shows the part in full too.
    let (document, _) = common::scan_json(dir.path(), &["--no-config", "--show-secrets"]);
    assert_eq!(
        document["findings"][0]["parts"][0]["secret"],
        keys.aws_access_key_id.as_str()
    );

    // Alone, the key id is its own finding and the secret names no part.
    let alone = tempfile::tempdir().unwrap();
    write(
        alone.path(),
        "id.env",
        format!("AWS_ACCESS_KEY_ID={}\n", keys.aws_access_key_id),
    );
    write(
        alone.path(),
        "secret.env",
        format!("AWS_SECRET_ACCESS_KEY={}\n", keys.aws_secret),
    );
    let (document, _) = common::scan_json(alone.path(), &["--no-config"]);
    let rules: Vec<&str> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(f.get("parts").is_none(), "{f}");
            f["rule_id"].as_str().unwrap()
        })
        .collect();
    assert_eq!(rules, ["aws-access-key-id", "aws-secret-access-key"]);
}

#[test]
fn a_multi_part_credential_in_sarif_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let (keys, id_at, _) = aws_pair(dir.path());
    let sarif = leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif_text = String::from_utf8(sarif.stdout).unwrap();
    assert!(!sarif_text.contains(&keys.aws_access_key_id));
    let log: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
    let related = &result["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["region"]["startLine"].as_u64(),
        Some(id_at.0)
    );
    assert!(related["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("access key id AKIA"));
    assert!(result["message"]["text"]
        .as_str()
        .unwrap()
        .contains(", with access key id AKIA"));
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&log));

    let text = leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "with access key id {}… (line {}, column {})",
            &keys.aws_access_key_id[..8],
            id_at.0,
            id_at.1
        )),
        "{text}"
    );
    assert!(!text.contains(&keys.aws_access_key_id) && !text.contains(&keys.aws_secret));
}

#[test]
fn a_user_and_password_in_a_connection_string_are_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let password = Rng::new(8).alnum(24);
    write(
        dir.path(),
        "appsettings.json",
        format!(
            "{{\"ConnectionStrings\": {{\"Orders\": \"Server=sql-01;Database=orders;User ID=orders_app;Password={password};\"}}}}\n"
        ),
    );
    let (document, _) = common::scan_json(dir.path(), &["--no-config"]);
    let finding = &document["findings"][0];
    assert_eq!(finding["rule_id"], "ado-odbc-connection-string");
    assert_eq!(finding["parts"][0]["name"], "user");
    assert_eq!(finding["parts"][0]["secret"], "or…");
}
