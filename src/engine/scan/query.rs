//! What each preset asks the portal for: the search query (arcgis-protocol.md §4), or a folder
//! listing for the folder preset, and the exact re-validation that drops the loose hits of the
//! tokenized search index (content status, type and tag compared as whole values).

use crate::portal::wire::Item;

use super::ScanPreset;

/// The two content statuses the authoritative preset keeps.
pub const AUTHORITATIVE: [&str; 2] = ["org_authoritative", "public_authoritative"];

/// How a preset's items are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `search` with this query (partitioned by created date past the 10,000 window).
    Search(String),
    /// `content/users/{owner}[/{folder}]`, the folder given by id or title (not search).
    Folder {
        /// Owner username.
        owner: String,
        /// Folder id or title; empty or `/` for the root folder.
        folder: String,
    },
}

/// Quotes `value` as a search phrase (inner quotes and backslashes escaped).
fn phrase(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// A bare search term, quoted when it holds anything but letters, digits, `_`, `-`, `.` or `@`.
fn term(value: &str) -> String {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'))
    {
        value.to_string()
    } else {
        phrase(value)
    }
}

/// The listing for `preset`. Org-wide presets are limited to the organisation `org_id` (the
/// original searched with `outside_org=False`); a custom query is sent as given.
pub fn source(preset: &ScanPreset, org_id: Option<&str>) -> Source {
    let in_org = |q: String| match org_id {
        Some(org) if !org.is_empty() => format!("({q}) AND orgid:{}", term(org)),
        _ => q,
    };
    match preset {
        ScanPreset::Authoritative => Source::Search(in_org(format!(
            "contentstatus:{} OR contentstatus:{}",
            AUTHORITATIVE[0], AUTHORITATIVE[1]
        ))),
        ScanPreset::AllOrg => Source::Search(match org_id {
            Some(org) if !org.is_empty() => format!("orgid:{}", term(org)),
            // A portal without an org id: everything the account can see.
            _ => "*".to_string(),
        }),
        ScanPreset::Owner(owner) => Source::Search(format!("owner:{}", term(owner))),
        ScanPreset::Folder { owner, folder } => Source::Folder {
            owner: owner.clone(),
            folder: folder.clone(),
        },
        ScanPreset::Group(id) => Source::Search(format!("group:{}", term(id))),
        ScanPreset::Tag(tag) => Source::Search(in_org(format!("tags:{}", phrase(tag)))),
        ScanPreset::Type(t) => Source::Search(in_org(format!("type:{}", phrase(t)))),
        ScanPreset::Query(q) => Source::Search(q.clone()),
    }
}

/// Whether `item` really matches `preset` (the search index is loose); presets whose query is
/// exact keep every hit.
pub fn is_exact_match(preset: &ScanPreset, item: &Item) -> bool {
    match preset {
        ScanPreset::Authoritative => item
            .content_status
            .as_deref()
            .is_some_and(|s| AUTHORITATIVE.contains(&s)),
        ScanPreset::Type(t) => item
            .item_type
            .as_deref()
            .is_some_and(|it| it.trim().eq_ignore_ascii_case(t.trim())),
        ScanPreset::Tag(tag) => item
            .tags
            .iter()
            .any(|x| x.trim().eq_ignore_ascii_case(tag.trim())),
        _ => true,
    }
}

/// A short description for logs, e.g. `authoritative` or `type "Web Map"`.
pub fn describe(preset: &ScanPreset) -> String {
    match preset {
        ScanPreset::Authoritative => "authoritative".into(),
        ScanPreset::AllOrg => "all organisation content".into(),
        ScanPreset::Owner(o) => format!("owner {o}"),
        ScanPreset::Folder { owner, folder } => format!("folder {owner}/{folder}"),
        ScanPreset::Group(g) => format!("group {g}"),
        ScanPreset::Tag(t) => format!("tag \"{t}\""),
        ScanPreset::Type(t) => format!("type \"{t}\""),
        ScanPreset::Query(q) => format!("query {q}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: &str) -> Item {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn queries_follow_the_presets() {
        let org = Some("org1");
        let q = |p: &ScanPreset| match source(p, org) {
            Source::Search(q) => q,
            Source::Folder { .. } => "folder".into(),
        };
        assert_eq!(
            q(&ScanPreset::Authoritative),
            "(contentstatus:org_authoritative OR contentstatus:public_authoritative) AND orgid:org1"
        );
        assert_eq!(q(&ScanPreset::AllOrg), "orgid:org1");
        assert_eq!(q(&ScanPreset::Owner("a.b@x".into())), "owner:a.b@x");
        assert_eq!(q(&ScanPreset::Owner("a b".into())), "owner:\"a b\"");
        assert_eq!(
            q(&ScanPreset::Type("Web Map".into())),
            "(type:\"Web Map\") AND orgid:org1"
        );
        assert_eq!(
            q(&ScanPreset::Tag("say \"hi\"".into())),
            "(tags:\"say \\\"hi\\\"\") AND orgid:org1"
        );
        assert_eq!(q(&ScanPreset::Query("title:x".into())), "title:x");
        assert_eq!(
            source(&ScanPreset::AllOrg, None),
            Source::Search("*".into())
        );
    }

    #[test]
    fn validation_drops_loose_hits() {
        let auth = item(r#"{"id":"a","contentStatus":"org_authoritative","type":"Web Map"}"#);
        let loose = item(
            r#"{"id":"b","contentStatus":"","tags":["authoritative data"],"type":"Web Mapping Application"}"#,
        );
        assert!(is_exact_match(&ScanPreset::Authoritative, &auth));
        assert!(!is_exact_match(&ScanPreset::Authoritative, &loose));
        assert!(is_exact_match(&ScanPreset::Type("web map".into()), &auth));
        assert!(!is_exact_match(&ScanPreset::Type("Web Map".into()), &loose));
        assert!(!is_exact_match(
            &ScanPreset::Tag("authoritative".into()),
            &loose
        ));
        assert!(is_exact_match(
            &ScanPreset::Tag("Authoritative Data".into()),
            &loose
        ));
        assert!(is_exact_match(&ScanPreset::AllOrg, &loose));
    }
}
