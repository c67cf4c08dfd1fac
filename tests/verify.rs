//! Verification (`--verify`, `leakward verify`), revocation (`leakward revoke`) and
//! `leakward explain`, against a real HTTP server on 127.0.0.1 that stands in for every
//! provider (`LEAKWARD_VERIFY_BASE_URL`).

mod common;
mod verify_server;

use common::{hermetic_git, leakward, write, FakeKeys, Rng};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use verify_server::{Proxy, Reply, Server};

const PROXY_VARIABLES: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// `leakward` with verification sent to `server` and no proxy from the environment.
fn lw(server: &Server) -> assert_cmd::Command {
    let mut command = leakward();
    command.env("LEAKWARD_VERIFY_BASE_URL", server.base_url());
    for variable in PROXY_VARIABLES {
        command.env_remove(variable);
    }
    command
}

struct Run {
    json: Value,
    code: i32,
    stderr: String,
}

fn run_json(command: &mut assert_cmd::Command) -> Run {
    let output = command.output().expect("run leakward");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}\nstderr: {stderr}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    Run {
        json,
        code: output.status.code().expect("an exit code"),
        stderr,
    }
}

fn scan_verify(dir: &Path, server: &Server, extra: &[&str]) -> Run {
    run_json(
        lw(server)
            .current_dir(dir)
            .args(["scan", "--no-config", "--verify", "-f", "json"])
            .args(extra),
    )
}

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().expect("findings")
}

/// The verification of the finding whose secret is `secret`.
fn verification_of<'a>(json: &'a Value, secret_prefix: &str) -> &'a Value {
    findings(json)
        .iter()
        .find(|f| {
            let shown = f["secret"]
                .as_str()
                .unwrap_or_default()
                .trim_end_matches('…');
            secret_prefix.starts_with(shown) && !shown.is_empty()
        })
        .map(|f| &f["verification"])
        .unwrap_or_else(|| panic!("no finding for {secret_prefix}: {json:#}"))
}

fn openai_key(r: &mut Rng) -> String {
    format!("sk-proj-{}T3BlbkFJ{}", r.url_safe(74), r.url_safe(74))
}

/// Replies chosen by the request's `Authorization` header.
fn by_authorization(replies: HashMap<String, Reply>) -> impl Fn(&verify_server::Request) -> Reply {
    move |request| {
        request
            .header("authorization")
            .and_then(|a| replies.get(a))
            .cloned()
            .unwrap_or_else(|| Reply::new(418, "unexpected request"))
    }
}

#[test]
fn every_status_from_the_providers_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Rng::new(7);
    let cases: Vec<(&str, Reply, &str, &str)> = vec![
        (
            "live",
            Reply::new(200, r#"{"data":[]}"#).header("openai-organization", "org-acme"),
            "live",
            "organization: org-acme",
        ),
        (
            "invalid",
            Reply::new(401, r#"{"error":"bad key"}"#),
            "invalid",
            "rejected the key (HTTP 401)",
        ),
        (
            "firewall",
            Reply::new(403, "<html>blocked</html>"),
            "unknown",
            "HTTP 403",
        ),
        ("teapot", Reply::new(418, ""), "unknown", "HTTP 418"),
        ("failing", Reply::new(500, ""), "error", "HTTP 500"),
        (
            "limited",
            Reply::new(429, "").header("Retry-After", "0"),
            "error",
            "429) after 2 retries",
        ),
        (
            "slow",
            Reply::new(200, "{}").delayed(Duration::from_secs(3)),
            "error",
            "no answer within 300 ms",
        ),
        (
            "malformed",
            Reply::new(200, "not json at all"),
            "live",
            "the provider accepted the key",
        ),
    ];
    let mut replies = HashMap::new();
    let mut keys = Vec::new();
    for (name, reply, _, _) in &cases {
        let key = openai_key(&mut r);
        write(
            dir.path(),
            &format!("{name}.env"),
            format!("OPENAI_API_KEY={key}\n"),
        );
        replies.insert(format!("Bearer {key}"), reply.clone());
        keys.push(key);
    }
    // A Slack answer that is not JSON decides nothing: Slack says yes or no only in JSON.
    let slack = FakeKeys::new(7).slack_bot;
    write(
        dir.path(),
        "slack.cfg",
        format!("[slack]\nbot_token = {slack}\n"),
    );
    replies.insert(
        format!("Bearer {slack}"),
        Reply::new(200, "<html>maintenance</html>"),
    );
    let server = Server::start(by_authorization(replies));
    let run = run_json(
        lw(&server)
            .current_dir(dir.path())
            .env("LEAKWARD_VERIFY_TIMEOUT_MS", "300")
            .args(["scan", "--no-config", "--verify", "-f", "json"]),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    for ((name, _, status, detail), key) in cases.iter().zip(&keys) {
        let v = verification_of(&run.json, key);
        assert_eq!(v["status"], *status, "{name}: {v}");
        let shown = v["detail"].as_str().unwrap();
        assert!(shown.contains(detail), "{name}: {shown}");
        assert!(v["checked_at"].as_str().unwrap().ends_with('Z'));
    }
    let v = verification_of(&run.json, &slack);
    assert_eq!(v["status"], "unknown", "{v}");
    let limited = format!("Bearer {}", keys[5]);
    let tries = server
        .requests()
        .iter()
        .filter(|q| q.header("authorization") == Some(&limited))
        .count();
    assert_eq!(tries, 3, "a 429 is retried twice");
    assert!(
        run.stderr
            .contains("leakward: verification: 2 live, 1 invalid, 3 unknown, 3 error"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("verification requests go to http://127.0.0.1:"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_request_per_distinct_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Rng::new(11);
    let (shared, single) = (openai_key(&mut r), openai_key(&mut r));
    for name in ["a.env", "b/c.env", "d.py"] {
        write(dir.path(), name, format!("OPENAI_API_KEY={shared}\n"));
    }
    write(dir.path(), "e.env", format!("OPENAI_API_KEY={single}\n"));
    let server = Server::start(|_| Reply::new(401, "{}"));
    let run = scan_verify(dir.path(), &server, &[]);
    assert_eq!(findings(&run.json).len(), 4);
    assert!(findings(&run.json)
        .iter()
        .all(|f| f["verification"]["status"] == "invalid"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one request per fingerprint");
    let mut seen: Vec<_> = requests
        .iter()
        .map(|q| q.header("authorization").unwrap().to_string())
        .collect();
    seen.sort();
    let mut expected = vec![format!("Bearer {shared}"), format!("Bearer {single}")];
    expected.sort();
    assert_eq!(seen, expected);
    assert!(
        run.stderr
            .contains("verified 2 distinct keys with their providers (2 requests)"),
        "{}",
        run.stderr
    );
}

#[test]
fn requests_to_one_host_are_spaced_and_retry_after_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Rng::new(12);
    let keys: Vec<String> = (0..4).map(|_| openai_key(&mut r)).collect();
    for (i, key) in keys.iter().enumerate() {
        write(
            dir.path(),
            &format!("{i}.env"),
            format!("OPENAI_API_KEY={key}\n"),
        );
    }
    let patient = keys[0].clone();
    let first = Arc::new(AtomicUsize::new(0));
    let server = Server::start(move |q| {
        if q.header("authorization") == Some(&format!("Bearer {patient}"))
            && first.fetch_add(1, Ordering::SeqCst) == 0
        {
            return Reply::new(429, "").header("Retry-After", "1");
        }
        Reply::new(200, "{}")
    });
    let run = scan_verify(dir.path(), &server, &[]);
    assert!(
        findings(&run.json)
            .iter()
            .all(|f| f["verification"]["status"] == "live"),
        "{:#}",
        run.json
    );
    let mut times: Vec<_> = server.requests().iter().map(|q| q.at).collect();
    times.sort();
    assert_eq!(times.len(), 5);
    // Starts are 200 ms apart; arrival adds connection jitter on a loaded machine, so each
    // gap is checked loosely and the span of four tightly (unlimited, all four arrive at once).
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(100),
            "requests to one host {gap:?} apart"
        );
    }
    assert!(
        times[3] - times[0] >= Duration::from_millis(540),
        "{times:?}"
    );
    let retried: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|q| q.header("authorization") == Some(&format!("Bearer {}", keys[0])))
        .map(|q| q.at)
        .collect();
    assert_eq!(retried.len(), 2);
    assert!(
        retried[1] - retried[0] >= Duration::from_millis(950),
        "Retry-After: 1 waited"
    );
}

/// One file per provider of the common fake keys; returns the keys.
fn provider_tree(root: &Path) -> FakeKeys {
    let k = FakeKeys::new(21);
    let files = [
        (
            ".env",
            format!(
                "OPENAI_API_KEY={}\nANTHROPIC_API_KEY={}\n",
                k.openai_project, k.anthropic
            ),
        ),
        ("groq.yaml", format!("groq:\n  api_key: {}\n", k.groq)),
        (
            "hf.json",
            format!(
                "{{\"huggingface\": {{\"token\": \"{}\"}}}}\n",
                k.huggingface
            ),
        ),
        (
            "gemini.toml",
            format!("[gemini]\napi_key = \"{}\"\n", k.gemini),
        ),
        (
            "chat.py",
            format!("client = Mistral(api_key=\"{}\")\n", k.mistral),
        ),
        (
            "llm.ts",
            format!(
                "export const openrouter = {{ apiKey: \"{}\" }};\n",
                k.openrouter
            ),
        ),
        ("deploy.sh", format!("export XAI_API_KEY=\"{}\"\n", k.xai)),
        (
            "Dockerfile",
            format!("ENV PERPLEXITY_API_KEY={}\n", k.perplexity),
        ),
        (
            "main.tf",
            format!(
                "provider \"aws\" {{\n  access_key = \"{}\"\n  secret_key = \"{}\"\n}}\n",
                k.aws_access_key_id, k.aws_secret
            ),
        ),
        (
            "replicate.env",
            format!("REPLICATE_API_TOKEN={}\n", k.replicate),
        ),
        (
            "setup.md",
            format!(
                "curl -H \"Authorization: token {}\" https://api.github.com/user\n",
                k.github_classic
            ),
        ),
        (
            "app.log",
            format!("DEBUG deepseek client configured api_key={}\n", k.deepseek),
        ),
        (
            "stripe.env",
            format!("STRIPE_SECRET_KEY={}\n", k.stripe_live),
        ),
        (
            "slack.cfg",
            format!("[slack]\nbot_token = {}\n", k.slack_bot),
        ),
    ];
    for (name, text) in files {
        write(root, name, text);
    }
    k
}

/// What each provider must receive: method, path, and a header that proves the key's place.
fn expected_requests(k: &FakeKeys) -> Vec<(&'static str, &'static str, &'static str, String)> {
    vec![
        (
            "openai-project-key",
            "GET",
            "/v1/models",
            format!("authorization=Bearer {}", k.openai_project),
        ),
        (
            "anthropic-api-key",
            "GET",
            "/v1/models",
            format!("x-api-key={}", k.anthropic),
        ),
        (
            "groq-api-key",
            "GET",
            "/openai/v1/models",
            format!("authorization=Bearer {}", k.groq),
        ),
        (
            "huggingface-user-access-token",
            "GET",
            "/api/whoami-v2",
            format!("authorization=Bearer {}", k.huggingface),
        ),
        (
            "google-gemini-api-key-aiza",
            "GET",
            "/v1beta/models",
            format!("x-goog-api-key={}", k.gemini),
        ),
        (
            "mistral-api-key",
            "GET",
            "/v1/models",
            format!("authorization=Bearer {}", k.mistral),
        ),
        (
            "openrouter-api-key",
            "GET",
            "/api/v1/key",
            format!("authorization=Bearer {}", k.openrouter),
        ),
        (
            "xai-api-key",
            "GET",
            "/v1/api-key",
            format!("authorization=Bearer {}", k.xai),
        ),
        (
            "perplexity-api-key",
            "POST",
            "/chat/completions",
            format!("authorization=Bearer {}", k.perplexity),
        ),
        (
            "replicate-api-token",
            "GET",
            "/v1/account",
            format!("authorization=Bearer {}", k.replicate),
        ),
        (
            "github-classic-pat",
            "GET",
            "/user",
            format!("authorization=Bearer {}", k.github_classic),
        ),
        (
            "deepseek-api-key",
            "GET",
            "/models",
            format!("authorization=Bearer {}", k.deepseek),
        ),
        (
            "stripe-live-secret-key",
            "GET",
            "/v1/account",
            format!("authorization=Bearer {}", k.stripe_live),
        ),
        (
            "slack-bot-token",
            "POST",
            "/api/auth.test",
            format!("authorization=Bearer {}", k.slack_bot),
        ),
    ]
}

/// Answers as each provider does for a live key, chosen by path.
fn live_provider(q: &verify_server::Request) -> Reply {
    match q.path() {
        "/user" => Reply::new(200, r#"{"login":"octo"}"#).header("X-OAuth-Scopes", "repo, gist"),
        "/api/auth.test" => Reply::new(200, r#"{"ok":true,"team":"Acme","user":"deploybot"}"#),
        "/api/whoami-v2" => Reply::new(200, r#"{"name":"ada","orgs":[{"name":"acme"}],"auth":{"accessToken":{"role":"write"}}}"#),
        "/" if q.method == "POST" => Reply::new(
            200,
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
        ),
        "/chat/completions" => Reply::new(400, r#"{"error":"invalid model"}"#),
        _ => Reply::new(200, "{}"),
    }
}

#[test]
fn every_provider_gets_its_exact_request_at_most_eight_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let k = provider_tree(dir.path());
    let server = Server::start(|q| live_provider(q).delayed(Duration::from_millis(400)));
    let run = scan_verify(dir.path(), &server, &[]);
    let requests = server.requests();
    for (rule, method, path, header) in expected_requests(&k) {
        let (name, value) = header.split_once('=').unwrap();
        let hit = requests
            .iter()
            .find(|q| q.method == method && q.path() == path && q.header(name) == Some(value));
        assert!(hit.is_some(), "{rule}: no {method} {path} with {name}");
        let finding = findings(&run.json)
            .iter()
            .find(|f| f["rule_id"] == rule)
            .unwrap();
        assert_eq!(
            finding["verification"]["status"], "live",
            "{rule}: {}",
            finding["verification"]
        );
    }
    let anthropic = requests
        .iter()
        .find(|q| q.header("x-api-key") == Some(&k.anthropic))
        .unwrap();
    assert_eq!(anthropic.header("anthropic-version"), Some("2023-06-01"));
    let perplexity = requests
        .iter()
        .find(|q| q.path() == "/chat/completions")
        .unwrap();
    assert_eq!(perplexity.header("content-type"), Some("application/json"));
    assert!(perplexity.body_text().contains("\"messages\""));
    // AWS: the key id and the secret, signed with SigV4 for STS.
    let aws = requests
        .iter()
        .find(|q| q.method == "POST" && q.path() == "/")
        .unwrap();
    assert_eq!(
        aws.body_text(),
        "Action=GetCallerIdentity&Version=2011-06-15"
    );
    let authorization = aws.header("authorization").unwrap();
    let prefix = format!("AWS4-HMAC-SHA256 Credential={}/", k.aws_access_key_id);
    assert!(authorization.starts_with(&prefix), "{authorization}");
    assert!(authorization.contains(
        "/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
    ));
    assert!(!authorization.contains(&k.aws_secret));
    assert!(aws
        .header("x-amz-date")
        .is_some_and(|d| d.len() == 16 && d.ends_with('Z')));
    // The key id near the secret is a part of the secret's finding, not a finding of its own.
    let aws_finding = findings(&run.json)
        .iter()
        .find(|f| f["rule_id"] == "aws-secret-access-key")
        .unwrap();
    assert_eq!(aws_finding["parts"][0]["rule_id"], "aws-access-key-id");
    assert_eq!(
        aws_finding["verification"]["detail"],
        "account: 123456789012; arn: arn:aws:iam::123456789012:user/ci"
    );
    assert!(!findings(&run.json)
        .iter()
        .any(|f| f["rule_id"] == "aws-access-key-id"));
    let detail = |rule: &str| {
        findings(&run.json)
            .iter()
            .find(|f| f["rule_id"] == rule)
            .unwrap()["verification"]["detail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        detail("github-classic-pat"),
        "user: octo; scopes: repo, gist"
    );
    assert_eq!(detail("slack-bot-token"), "team: Acme; user: deploybot");
    assert_eq!(
        detail("huggingface-user-access-token"),
        "user: ada; orgs: acme; role: write"
    );
    // 15 hosts, 400 ms each: parallel, but never more than 8 at once.
    assert_eq!(requests.len(), 15);
    let most = server.max_in_flight();
    assert!((4..=8).contains(&most), "{most} requests in flight");
    // The secret is nowhere in what leakward printed.
    let printed = format!("{}{}", run.json, run.stderr);
    for secret in [
        &k.openai_project,
        &k.aws_secret,
        &k.github_classic,
        &k.slack_bot,
    ] {
        assert!(!printed.contains(secret.as_str()));
    }
}

#[test]
fn nothing_is_sent_without_verify() {
    let dir = tempfile::tempdir().unwrap();
    provider_tree(dir.path());
    hermetic_git(dir.path())
        .args(["init", "-q", "-b", "main"])
        .status()
        .unwrap();
    hermetic_git(dir.path())
        .args(["add", "."])
        .status()
        .unwrap();
    hermetic_git(dir.path())
        .args(["commit", "-q", "-m", "keys"])
        .status()
        .unwrap();
    write(
        dir.path(),
        "staged.env",
        format!("OPENAI_API_KEY={}\n", openai_key(&mut Rng::new(5))),
    );
    hermetic_git(dir.path())
        .args(["add", "staged.env"])
        .status()
        .unwrap();
    let server = Server::start(|_| Reply::new(200, "{}"));
    for args in [
        &["scan", "--no-config", "."][..],
        &["scan", "--no-config", "-f", "json", "."],
        &["scan", "--no-config", "-f", "sarif", "."],
        &["git", "--no-config", "."],
        &["staged", "--no-config"],
        &["explain", "github-classic-pat"],
    ] {
        let output = lw(&server)
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.code() != Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!stdout.contains("\"verification\""), "{args:?}");
    }
    assert_eq!(
        server.requests().len(),
        0,
        "a scan without --verify sent requests"
    );
}

#[test]
fn fail_on_live_exits_1_only_for_a_live_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Rng::new(31);
    let (dead, alive) = (openai_key(&mut r), openai_key(&mut r));
    write(dir.path(), "dead.env", format!("OPENAI_API_KEY={dead}\n"));
    let replies = HashMap::from([
        (format!("Bearer {dead}"), Reply::new(401, "{}")),
        (format!("Bearer {alive}"), Reply::new(200, "{}")),
    ]);
    let server = Server::start(by_authorization(replies));
    let run = |args: &[&str]| {
        lw(&server)
            .current_dir(dir.path())
            .args(["scan", "--no-config"])
            .args(args)
            .output()
            .unwrap()
    };
    assert_eq!(
        run(&["--verify", "--fail-on", "live"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["--verify"]).status.code(),
        Some(1),
        "--fail-on any is the default"
    );
    assert_eq!(run(&[]).status.code(), Some(1));
    let refused = run(&["--fail-on", "live"]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "--fail-on live needs --verify"
    );
    write(dir.path(), "alive.env", format!("OPENAI_API_KEY={alive}\n"));
    let live = run(&["--verify", "--fail-on", "live"]);
    assert_eq!(live.status.code(), Some(1));
    let text = String::from_utf8_lossy(&live.stdout);
    assert!(text.contains("[openai-project-key · high]  LIVE"), "{text}");
    assert!(
        text.contains("    verified invalid: the provider rejected the key (HTTP 401)"),
        "{text}"
    );
}

fn commit_at(dir: &Path, file: &str, text: &str, date: &str) {
    write(dir, file, text);
    hermetic_git(dir).args(["add", file]).status().unwrap();
    hermetic_git(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .args(["commit", "-q", "-m", file])
        .status()
        .unwrap();
}

fn days_since(date: &str) -> u64 {
    let then = leakward::dates::parse_since(date).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    ((now - then) / 86_400) as u64
}

#[test]
fn history_findings_say_how_long_the_key_has_been_exposed() {
    let dir = tempfile::tempdir().unwrap();
    hermetic_git(dir.path())
        .args(["init", "-q", "-b", "main"])
        .status()
        .unwrap();
    let mut r = Rng::new(41);
    let (old, recent) = (openai_key(&mut r), openai_key(&mut r));
    let old_date = "2020-03-01T12:00:00Z";
    let recent_date = leakward::dates::rfc3339_utc(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            - 5 * 86_400,
    );
    commit_at(
        dir.path(),
        "old.env",
        &format!("OPENAI_API_KEY={old}\n"),
        old_date,
    );
    commit_at(
        dir.path(),
        "new.env",
        &format!("OPENAI_API_KEY={recent}\n"),
        &recent_date,
    );
    let run =
        run_json(
            leakward()
                .current_dir(dir.path())
                .args(["git", "--no-config", "-f", "json"]),
        );
    let by_path = |path: &str| {
        findings(&run.json)
            .iter()
            .find(|f| f["path"] == path)
            .unwrap()
            .clone()
    };
    let old_finding = by_path("old.env");
    let expected = days_since(old_date);
    let days = old_finding["exposed_days"].as_u64().unwrap();
    assert!(
        days == expected || days + 1 == expected,
        "{days} vs {expected}"
    );
    assert_eq!(old_finding["rotation_overdue"], true);
    let new_finding = by_path("new.env");
    assert!(new_finding["exposed_days"].as_u64().unwrap() <= 5);
    assert_eq!(new_finding["rotation_overdue"], false);
    assert!(
        old_finding.get("verification").is_none(),
        "no verification without --verify"
    );
    assert!(
        run.stderr.contains("leakward: 1 key has been in the repository longer than its provider's rotation period (90 days)"),
        "{}",
        run.stderr
    );
    let text = leakward()
        .current_dir(dir.path())
        .args(["git", "--no-config"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&format!("    in the repository since 2020-03-01 ({days} days): longer than the 90-day rotation period, rotate it")), "{text}");
}

#[test]
fn verify_a_report_written_earlier() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Rng::new(51);
    let key = openai_key(&mut r);
    write(dir.path(), "src/.env", format!("OPENAI_API_KEY={key}\n"));
    let server = Server::start(|_| Reply::new(200, "{}").header("openai-organization", "org-9"));
    let scan = |extra: &[&str]| {
        lw(&server)
            .current_dir(dir.path())
            .args(["scan", "--no-config", "src"])
            .args(extra)
            .output()
            .unwrap()
    };
    assert_eq!(
        scan(&["-f", "json", "-o", "redacted.json"]).status.code(),
        Some(1)
    );
    assert_eq!(
        scan(&["--show-secrets", "-f", "json", "-o", "full.json"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        scan(&["--show-secrets", "-f", "jsonl", "-o", "full.jsonl"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(server.requests().len(), 0);
    for report in ["full.json", "full.jsonl"] {
        let run = run_json(
            lw(&server)
                .current_dir(dir.path())
                .args(["verify", report, "-f", "json"]),
        );
        assert_eq!(run.code, 1);
        let finding = &findings(&run.json)[0];
        assert_eq!(finding["verification"]["status"], "live");
        assert_eq!(finding["verification"]["detail"], "organization: org-9");
        assert_eq!(finding["path"], "src/.env");
        assert_eq!(
            finding["redacted"], true,
            "the output is redacted unless asked"
        );
        assert!(!run.json.to_string().contains(&key));
    }
    assert_eq!(server.requests().len(), 2);
    let live_only = lw(&server)
        .current_dir(dir.path())
        .args(["verify", "full.json", "--fail-on", "live"])
        .output()
        .unwrap();
    assert_eq!(live_only.status.code(), Some(1));
    let redacted = lw(&server)
        .current_dir(dir.path())
        .args(["verify", "redacted.json"])
        .output()
        .unwrap();
    assert_eq!(redacted.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&redacted.stderr);
    assert!(
        stderr.contains("redacted.json: its secrets are redacted"),
        "{stderr}"
    );
    assert!(stderr.contains("--show-secrets"), "{stderr}");
}

#[test]
fn redirects_to_another_host_are_not_followed() {
    let elsewhere = Server::start(|_| Reply::new(200, "{}"));
    let target = format!("{}/steal", elsewhere.base_url());
    let server = Server::start(move |q| match q.path() {
        "/v1/models" => Reply::new(302, "").header("Location", &target),
        _ => Reply::new(200, "{}"),
    });
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".env",
        format!("OPENAI_API_KEY={}\n", openai_key(&mut Rng::new(61))),
    );
    let run = scan_verify(dir.path(), &server, &[]);
    let v = &findings(&run.json)[0]["verification"];
    assert_eq!(v["status"], "unknown");
    assert_eq!(v["detail"], "redirected to another host; not followed");
    assert_eq!(elsewhere.requests().len(), 0);
    // A redirect on the same host is followed.
    let same = Server::start(|q| match q.path() {
        "/v1/models" => Reply::new(301, "").header("Location", "/v1/models/"),
        _ => Reply::new(200, "{}"),
    });
    let run = scan_verify(dir.path(), &same, &[]);
    assert_eq!(findings(&run.json)[0]["verification"]["status"], "live");
}

#[test]
fn proxy_variables_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".env",
        format!("OPENAI_API_KEY={}\n", openai_key(&mut Rng::new(71))),
    );
    let server = Server::start(|_| Reply::new(200, "{}"));
    let proxy = Proxy::start();
    let run = run_json(
        lw(&server)
            .current_dir(dir.path())
            .env("HTTPS_PROXY", proxy.url())
            .args(["scan", "--no-config", "--verify", "-f", "json"]),
    );
    assert_eq!(
        findings(&run.json)[0]["verification"]["status"],
        "live",
        "{}",
        run.stderr
    );
    assert_eq!(proxy.targets(), vec![server.addr.to_string()]);
    let run = run_json(
        lw(&server)
            .current_dir(dir.path())
            .env("HTTPS_PROXY", proxy.url())
            .env("NO_PROXY", "127.0.0.1")
            .args(["scan", "--no-config", "--verify", "-f", "json"]),
    );
    assert_eq!(findings(&run.json)[0]["verification"]["status"], "live");
    assert_eq!(proxy.targets().len(), 1, "NO_PROXY bypasses the proxy");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_secret_echoed_by_the_provider_never_reaches_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(81);
    write(
        dir.path(),
        "setup.md",
        format!("token {}\n", k.github_classic),
    );
    let echo = k.github_classic.clone();
    let server = Server::start(move |_| Reply::new(200, &format!("{{\"login\":\"{echo}\"}}")));
    for format in ["json", "text", "sarif"] {
        let output = lw(&server)
            .current_dir(dir.path())
            .args(["scan", "--no-config", "--verify", "-f", format])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(all.contains("user: [secret]"), "{all}");
        assert!(!all.contains(&k.github_classic[4..20]), "{format}: {all}");
    }
}

/// A report with a GitHub token (revocable by API) and an OpenAI key (by hand only).
fn revoke_fixture(dir: &Path, server: &Server) -> FakeKeys {
    let k = FakeKeys::new(91);
    write(
        dir,
        "keys/.env",
        format!(
            "GH={}\nOPENAI_API_KEY={}\n",
            k.github_classic, k.openai_project
        ),
    );
    let output = lw(server)
        .current_dir(dir)
        .args([
            "scan",
            "--no-config",
            "keys",
            "--show-secrets",
            "-f",
            "json",
            "-o",
            "report.json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    k
}

#[test]
fn revoke_with_yes_revokes_through_the_api_and_explains_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(|q| match (q.method.as_str(), q.path()) {
        ("POST", "/credentials/revoke") => Reply::new(202, "{}"),
        _ => Reply::new(404, ""),
    });
    let k = revoke_fixture(dir.path(), &server);
    let output = lw(&server)
        .current_dir(dir.path())
        .args(["revoke", "report.json", "--yes"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "credentials": [k.github_classic] })
    );
    assert!(
        requests[0].header("authorization").is_none(),
        "GitHub wants this call unauthenticated"
    );
    assert!(
        stdout.contains("revoked: GitHub personal access token (classic) ghp_"),
        "{stdout}"
    );
    assert!(
        stdout.contains("no revocation API: OpenAI project API key sk-proj-"),
        "{stdout}"
    );
    assert!(
        stdout.contains("revoke it at https://platform.openai.com/api-keys"),
        "{stdout}"
    );
    assert!(
        stdout.contains("then rotate: Create a new key in the same project"),
        "{stdout}"
    );
    assert!(!stdout.contains(&k.github_classic));
}

#[test]
fn revoke_without_a_terminal_and_without_yes_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(|_| Reply::new(202, "{}"));
    revoke_fixture(dir.path(), &server);
    let output = lw(&server)
        .current_dir(dir.path())
        .args(["revoke", "report.json"])
        .write_stdin("y\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refusing to revoke 1 key without confirmation"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 0);
}

/// Runs `leakward revoke` on a pseudo-terminal (util-linux `script`), typing `answer`.
fn revoke_on_a_terminal(dir: &Path, server: &Server, answer: &str) -> String {
    let binary = assert_cmd::cargo::cargo_bin("leakward");
    let mut command = std::process::Command::new("script");
    command
        .current_dir(dir)
        .args([
            "-qec",
            &format!("{} revoke report.json", binary.display()),
            "/dev/null",
        ])
        .env("LEAKWARD_VERIFY_BASE_URL", server.base_url())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    for variable in PROXY_VARIABLES {
        command.env_remove(variable);
    }
    let mut child = command.spawn().expect("util-linux script runs");
    std::thread::sleep(Duration::from_millis(500));
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn revoke_asks_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(|_| Reply::new(202, "{}"));
    revoke_fixture(dir.path(), &server);
    let declined = revoke_on_a_terminal(dir.path(), &server, "n\n");
    assert!(
        declined.contains("through GitHub's API? This cannot be undone. [y/N]"),
        "{declined}"
    );
    assert!(
        declined.contains("skipped: GitHub personal access token (classic)"),
        "{declined}"
    );
    assert_eq!(server.requests().len(), 0);
    let accepted = revoke_on_a_terminal(dir.path(), &server, "y\n");
    assert!(
        accepted.contains("revoked: GitHub personal access token (classic)"),
        "{accepted}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn explain_prints_the_guide_or_a_generic_one() {
    let output = leakward()
        .args(["explain", "openai-project-key"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    for part in [
        "OpenAI project API key (openai-project-key), OpenAI: high severity",
        "What it grants\n",
        "Revoke\n    https://platform.openai.com/api-keys",
        "Usage logs\n    Usage dashboard",
        "Least-privilege replacement\n",
        "--verify sends GET https://api.openai.com (read-only)",
        "Rotation period\n    90 days",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }
    let github = leakward()
        .args(["explain", "github-classic-pat"])
        .output()
        .unwrap();
    let github = String::from_utf8_lossy(&github.stdout);
    assert!(github.contains("`leakward revoke REPORT.json` can revoke it through the provider's API (POST https://api.github.com)"), "{github}");
    let generic = leakward()
        .args(["explain", "cohere-api-key"])
        .output()
        .unwrap();
    let generic = String::from_utf8_lossy(&generic.stdout);
    assert!(
        generic.contains("Open https://dashboard.cohere.com/api-keys, find the key"),
        "{generic}"
    );
    let aws = leakward()
        .args(["explain", "aws-access-key-id"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&aws.stdout).contains("CloudTrail"));
    let unknown = leakward()
        .args(["explain", "no-such-rule"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no rule `no-such-rule`"));
}

/// Every check of the built-in data, fed each rule's own first example: one request with the
/// check's method and path, and an answer read without error.
#[test]
fn every_check_sends_its_request() {
    use leakward::verify::catalog::Catalog;
    let catalog = Catalog::builtin().unwrap();
    let definitions = leakward::rules::builtin_definitions().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut expected: BTreeMap<String, (String, String)> = BTreeMap::new();
    for provider in catalog.providers() {
        for check in &provider.checks {
            if !check.parts.is_empty() {
                continue;
            }
            for rule in &check.rules {
                let definition = definitions.iter().find(|(_, d)| &d.id == rule).unwrap();
                write(
                    dir.path(),
                    &format!("{rule}.txt"),
                    format!("{}\n", definition.1.examples[0]),
                );
                // The path up to the first placeholder, without the query.
                let path = check
                    .request
                    .url
                    .path_and_query()
                    .render(|_| Ok::<_, ()>("\0".into()))
                    .unwrap();
                let path = path.split(['?', '\0']).next().unwrap().to_string();
                expected.insert(rule.clone(), (check.request.method.clone(), path));
            }
        }
    }
    let server = Server::start(|_| Reply::new(401, "{}"));
    let run = scan_verify(dir.path(), &server, &[]);
    let requests = server.requests();
    let mut exercised = 0;
    for (rule, (method, path)) in &expected {
        let Some(finding) = findings(&run.json)
            .iter()
            .find(|f| f["rule_id"] == rule.as_str() && f["path"] == format!("{rule}.txt"))
        else {
            continue;
        };
        exercised += 1;
        let status = finding["verification"]["status"].as_str().unwrap();
        assert!(
            status == "invalid" || status == "unknown",
            "{rule}: {}",
            finding["verification"]
        );
        assert!(
            requests
                .iter()
                .any(|q| &q.method == method && q.path().starts_with(path.as_str())),
            "{rule}: no {method} {path}"
        );
    }
    assert!(
        exercised * 10 >= expected.len() * 9,
        "{exercised} of {} rules found in their examples",
        expected.len()
    );
    assert!(run.stderr.contains(", 0 error"), "{}", run.stderr);
}

#[test]
fn every_verifier_names_real_rules_and_the_readme_lists_every_provider() {
    use leakward::verify::catalog::Catalog;
    let catalog = Catalog::builtin().unwrap();
    let definitions = leakward::rules::builtin_definitions().unwrap();
    for id in catalog.rule_ids() {
        assert!(
            definitions.iter().any(|(_, d)| d.id == id),
            "verifiers name an unknown rule `{id}`"
        );
    }
    let mut lines = Vec::new();
    for provider in catalog.providers().iter().filter(|p| !p.checks.is_empty()) {
        let mut rules: Vec<&str> = provider
            .checks
            .iter()
            .flat_map(|c| c.rules.iter().map(String::as_str))
            .collect();
        rules.sort_unstable();
        let revoke = if provider.revokes.is_empty() {
            ""
        } else {
            "; revocation by API"
        };
        lines.push(format!(
            "| {} | `{}` | {}{revoke} |",
            provider.name,
            provider.check_host().unwrap(),
            rules.join(", ")
        ));
    }
    lines.sort_by_key(|l| l.to_lowercase());
    let block = format!(
        "<!-- verify-providers:start (generated: tests/verify.rs checks it) -->\n{} providers:\n\n| provider | host | rules |\n|---|---|---|\n{}\n<!-- verify-providers:end -->",
        lines.len(),
        lines.join("\n")
    );
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(&block),
        "README.md must hold this list:\n\n{block}\n"
    );
    assert!(lines.len() >= 40, "{} providers", lines.len());
}
