//! OAuth sign-in in the system browser (RFC 8252 loopback redirect, arcgis-protocol.md §2.3):
//! listen on `127.0.0.1:<free port>`, open the authorize URL (PKCE S256, random `state`), accept
//! the one callback request, answer it with a small page, check `state` and exchange the code.

use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use super::auth::now_ms;
use super::client::PortalClient;
use super::error::PortalError;
use super::oauth::{AuthorizeRequest, Pkce, authorize_url, random_token};
use super::request::ClientOptions;
use super::wire::Secret;

/// How long the user has to finish signing in.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// Access token lifetime asked for, in minutes.
const EXPIRATION_MINUTES: u32 = 120;
/// Assumed access token lifetime when the answer has none, in seconds.
const DEFAULT_SECS: i64 = 1800;

/// What a browser sign-in yields.
#[derive(Debug, Clone)]
pub struct OAuthTokens {
    /// The access token.
    pub access_token: Secret,
    /// The refresh token (store it to sign in again without the browser).
    pub refresh_token: Secret,
    /// Who signed in, when the portal says.
    pub username: Option<String>,
    /// When the access token expires, epoch milliseconds.
    pub expires_ms: i64,
}

fn auth_err(message: impl Into<String>) -> PortalError {
    PortalError::Auth {
        message: message.into(),
    }
}

/// Signs in with the browser: `open` receives the authorize URL (open it in the browser, or
/// print it). Times out after [`SIGN_IN_TIMEOUT`].
///
/// # Errors
/// The listener cannot bind, `open` fails, the callback carries an error or a wrong `state`,
/// the code exchange fails, or nobody signs in within [`SIGN_IN_TIMEOUT`].
pub async fn sign_in_in_browser(
    opts: &ClientOptions,
    client_id: &str,
    open: impl FnOnce(&str) -> Result<(), String>,
) -> Result<OAuthTokens, PortalError> {
    sign_in_with_timeout(opts, client_id, open, SIGN_IN_TIMEOUT).await
}

/// [`sign_in_in_browser`] with a chosen time limit.
///
/// # Errors
/// As [`sign_in_in_browser`].
pub async fn sign_in_with_timeout(
    opts: &ClientOptions,
    client_id: &str,
    open: impl FnOnce(&str) -> Result<(), String>,
    timeout: Duration,
) -> Result<OAuthTokens, PortalError> {
    let client = PortalClient::anonymous(opts)?;
    super::auth::check_transport_security(&opts.url)?;
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| auth_err(format!("cannot listen for the sign-in callback: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| auth_err(format!("cannot listen for the sign-in callback: {e}")))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let pkce = Pkce::generate()?;
    let state = random_token(24)?;
    let url = authorize_url(
        &opts.url,
        &AuthorizeRequest {
            client_id,
            redirect_uri: &redirect_uri,
            code_challenge: &pkce.challenge,
            state: &state,
            expiration_minutes: Some(EXPIRATION_MINUTES),
        },
    )?;
    open(&url).map_err(|e| auth_err(format!("cannot open the browser: {e}")))?;
    let params = tokio::time::timeout(timeout, accept_callback(&listener))
        .await
        .map_err(|_| {
            auth_err(format!(
                "nobody signed in within {} minute(s); start the sign-in again",
                timeout.as_secs().div_ceil(60)
            ))
        })??;
    let code = check_callback(&params, &state)?;
    let answer = client
        .exchange_code(client_id, &code, &redirect_uri, pkce.verifier.expose())
        .await?;
    let refresh_token = answer
        .refresh_token
        .ok_or_else(|| auth_err("the portal issued no refresh token"))?;
    Ok(OAuthTokens {
        access_token: answer.access_token,
        refresh_token,
        username: answer.username,
        expires_ms: now_ms() + answer.expires_in.unwrap_or(DEFAULT_SECS) * 1000,
    })
}

/// The `code` of a callback whose `state` matches, or why the sign-in failed.
fn check_callback(params: &[(String, String)], state: &str) -> Result<String, PortalError> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if let Some(error) = get("error") {
        let detail = get("error_description").unwrap_or("");
        return Err(auth_err(format!(
            "the portal refused the sign-in: {error} {detail}"
        )));
    }
    if get("state") != Some(state) {
        return Err(auth_err(
            "the sign-in callback carried a wrong state (not the sign-in this program started)",
        ));
    }
    get("code")
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .ok_or_else(|| auth_err("the sign-in callback carried no code"))
}

/// Accepts connections until one asks for `/callback`; answers it and returns its query.
async fn accept_callback(listener: &TcpListener) -> Result<Vec<(String, String)>, PortalError> {
    loop {
        let (stream, _) = listener
            .accept()
            .await
            .map_err(|e| auth_err(format!("the sign-in callback failed: {e}")))?;
        // A stray request (favicon, probe) gets a 404 and does not end the wait.
        if let Ok(Some(params)) = serve_one(stream).await {
            return Ok(params);
        }
    }
}

/// Reads one HTTP/1.1 request; answers `/callback` with the "signed in" page, anything else 404.
async fn serve_one(stream: TcpStream) -> std::io::Result<Option<Vec<(String, String)>>> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).await?;
    // Drain the headers so the browser sees a clean answer.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 || line.trim().is_empty() {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("");
    let parsed = Url::parse(&format!("http://127.0.0.1{target}")).ok();
    let params = parsed
        .as_ref()
        .filter(|u| u.path() == "/callback")
        .map(|u| u.query_pairs().into_owned().collect::<Vec<_>>());
    let (status, body) = match &params {
        Some(p) if p.iter().any(|(k, _)| k == "error") => (
            "200 OK",
            "<h1>Sign-in failed</h1><p>Return to agol-backup for details.</p>",
        ),
        Some(_) => (
            "200 OK",
            "<h1>Signed in - you can close this tab</h1><p>agol-backup has the sign-in.</p>",
        ),
        None => ("404 Not Found", "<h1>Not found</h1>"),
    };
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>agol-backup</title></head>\
         <body>{body}</body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let mut stream = reader.into_inner();
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await?;
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn callback_checks() {
        let ok = pairs(&[("code", "c1"), ("state", "s")]);
        assert_eq!(check_callback(&ok, "s").unwrap(), "c1");
        let e = check_callback(&ok, "other").unwrap_err().to_string();
        assert!(e.contains("wrong state"), "{e}");
        let denied = pairs(&[("error", "access_denied"), ("state", "s")]);
        let e = check_callback(&denied, "s").unwrap_err().to_string();
        assert!(e.contains("access_denied"), "{e}");
        let e = check_callback(&pairs(&[("state", "s")]), "s").unwrap_err();
        assert!(e.to_string().contains("no code"));
    }
}
