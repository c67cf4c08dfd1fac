//! Sending one prepared request: HTTPS only, a timeout, the proxy from the environment, no
//! redirect to another host, a bounded body. Errors say what failed in words and never hold
//! the URL, a header or the body (they can hold the secret).
//!
//! `LEAKWARD_VERIFY_BASE_URL` (for tests) sends every request to that base instead of the
//! provider's host, with the same method, path, query, headers and body; plain `http` is
//! allowed only then. `LEAKWARD_VERIFY_TIMEOUT_MS` (for tests) shortens the timeout.

use std::io::Read;
use std::time::Duration;

/// The timeout of one request, unless `LEAKWARD_VERIFY_TIMEOUT_MS` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most of a response body that is read.
const MAX_BODY: u64 = 256 * 1024;
/// Same-origin redirects followed before giving up.
const MAX_SAME_ORIGIN_REDIRECTS: usize = 3;

/// Environment variable: send every request to this base URL instead (for tests).
pub const BASE_URL_VARIABLE: &str = "LEAKWARD_VERIFY_BASE_URL";
/// Environment variable: the timeout of one request in milliseconds (for tests).
pub const TIMEOUT_VARIABLE: &str = "LEAKWARD_VERIFY_TIMEOUT_MS";

/// A request ready to send: nothing in it is a template any more.
#[derive(Clone)]
pub struct Prepared {
    /// The method.
    pub method: String,
    /// The provider's host (from leakward's data).
    pub host: String,
    /// The path and query, encoded.
    pub path_and_query: String,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Option<Vec<u8>>,
}

impl std::fmt::Debug for Prepared {
    /// Only the method and host: the path, headers and body can hold the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Prepared({} https://{}/…)", self.method, self.host)
    }
}

/// A response: status, lowercase header names, the body (at most 256 KiB).
#[derive(Debug, Clone)]
pub struct Answered {
    /// The status code.
    pub status: u16,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Answered {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request got no answer. The text never holds the URL or the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No complete answer within the timeout.
    #[error("no answer within {0} ms")]
    Timeout(u128),
    /// The host name did not resolve.
    #[error("the host name did not resolve")]
    HostNotFound,
    /// The connection was refused or failed.
    #[error("could not connect")]
    Connect,
    /// TLS failed (certificate, handshake).
    #[error("TLS failed: {0}")]
    Tls(&'static str),
    /// A redirect to another host, or too many redirects; not followed.
    #[error("redirected to {0}; not followed")]
    Redirect(&'static str),
    /// Any other failure of the connection or the protocol.
    #[error("the connection failed ({0})")]
    Other(&'static str),
}

/// Where requests go: the provider hosts, or (for tests) one base URL.
#[derive(Debug, Clone)]
pub struct Transport {
    agent: ureq::Agent,
    base: Option<String>,
    timeout: Duration,
}

impl Transport {
    /// A transport configured from the environment: proxy variables (`HTTPS_PROXY`,
    /// `ALL_PROXY`, `NO_PROXY`), and the test variables above.
    ///
    /// # Errors
    /// `LEAKWARD_VERIFY_BASE_URL` that is not an `http://` or `https://` base, or a timeout
    /// that is not a number.
    pub fn from_env() -> Result<Transport, String> {
        let base = std::env::var(BASE_URL_VARIABLE)
            .ok()
            .filter(|b| !b.is_empty());
        let timeout = match std::env::var(TIMEOUT_VARIABLE) {
            Ok(ms) => Duration::from_millis(
                ms.trim()
                    .parse()
                    .map_err(|_| format!("{TIMEOUT_VARIABLE}={ms:?} is not milliseconds"))?,
            ),
            Err(_) => DEFAULT_TIMEOUT,
        };
        Transport::new(base, timeout)
    }

    /// A transport sending to `base` (tests) or the provider hosts, with `timeout`.
    ///
    /// # Errors
    /// A base that is not `http://host[:port]` or `https://host[:port]`.
    pub fn new(base: Option<String>, timeout: Duration) -> Result<Transport, String> {
        let base = match base {
            Some(base) => {
                let trimmed = base.trim_end_matches('/').to_string();
                let rest = trimmed
                    .strip_prefix("http://")
                    .or_else(|| trimmed.strip_prefix("https://"))
                    .ok_or_else(|| {
                        format!("{BASE_URL_VARIABLE} must start with http:// or https://")
                    })?;
                if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
                    return Err(format!(
                        "{BASE_URL_VARIABLE} must be a scheme, a host and a port"
                    ));
                }
                Some(trimmed)
            }
            None => None,
        };
        let config = ureq::Agent::config_builder()
            .https_only(base.is_none())
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("leakward/", env!("CARGO_PKG_VERSION")))
            .proxy(ureq::Proxy::try_from_env())
            .build();
        Ok(Transport {
            agent: config.into(),
            base,
            timeout,
        })
    }

    /// The base every request goes to instead of the providers, if one is set.
    pub fn redirected_to(&self) -> Option<&str> {
        self.base.as_deref()
    }

    /// The timeout of one request.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends `request`, following redirects only within the same origin.
    ///
    /// # Errors
    /// No answer: see [`TransportError`].
    pub fn send(&self, request: &Prepared) -> Result<Answered, TransportError> {
        let origin = match &self.base {
            Some(base) => base.clone(),
            None => format!("https://{}", request.host),
        };
        let mut path = request.path_and_query.clone();
        for _ in 0..=MAX_SAME_ORIGIN_REDIRECTS {
            let answered = self.send_once(request, &format!("{origin}{path}"))?;
            if !(300..400).contains(&answered.status) {
                return Ok(answered);
            }
            let Some(location) = answered.header("location") else {
                return Ok(answered);
            };
            path = same_origin_path(location, &origin)
                .ok_or(TransportError::Redirect("another host"))?;
        }
        Err(TransportError::Redirect("the same host too many times"))
    }

    fn send_once(&self, request: &Prepared, url: &str) -> Result<Answered, TransportError> {
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(url);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = request.body.clone().unwrap_or_default();
        let built = builder
            .body(body)
            .map_err(|_| TransportError::Other("the request could not be built"))?;
        let mut response = self.agent.run(built).map_err(|e| self.describe(e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_BODY)
            .read_to_end(&mut body)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::TimedOut => TransportError::Timeout(self.timeout.as_millis()),
                _ => io_error(&e),
            })?;
        Ok(Answered {
            status,
            headers,
            body,
        })
    }

    fn describe(&self, error: ureq::Error) -> TransportError {
        match error {
            ureq::Error::Timeout(_) => TransportError::Timeout(self.timeout.as_millis()),
            ureq::Error::HostNotFound => TransportError::HostNotFound,
            ureq::Error::ConnectionFailed => TransportError::Connect,
            ureq::Error::Tls(what) => TransportError::Tls(what),
            ureq::Error::Io(e) => io_error(&e),
            ureq::Error::RequireHttpsOnly(_) => TransportError::Other("not https"),
            ureq::Error::InvalidProxyUrl => TransportError::Other("the proxy URL is invalid"),
            ureq::Error::ConnectProxyFailed(_) => TransportError::Other("the proxy refused"),
            _ => TransportError::Other("protocol error"),
        }
    }
}

fn io_error(error: &std::io::Error) -> TransportError {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => TransportError::Timeout(0),
        ErrorKind::ConnectionRefused => TransportError::Connect,
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            TransportError::Other("the connection was closed")
        }
        ErrorKind::UnexpectedEof => TransportError::Other("the answer was cut short"),
        _ => TransportError::Other("input/output error"),
    }
}

/// The path a redirect names, if it stays on `origin` (a relative path, or an absolute URL
/// of the same scheme, host and port).
fn same_origin_path(location: &str, origin: &str) -> Option<String> {
    if location.starts_with('/') && !location.starts_with("//") {
        return Some(location.to_string());
    }
    let rest = location.strip_prefix(origin)?;
    if rest.is_empty() {
        return Some("/".into());
    }
    (rest.starts_with('/') || rest.starts_with('?')).then(|| rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_their_origin() {
        let origin = "https://api.github.com";
        assert_eq!(same_origin_path("/user", origin), Some("/user".into()));
        assert_eq!(
            same_origin_path("https://api.github.com/x?y", origin),
            Some("/x?y".into())
        );
        for away in [
            "//evil.dev/x",
            "https://api.github.com.evil.dev/x",
            "https://api.github.com@evil.dev/x",
            "http://api.github.com/x",
            "https://evil.dev/",
        ] {
            assert_eq!(same_origin_path(away, origin), None, "{away}");
        }
    }

    #[test]
    fn bases_are_scheme_host_port() {
        assert!(Transport::new(Some("http://127.0.0.1:9".into()), DEFAULT_TIMEOUT).is_ok());
        for bad in ["127.0.0.1:9", "http://h/x", "ftp://h", "http://u@h"] {
            assert!(
                Transport::new(Some(bad.into()), DEFAULT_TIMEOUT).is_err(),
                "{bad}"
            );
        }
    }
}
