//! `PortalUrl`: what users paste as "the portal", normalised to the REST root the way Esri's
//! Python client does (arcgis-protocol.md §1): `www.arcgis.com` -> `https://www.arcgis.com/sharing/rest`,
//! cut at `/home`, `.../sharing` -> `.../sharing/rest`, anything else gets `/sharing/rest`.
//! It only parses and joins; it never talks to the network.

use std::net::IpAddr;

use reqwest::Url;

use super::error::PortalError;

/// The REST root of a portal, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalUrl {
    rest: String,
    host: String,
    https: bool,
}

impl PortalUrl {
    /// Parses and normalises what a user typed; refuses non-http(s) schemes and URLs without host.
    pub fn parse(input: &str) -> Result<Self, PortalError> {
        let bad = |reason: &str| PortalError::InvalidUrl {
            input: input.trim().to_string(),
            reason: reason.to_string(),
        };
        let text = input.trim();
        if text.is_empty() {
            return Err(bad("it is empty"));
        }
        let text = text.split(['?', '#']).next().unwrap_or("");
        let with_scheme = match text.find("://") {
            Some(i) => {
                let scheme = text[..i].to_ascii_lowercase();
                if scheme != "http" && scheme != "https" {
                    return Err(bad(&format!(
                        "the scheme '{scheme}' is not supported (only https:// or http://)"
                    )));
                }
                text.to_string()
            }
            None => format!("https://{text}"),
        };
        let url = Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("it has no host name"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if host == "www.arcgis.com" || with_scheme.to_ascii_lowercase().contains("www.arcgis.com") {
            return Ok(PortalUrl {
                rest: "https://www.arcgis.com/sharing/rest".into(),
                host: "www.arcgis.com".into(),
                https: true,
            });
        }
        let https = url.scheme() == "https";
        let authority = match url.port() {
            Some(p) => format!("{}://{}:{p}", url.scheme(), bracket(&host)),
            None => format!("{}://{}", url.scheme(), bracket(&host)),
        };
        let segments = rest_segments(url.path());
        Ok(PortalUrl {
            rest: format!("{authority}/{}", segments.join("/")),
            host,
            https,
        })
    }

    /// The REST root, e.g. `https://org.maps.arcgis.com/sharing/rest` (no trailing slash).
    pub fn rest(&self) -> &str {
        &self.rest
    }

    /// The portal URL without `/sharing/rest`, e.g. `https://gis.example.com/portal`.
    pub fn portal(&self) -> &str {
        self.rest
            .strip_suffix("/sharing/rest")
            .unwrap_or(&self.rest)
    }

    /// The host name (lower case, IPv6 without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// True for `localhost` and loopback addresses (plain HTTP is allowed there).
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }

    /// True when the portal is reached over TLS.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// An absolute URL for `path`: absolute `http(s)://` URLs are kept as they are, anything else
    /// is taken relative to the REST root (`"search"` -> `{rest}/search`, `""` -> `{rest}`).
    pub fn join(&self, path: &str) -> String {
        let lower = path.get(..8).unwrap_or(path).to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            return path.to_string();
        }
        let path = path.trim_start_matches('/');
        if path.is_empty() {
            self.rest.clone()
        } else {
            format!("{}/{path}", self.rest)
        }
    }
}

impl std::fmt::Display for PortalUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.rest)
    }
}

impl std::str::FromStr for PortalUrl {
    type Err = PortalError;

    fn from_str(s: &str) -> Result<Self, PortalError> {
        PortalUrl::parse(s)
    }
}

/// True for `localhost`, `*.localhost` and loopback IP addresses.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn bracket(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// The path segments of the REST root for a pasted path.
fn rest_segments(path: &str) -> Vec<String> {
    let mut segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(i) = segs.iter().position(|s| s.eq_ignore_ascii_case("home")) {
        segs.truncate(i);
    }
    match segs.iter().position(|s| s.eq_ignore_ascii_case("sharing")) {
        Some(i) => {
            segs.truncate(i);
            segs.push("sharing".into());
            segs.push("rest".into());
        }
        None => {
            segs.push("sharing".into());
            segs.push("rest".into());
        }
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_esri() {
        let cases = [
            (
                "https://www.arcgis.com",
                "https://www.arcgis.com/sharing/rest",
            ),
            (
                "http://www.arcgis.com/home/index.html",
                "https://www.arcgis.com/sharing/rest",
            ),
            (
                "www.arcgis.com/sharing/rest/content",
                "https://www.arcgis.com/sharing/rest",
            ),
            (
                "https://myorg.maps.arcgis.com",
                "https://myorg.maps.arcgis.com/sharing/rest",
            ),
            (
                "https://myorg.maps.arcgis.com/home/content.html?view=list#x",
                "https://myorg.maps.arcgis.com/sharing/rest",
            ),
            (
                "  https://MyOrg.Maps.ArcGIS.com/// ",
                "https://myorg.maps.arcgis.com/sharing/rest",
            ),
            (
                "https://gis.example.com/portal",
                "https://gis.example.com/portal/sharing/rest",
            ),
            (
                "https://gis.example.com/portal/",
                "https://gis.example.com/portal/sharing/rest",
            ),
            (
                "https://gis.example.com/portal/home",
                "https://gis.example.com/portal/sharing/rest",
            ),
            (
                "https://gis.example.com/portal/sharing",
                "https://gis.example.com/portal/sharing/rest",
            ),
            (
                "https://gis.example.com/portal/sharing/rest/",
                "https://gis.example.com/portal/sharing/rest",
            ),
            (
                "https://gis.example.com/portal/sharing/rest/content/items/abc?f=json&token=x",
                "https://gis.example.com/portal/sharing/rest",
            ),
            (
                "https://host:7443/arcgis",
                "https://host:7443/arcgis/sharing/rest",
            ),
            ("host:7443/arcgis", "https://host:7443/arcgis/sharing/rest"),
            (
                "gis.example.com/portal",
                "https://gis.example.com/portal/sharing/rest",
            ),
            (
                "http://127.0.0.1:8400/portal",
                "http://127.0.0.1:8400/portal/sharing/rest",
            ),
            (
                "https://[::1]:7443/arcgis",
                "https://[::1]:7443/arcgis/sharing/rest",
            ),
            (
                "https://gis.example.com:443/portal",
                "https://gis.example.com/portal/sharing/rest",
            ),
        ];
        for (input, want) in cases {
            let u = PortalUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(u.rest(), want, "{input}");
        }
    }

    #[test]
    fn portal_and_flags() {
        let u = PortalUrl::parse("https://gis.example.com/portal/home/").unwrap();
        assert_eq!(u.portal(), "https://gis.example.com/portal");
        assert!(u.is_https());
        assert!(!u.is_loopback());
        let l = PortalUrl::parse("http://localhost:8400/portal").unwrap();
        assert!(l.is_loopback());
        assert!(!l.is_https());
        assert!(
            PortalUrl::parse("http://127.0.0.5/portal")
                .unwrap()
                .is_loopback()
        );
        assert!(
            PortalUrl::parse("http://[::1]/portal")
                .unwrap()
                .is_loopback()
        );
        assert!(
            !PortalUrl::parse("http://10.0.0.1/portal")
                .unwrap()
                .is_loopback()
        );
        assert!(
            !PortalUrl::parse("http://localhost.evil.com/")
                .unwrap()
                .is_loopback()
        );
    }

    #[test]
    fn join_paths() {
        let u = PortalUrl::parse("https://gis.example.com/portal").unwrap();
        assert_eq!(u.join(""), "https://gis.example.com/portal/sharing/rest");
        assert_eq!(
            u.join("/content/items/x"),
            "https://gis.example.com/portal/sharing/rest/content/items/x"
        );
        assert_eq!(u.join("https://other/x"), "https://other/x");
        assert_eq!(u.join("HTTP://other/x"), "HTTP://other/x");
    }

    #[test]
    fn refuses_bad_input() {
        for input in [
            "",
            "   ",
            "ftp://host/portal",
            "file:///etc/passwd",
            "https://",
            "javascript://x",
        ] {
            let e = PortalUrl::parse(input).expect_err(input);
            assert!(matches!(e, PortalError::InvalidUrl { .. }), "{input}: {e}");
            assert!(e.to_string().contains("https://"), "{input}: {e}");
        }
        let e = PortalUrl::parse("ftp://host").unwrap_err().to_string();
        assert!(e.contains("'ftp'"), "{e}");
    }
}
