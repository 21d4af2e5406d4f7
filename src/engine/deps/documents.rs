//! Which JSON documents of an item hold the ids the §10 rules read: `/data` of JSON item types,
//! and resources by name (Experience Builder `config/config.json`, `qc.project.json`,
//! `webtoolDefinition.json`, a StoryMap draft named in its type keywords) or picked from the
//! resource list (StoryMap and Hub drafts). Pure: `visit` does the reading.

use super::parse::is_hub_type;
use crate::portal::wire::Item;

/// Which resources hold more JSON to parse, by item type (§10).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DocumentPlan {
    /// Read `/data`.
    pub data: bool,
    /// Resources read by name.
    pub resources: Vec<String>,
    /// List the resources and read those this picks.
    pub pick: Option<Pick>,
}

/// Which listed resources to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A StoryMap draft: named `*draft*.json`, not an express map.
    StoryDraft,
    /// A Hub draft: named `*draft*.json`.
    HubDraft,
}

impl Pick {
    /// Whether the resource `name` is picked.
    pub fn matches(self, name: &str) -> bool {
        let draft = name.contains("draft") && name.ends_with(".json");
        match self {
            Pick::StoryDraft => draft && !name.contains("express"),
            Pick::HubDraft => draft,
        }
    }
}

/// The documents to read for `item`.
pub fn plan(item: &Item) -> DocumentPlan {
    let t = item.item_type.as_deref().unwrap_or("");
    let named = |names: &[&str]| names.iter().map(|s| s.to_string()).collect();
    match t {
        "Web Map" | "Web Scene" | "Dashboard" | "Web Mapping Application" => DocumentPlan {
            data: true,
            ..DocumentPlan::default()
        },
        "Web Experience" => DocumentPlan {
            data: true,
            resources: named(&["config/config.json"]),
            pick: None,
        },
        "StoryMap" => {
            // The draft's name is in a type keyword; list the resources only without one.
            let draft = item.type_keywords.iter().find_map(|k| {
                k.strip_prefix("smdraftresourceid:")
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
            });
            DocumentPlan {
                data: true,
                resources: draft.map(|d| vec![d.to_string()]).unwrap_or_default(),
                pick: draft.is_none().then_some(Pick::StoryDraft),
            }
        }
        t if is_hub_type(t) => DocumentPlan {
            data: true,
            resources: Vec::new(),
            pick: Some(Pick::HubDraft),
        },
        "QuickCapture Project" => DocumentPlan {
            resources: named(&["qc.project.json"]),
            ..DocumentPlan::default()
        },
        "Geoprocessing Service" => DocumentPlan {
            resources: named(&["webtoolDefinition.json"]),
            ..DocumentPlan::default()
        },
        _ => DocumentPlan::default(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn item(item_type: &str, keywords: &[&str]) -> Item {
        serde_json::from_value(json!({
            "id": "0a1b2c3d4e5f4a6b8c7d8e9f0a1b2c3d",
            "type": item_type,
            "typeKeywords": keywords,
        }))
        .unwrap()
    }

    #[test]
    fn documents_per_type() {
        assert!(plan(&item("Web Map", &[])).data);
        assert_eq!(plan(&item("Feature Service", &[])), DocumentPlan::default());
        assert_eq!(plan(&item("PDF", &[])), DocumentPlan::default());
        let exb = plan(&item("Web Experience", &[]));
        assert!(exb.data && exb.resources == ["config/config.json"]);
        let story = plan(&item("StoryMap", &["smdraftresourceid:draft_1690.json"]));
        assert_eq!(
            (story.resources.as_slice(), story.pick),
            (&["draft_1690.json".to_string()][..], None)
        );
        assert_eq!(
            plan(&item("StoryMap", &["StoryMap"])).pick,
            Some(Pick::StoryDraft)
        );
        assert_eq!(plan(&item("Hub Page", &[])).pick, Some(Pick::HubDraft));
        let qc = plan(&item("QuickCapture Project", &[]));
        assert!(!qc.data && qc.resources == ["qc.project.json"]);
        assert_eq!(
            plan(&item("Geoprocessing Service", &[])).resources,
            ["webtoolDefinition.json"]
        );
    }

    #[test]
    fn draft_resources() {
        assert!(Pick::StoryDraft.matches("draft.json"));
        assert!(Pick::StoryDraft.matches("draft_1690000000000.json"));
        assert!(!Pick::StoryDraft.matches("draft-express-map.json"));
        assert!(!Pick::StoryDraft.matches("images/draft.png"));
        assert!(Pick::HubDraft.matches("draft-1690000000000.json"));
        assert!(!Pick::HubDraft.matches("published.json"));
    }
}
