//! The organisation, its members, groups and folders, shared by both datasets: Riverton Water &
//! Planning with `admin`, `editor` and `viewer` (passwords `sandbox-<name>`), the groups "Water
//! Operations", "Planning Department" and "Public Showcase", and a few folders.

use std::collections::BTreeSet;

use super::{key_id, ts};
use crate::sandbox::model::{Folder, Group, Org, Role, State, User};

/// The ids of the three standard groups.
#[derive(Debug, Clone)]
pub struct Groups {
    /// "Water Operations" (org; admin owns; editor and viewer are members).
    pub water_ops: String,
    /// "Planning Department" (private; admin and editor).
    pub planning: String,
    /// "Public Showcase" (public; admin and editor).
    pub showcase: String,
}

/// The org id (16 alphanumerics, as AGOL org ids are).
pub const ORG_ID: &str = "SbxRivertonOrg01";

/// Sets the org and the three standard users; returns nothing, the users are in `st.users`.
pub fn org_and_users(st: &mut State) {
    st.org = Some(Org {
        id: ORG_ID.into(),
        name: "Riverton Water & Planning (sandbox)".into(),
        url_key: "riverton".into(),
        created: ts(2019, 2, 11, 16, 4),
    });
    let users = [
        (
            "admin",
            "Avery Lindqvist",
            Role::Admin,
            ts(2019, 2, 11, 16, 5),
        ),
        (
            "editor",
            "Mateo Okafor",
            Role::Publisher,
            ts(2019, 3, 4, 9, 12),
        ),
        (
            "viewer",
            "Priya Raman",
            Role::Viewer,
            ts(2020, 6, 15, 13, 40),
        ),
    ];
    for (name, full, role, created) in users {
        add_user(st, name, &format!("sandbox-{name}"), full, role, created);
    }
}

/// Adds one user with an e-mail at the org's domain.
pub fn add_user(st: &mut State, name: &str, password: &str, full: &str, role: Role, created: i64) {
    let email = format!("{name}@riverton-water.example");
    st.users.insert(
        name.to_string(),
        User {
            username: name.into(),
            password: password.into(),
            full_name: full.into(),
            email,
            role,
            created,
        },
    );
}

/// Creates the three standard groups.
pub fn standard_groups(st: &mut State) -> Groups {
    let mk = |key: &str| key_id(&format!("group:{key}"));
    let groups = Groups {
        water_ops: mk("water-operations"),
        planning: mk("planning-department"),
        showcase: mk("public-showcase"),
    };
    let specs = [
        (
            &groups.water_ops,
            "Water Operations",
            "org",
            &["admin", "editor", "viewer"][..],
            "Maps, apps and data for distribution crews, hydrant and valve maintenance.",
            &["water", "operations", "field crews"][..],
            ts(2019, 3, 1, 10, 0),
        ),
        (
            &groups.planning,
            "Planning Department",
            "private",
            &["admin", "editor"][..],
            "Parcels, zoning and capital planning material (internal).",
            &["planning", "parcels", "zoning"][..],
            ts(2019, 4, 8, 14, 30),
        ),
        (
            &groups.showcase,
            "Public Showcase",
            "public",
            &["admin", "editor"][..],
            "Maps and stories Riverton shares with residents.",
            &["public", "open data", "showcase"][..],
            ts(2020, 1, 20, 8, 45),
        ),
    ];
    for (id, title, access, members, snippet, tags, created) in specs {
        st.groups.insert(
            id.clone(),
            Group {
                id: id.clone(),
                title: title.into(),
                owner: "admin".into(),
                access: access.into(),
                members: members
                    .iter()
                    .map(|m| (*m).to_string())
                    .collect::<BTreeSet<_>>(),
                snippet: snippet.into(),
                tags: tags.iter().map(|t| (*t).to_string()).collect(),
                created,
            },
        );
    }
    groups
}

/// Adds a folder and returns its id (stable: derived from owner and title).
pub fn add_folder(st: &mut State, owner: &str, title: &str, created: i64) -> String {
    let id = key_id(&format!("folder:{owner}:{title}"));
    st.folders.insert(
        id.clone(),
        Folder {
            id: id.clone(),
            owner: owner.into(),
            title: title.into(),
            created,
        },
    );
    id
}
