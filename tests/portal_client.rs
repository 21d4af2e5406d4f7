//! The portal client (`agol_backup::portal`) against real captured bodies, the in-process
//! sandbox (sign-in, TLS, token renewal, retries under injected faults, blob redirects) and
//! wiremock (error mapping, Retry-After, redirects, concurrency).

mod fixtures;
mod mocked;
mod sandboxed;
mod uploads;

use agol_backup::portal::{ClientOptions, PortalUrl, RetryPolicy};
use agol_backup::sandbox::model::{Org, Role, User};
use agol_backup::sandbox::{SandboxConfig, SandboxHandle};

/// Client options for `url` with test-speed retries.
pub fn options(url: &str) -> ClientOptions {
    let mut o = ClientOptions::new(PortalUrl::parse(url).unwrap());
    o.retry = RetryPolicy::fast();
    o
}

/// Adds the org and the three demo accounts unless the dataset already has them.
pub fn seed_org(sb: &SandboxHandle) {
    sb.with_state(|st| {
        if st.org.is_none() {
            st.org = Some(Org {
                id: "sandboxOrg0000001".into(),
                name: "Sandbox Org".into(),
                url_key: "sandbox".into(),
                created: 1_600_000_000_000,
            });
        }
        for (name, role) in [
            ("admin", Role::Admin),
            ("editor", Role::Publisher),
            ("viewer", Role::Viewer),
        ] {
            st.users.entry(name.into()).or_insert_with(|| User {
                username: name.into(),
                password: format!("sandbox-{name}"),
                full_name: format!("Sandbox {name}"),
                email: format!("{name}@sandbox.invalid"),
                role,
                created: 1_600_000_000_000,
            });
        }
    });
}

/// A sandbox on a free port with the org seeded.
pub async fn sandbox(cfg: SandboxConfig) -> SandboxHandle {
    let cfg = SandboxConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        ..cfg
    };
    let sb = agol_backup::sandbox::start(cfg).await.unwrap();
    seed_org(&sb);
    sb
}
