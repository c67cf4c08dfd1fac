//! Opt-in verification (`--verify`): ask each key's provider, with its cheapest documented
//! read-only request, whether the key still works, and what it reaches.
//!
//! One request per distinct credential (fingerprint, or fingerprints of all its parts),
//! however many findings share it; at most [`MAX_IN_FLIGHT`] at once; requests to one host
//! spaced by [`gate::PER_HOST_INTERVAL`]; a 429 retried after its `Retry-After`. Hosts come
//! only from leakward's own data ([`catalog`]), never from the scanned text. Nothing here
//! runs unless the user asked for it.

pub mod catalog;
pub mod exposure;
mod gate;
pub mod input;
mod judge;
mod parts;
mod request;
pub mod revoke;
pub mod sigv4;
pub mod template;
pub mod transport;

use crate::finding::{Finding, Fingerprint, Verification, VerificationStatus};
use catalog::{Catalog, Check, Means};
pub use parts::PART_WINDOW_LINES;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;
use transport::{Transport, TransportError};

/// The most requests in flight at once.
pub const MAX_IN_FLIGHT: usize = 8;
/// How many times a 429 is retried.
const MAX_RETRIES: usize = 2;
/// The longest `Retry-After` waited for; a longer one is reported as an error at once.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);
/// The wait after a 429 without a usable `Retry-After`.
const DEFAULT_RETRY_WAIT: Duration = Duration::from_secs(1);

/// What a verification run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyStats {
    /// Distinct credentials a request was sent for.
    pub credentials_checked: usize,
    /// Requests sent, retries included.
    pub requests: usize,
}

/// A clock, so tests of the signing can fix the time.
pub type Clock = fn() -> i64;

/// Seconds since the Unix epoch now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Verifies the keys of `findings` and sets every finding's `verification`.
pub struct Verifier<'a> {
    catalog: &'a Catalog,
    transport: &'a Transport,
    gate: gate::Gate,
    clock: Clock,
}

/// One request to make: a check and the bytes of its placeholders.
struct Job<'a> {
    check: &'a Check,
    values: BTreeMap<String, Vec<u8>>,
}

impl<'a> Verifier<'a> {
    /// A verifier over `catalog`, sending through `transport`.
    pub fn new(catalog: &'a Catalog, transport: &'a Transport) -> Verifier<'a> {
        Verifier {
            catalog,
            transport,
            gate: gate::Gate::new(gate::PER_HOST_INTERVAL),
            clock: now,
        }
    }

    /// Sets `verification` on every finding: one request per distinct credential.
    pub fn verify(&self, findings: &mut [Finding]) -> VerifyStats {
        let mut jobs: BTreeMap<String, Job<'_>> = BTreeMap::new();
        let mut own: Vec<Option<Result<String, Verification>>> = Vec::new();
        let mut as_part: HashMap<usize, Vec<String>> = HashMap::new();
        for index in 0..findings.len() {
            let Some(check) = self.catalog.check(&findings[index].rule.id) else {
                own.push(None);
                continue;
            };
            match self.job_for(findings, index, check) {
                Ok((key, job, partners)) => {
                    for partner in partners {
                        as_part.entry(partner).or_default().push(key.clone());
                    }
                    jobs.entry(key.clone()).or_insert(job);
                    own.push(Some(Ok(key)));
                }
                Err(unverified) => own.push(Some(Err(unverified))),
            }
        }
        let mut stats = VerifyStats {
            credentials_checked: jobs.len(),
            requests: 0,
        };
        let results = self.run_all(&jobs, &mut stats);
        for (index, finding) in findings.iter_mut().enumerate() {
            finding.verification = Some(match &own[index] {
                Some(Ok(key)) => results[key].clone(),
                Some(Err(unverified)) => unverified.clone(),
                None => match as_part.get(&index) {
                    Some(keys) => strongest(keys.iter().map(|k| &results[k])),
                    None => self.no_check(&finding.rule.id),
                },
            });
        }
        stats
    }

    /// The job for `findings[index]`: its key (the fingerprints of all parts), the values,
    /// and the partner findings used; or why it cannot be checked.
    fn job_for<'c>(
        &self,
        findings: &[Finding],
        index: usize,
        check: &'c Check,
    ) -> Result<(String, Job<'c>, Vec<usize>), Verification> {
        let finding = &findings[index];
        let mut key = finding.fingerprint.as_str().to_string();
        let mut values = BTreeMap::new();
        values.insert("secret".to_string(), finding.secret.expose().to_vec());
        let mut partners = Vec::new();
        for (name, rules, required) in check
            .parts
            .iter()
            .map(|(n, r)| (n, r, true))
            .chain(check.optional_parts.iter().map(|(n, r)| (n, r, false)))
        {
            // A part the scan already joined to this finding, else a partner finding nearby.
            let joined = finding
                .parts
                .iter()
                .find(|part| part.rule.as_ref().is_some_and(|rule| rules.contains(rule)));
            if let Some(part) = joined {
                let rule = part.rule.as_deref().unwrap_or_default();
                key.push('+');
                key.push_str(Fingerprint::of(rule, part.secret.expose()).as_str());
                values.insert(name.clone(), part.secret.expose().to_vec());
                continue;
            }
            match parts::partner(findings, index, rules) {
                Some(partner) => {
                    key.push('+');
                    key.push_str(findings[partner].fingerprint.as_str());
                    values.insert(name.clone(), findings[partner].secret.expose().to_vec());
                    partners.push(partner);
                }
                None if required => {
                    return Err(self.verdict(
                        VerificationStatus::Unknown,
                        format!(
                            "needs its {} ({}) within {PART_WINDOW_LINES} lines in the same file; none found",
                            name.replace('_', " "),
                            rules.join(" or ")
                        ),
                    ))
                }
                None => {}
            }
        }
        Ok((key, Job { check, values }, partners))
    }

    fn no_check(&self, rule_id: &str) -> Verification {
        let detail = match self
            .catalog
            .providers()
            .iter()
            .flat_map(|p| &p.checks)
            .find(|c| c.parts.values().flatten().any(|r| r == rule_id))
        {
            Some(check) => format!(
                "checked only together with its {} ({}) within {PART_WINDOW_LINES} lines; none found",
                if check.rules.len() == 1 { "partner" } else { "partners" },
                check.rules.join(" or ")
            ),
            None => "leakward has no check for this kind of key".to_string(),
        };
        self.verdict(VerificationStatus::Unknown, detail)
    }

    fn verdict(&self, status: VerificationStatus, detail: String) -> Verification {
        Verification {
            status,
            detail,
            checked_at: crate::dates::rfc3339_utc((self.clock)()),
        }
    }

    /// Runs every job on at most [`MAX_IN_FLIGHT`] threads.
    fn run_all(
        &self,
        jobs: &BTreeMap<String, Job<'_>>,
        stats: &mut VerifyStats,
    ) -> HashMap<String, Verification> {
        let queue: Mutex<Vec<(&String, &Job<'_>)>> = Mutex::new(jobs.iter().rev().collect());
        let results = Mutex::new(HashMap::new());
        let requests = Mutex::new(0usize);
        let workers = jobs.len().min(MAX_IN_FLIGHT);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop();
                    let Some((key, job)) = next else { break };
                    let (verification, sent) = self.run(job);
                    *requests.lock().unwrap_or_else(|e| e.into_inner()) += sent;
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(key.clone(), verification);
                });
            }
        });
        stats.requests = requests.into_inner().unwrap_or_else(|e| e.into_inner());
        results.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends one job's request (retrying a 429) and reads the answer. Returns the result
    /// and the number of requests sent.
    fn run(&self, job: &Job<'_>) -> (Verification, usize) {
        let secrets: Vec<&[u8]> = job.values.values().map(Vec::as_slice).collect();
        let prepared = match request::prepare(&job.check.request, &job.values, (self.clock)()) {
            Ok(prepared) => prepared,
            Err(why) => return (self.verdict(VerificationStatus::Unknown, why), 0),
        };
        let host = job.check.request.url.host();
        let mut sent = 0;
        for attempt in 0..=MAX_RETRIES {
            self.gate.wait_turn(host);
            sent += 1;
            let answered = match self.transport.send(&prepared) {
                Ok(answered) => answered,
                Err(TransportError::Redirect(to)) => {
                    let detail = format!("redirected to {to}; not followed");
                    return (self.verdict(VerificationStatus::Unknown, detail), sent);
                }
                Err(TransportError::Timeout(_)) => {
                    let ms = self.transport.timeout().as_millis();
                    let detail = format!("no answer within {}", human_ms(ms));
                    return (self.verdict(VerificationStatus::Error, detail), sent);
                }
                Err(error) => {
                    return (
                        self.verdict(VerificationStatus::Error, error.to_string()),
                        sent,
                    )
                }
            };
            let status = answered.status;
            let verdict = match judge::judge(&job.check.answers, &answered) {
                Some(Means::Live) => {
                    let mut detail = judge::detail(&job.check.detail, &answered, &secrets);
                    if detail.is_empty() {
                        detail = "the provider accepted the key".into();
                    }
                    self.verdict(VerificationStatus::Live, detail)
                }
                Some(Means::Invalid) => {
                    let mut detail = format!("the provider rejected the key (HTTP {status})");
                    if let Some(note) = &job.check.note {
                        detail = format!("{detail}; {note}");
                    }
                    self.verdict(VerificationStatus::Invalid, detail)
                }
                Some(Means::Unknown | Means::Revoked) => self.verdict(
                    VerificationStatus::Unknown,
                    format!("HTTP {status}: the answer does not say whether the key works"),
                ),
                None if status == 429 => {
                    let wait = retry_after(answered.header("retry-after"));
                    if wait > MAX_RETRY_WAIT {
                        let detail = format!(
                            "rate limited (HTTP 429); the provider asks to wait {} s",
                            wait.as_secs()
                        );
                        return (self.verdict(VerificationStatus::Error, detail), sent);
                    }
                    if attempt < MAX_RETRIES {
                        self.gate.hold_off(host, wait);
                        continue;
                    }
                    self.verdict(
                        VerificationStatus::Error,
                        format!("rate limited (HTTP 429) after {MAX_RETRIES} retries"),
                    )
                }
                None if status >= 500 => self.verdict(
                    VerificationStatus::Error,
                    format!("the provider failed (HTTP {status})"),
                ),
                None => self.verdict(
                    VerificationStatus::Unknown,
                    format!("HTTP {status}: the answer does not say whether the key works"),
                ),
            };
            return (verdict, sent);
        }
        (
            self.verdict(VerificationStatus::Error, "rate limited".into()),
            sent,
        )
    }
}

/// The most telling of several results for one finding: live, invalid, error, unknown.
fn strongest<'v>(results: impl Iterator<Item = &'v Verification>) -> Verification {
    let rank = |v: &Verification| match v.status {
        VerificationStatus::Live => 0,
        VerificationStatus::Invalid => 1,
        VerificationStatus::Error => 2,
        VerificationStatus::Unknown => 3,
    };
    results
        .min_by_key(|v| rank(v))
        .cloned()
        .unwrap_or_else(|| Verification {
            status: VerificationStatus::Unknown,
            detail: String::new(),
            checked_at: crate::dates::rfc3339_utc(now()),
        })
}

/// The pause a `Retry-After` header asks for (seconds; an HTTP date is not read).
fn retry_after(header: Option<&str>) -> Duration {
    header
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_RETRY_WAIT, Duration::from_secs)
}

fn human_ms(ms: u128) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// The warning printed when `LEAKWARD_VERIFY_BASE_URL` redirects verification.
pub fn redirect_warning(transport: &Transport) -> Option<String> {
    transport.redirected_to().map(|base| {
        format!(
            "verification requests go to {base} instead of the providers ({})",
            transport::BASE_URL_VARIABLE
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds() {
        assert_eq!(retry_after(Some("3")), Duration::from_secs(3));
        assert_eq!(
            retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            DEFAULT_RETRY_WAIT
        );
        assert_eq!(retry_after(None), DEFAULT_RETRY_WAIT);
        assert_eq!(human_ms(5000), "5 s");
        assert_eq!(human_ms(300), "300 ms");
    }
}
