//! Filling a request template with a credential's parts: the request to send.

use super::catalog::RequestTemplate;
use super::sigv4;
use super::template::{header_safe, json_escape, percent_encode, secret_path};
use super::transport::Prepared;
use std::collections::BTreeMap;

/// Why a key cannot be put in its request (shown as an `unknown` result; never the key).
const NOT_SENDABLE: &str = "the key holds characters its check cannot carry";

/// The request for `values` (`secret` and any parts) at `now` (seconds, for signing).
///
/// # Errors
/// A value that cannot go where the template puts it (a control character in a header, a
/// webhook URL on another host); the text says so without the value.
pub fn prepare(
    template: &RequestTemplate,
    values: &BTreeMap<String, Vec<u8>>,
    now: i64,
) -> Result<Prepared, String> {
    let value = |name: &str| values.get(name).map(Vec::as_slice).unwrap_or_default();
    let path_and_query = template.url.path_and_query().render(|name| {
        if name == "secret_path" {
            return secret_path(value("secret"), &template.secret_origins)
                .map(str::to_string)
                .ok_or_else(|| "the URL is not one of the provider's own".to_string());
        }
        Ok(percent_encode(value(name), true))
    })?;
    let mut headers = Vec::new();
    for (name, header) in &template.headers {
        let rendered = header.render(|n| header_safe(value(n)).ok_or(NOT_SENDABLE.to_string()))?;
        headers.push((name.clone(), rendered));
    }
    if let Some((user, password)) = &template.basic {
        let user = user.render(|n| header_safe(value(n)).ok_or(NOT_SENDABLE.to_string()))?;
        let password =
            password.render(|n| header_safe(value(n)).ok_or(NOT_SENDABLE.to_string()))?;
        use base64::Engine;
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        headers.push(("Authorization".into(), format!("Basic {encoded}")));
    }
    let body = match &template.body {
        Some(body) => {
            let content_type = template.content_type.as_deref().unwrap_or_default();
            let rendered = body.render(|n| {
                let bytes = value(n);
                if content_type.contains("json") {
                    json_escape(bytes).ok_or(NOT_SENDABLE.to_string())
                } else if content_type.contains("x-www-form-urlencoded") {
                    Ok(percent_encode(bytes, false))
                } else {
                    header_safe(bytes).ok_or(NOT_SENDABLE.to_string())
                }
            })?;
            headers.push(("Content-Type".into(), content_type.to_string()));
            Some(rendered.into_bytes())
        }
        None => None,
    };
    let mut prepared = Prepared {
        method: template.method.clone(),
        host: template.url.host().to_string(),
        path_and_query,
        headers,
        body,
    };
    if let Some(sign) = &template.sign {
        let key_id = header_safe(value("key_id")).ok_or(NOT_SENDABLE.to_string())?;
        let token = values
            .get("session_token")
            .map(|t| header_safe(t).ok_or(NOT_SENDABLE.to_string()))
            .transpose()?;
        let (path, query) = prepared
            .path_and_query
            .split_once('?')
            .unwrap_or((prepared.path_and_query.as_str(), ""));
        let added = sigv4::sign(
            &sigv4::Unsigned {
                method: &prepared.method,
                host: &prepared.host,
                path,
                query,
                headers: &prepared.headers,
                body: prepared.body.as_deref().unwrap_or_default(),
            },
            &sigv4::SigningKey {
                key_id: &key_id,
                secret: value("secret"),
                session_token: token.as_deref(),
            },
            &sign.region,
            &sign.service,
            &sigv4::amz_date(now),
        );
        prepared.headers.extend(added);
    }
    Ok(prepared)
}
