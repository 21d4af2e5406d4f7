//! Which `relatedItems` relationship types to ask for, per item type: the `_RELATIONSHIPS` table
//! of `arcgis.apps.itemgraph` (arcgis-protocol.md §5.5, §10) plus the types it always queries.
//! Forward types, queried with `direction=forward`, give what the item needs (a map's services, a
//! form's survey service, a view's source); reverse types, queried with `direction=reverse`, give
//! the items that point at it (its dependents). Pure data; the queries live in `visit`.

/// Forward types queried for every item.
pub const ALWAYS_FORWARD: [&str; 4] = [
    "Item2Attachment",
    "Item2Report",
    "Listed2Provisioned",
    "Solution2Item",
];

/// Reverse types queried for every item.
pub const ALWAYS_REVERSE: [&str; 5] = [
    "Listed2Provisioned",
    "SurveyAddIn2Data",
    "Solution2Item",
    "APIKey2Item",
    "Mission2Item",
];

/// The newer "dependency tracking" types. They point from data to its consumers (`Data2Map`: a
/// layer to the map that uses it), so a `direction=reverse` query on an item gives what it needs.
/// Esri's graph treats them as reverse dependencies; [`build_graph`](super::build_graph) does not
/// query them.
pub const DEPENDENCY_TRACKING: [&str; 8] = [
    "Data2Map",
    "Data2App",
    "Data2Scene",
    "Map2App",
    "Scene2App",
    "App2DependentApp",
    "Widget2App",
    "Map2StoryMapTheme",
];

type Row = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

const SD: &[&str] = &["Service2Data"];
const ATTACHED: &[&str] = &["Item2Attachment", "Item2Report"];
const PACKAGES: &[&str] = &[
    "Area2CustomPackage",
    "Area2Package",
    "Service2Data",
    "Survey2Data",
];

/// `_RELATIONSHIPS`: item type, forward types, reverse types.
const TABLE: [Row; 48] = [
    ("API Key", &["APIKey2Item"], &[]),
    ("Application Configuration", &[], &["Map2AppConfig"]),
    ("Code Attachment", &[], &["MobileApp2Code", "WMA2Code"]),
    ("Compact Tile Package", &[], SD),
    ("CSV", &[], SD),
    ("DesktopStyle", &[], &["WebStyle2DesktopStyle"]),
    (
        "Feature Collection",
        &[],
        &["Service2Data", "Map2FeatureCollection"],
    ),
    (
        "Feature Service",
        &[
            "Service2Data",
            "Service2Layer",
            "Service2Service",
            "TrackView2Map",
        ],
        &[
            "Map2Service",
            "Service2Data",
            "Service2Layer",
            "Survey2Data",
            "Survey2Service",
        ],
    ),
    ("File Geodatabase", &[], SD),
    ("Form", &["Survey2Data", "Survey2Service"], &[]),
    ("GeoJson", &[], SD),
    ("GeoPackage", &[], SD),
    ("Geoprocessing Service", &[], &["Notebook2WebTool"]),
    (
        "Hosted Feature Service",
        &["Service2Data", "Service2Route"],
        &[],
    ),
    ("Image", &[], ATTACHED),
    ("Image Collection", &[], SD),
    ("Image Service", &[], &["Map2Service"]),
    ("Indoors Map Configuration", &[], &["Map2IndoorsConfig"]),
    (
        "Map Area",
        &["Area2CustomPackage", "Area2Package"],
        &["Map2Area"],
    ),
    (
        "Map Package",
        &[],
        &["Area2CustomPackage", "Area2Package", "Survey2Data"],
    ),
    ("Map Service", SD, &["Service2Service", "Map2Service"]),
    (
        "Microsoft Excel",
        &[],
        &["Item2Attachment", "Item2Report", "Service2Data"],
    ),
    ("Microsoft PowerPoint", &[], ATTACHED),
    (
        "Microsoft Word",
        &[],
        &["Item2Attachment", "Item2Report", "Survey2Data"],
    ),
    ("Mission", &["Mission2Item"], &[]),
    ("Mobile Application", &["MobileApp2Code"], &[]),
    ("Notebook", &["Notebook2WebTool"], &[]),
    ("OGCFeatureServer", SD, &[]),
    ("PDF", &[], ATTACHED),
    ("Route Layer", &[], &["Service2Route"]),
    ("Scene Package", &[], SD),
    ("Scene Service", SD, &[]),
    ("Service Definition", &[], SD),
    ("Shapefile", &[], SD),
    (
        "SQLite Geodatabase",
        &[],
        &["Area2CustomPackage", "Area2Package", "Service2Data"],
    ),
    ("StoryMap", &[], &["Theme2Story"]),
    ("StoryMap Theme", &["Theme2Story"], &[]),
    (
        "Style",
        &["Service2Style", "Style2Style", "WebStyle2DesktopStyle"],
        &["Service2Style", "Style2Style"],
    ),
    ("Survey123 Add In", &["SurveyAddIn2Data"], &[]),
    ("Tile Package", &[], PACKAGES),
    ("Vector Tile Package", &[], PACKAGES),
    (
        "Vector Tile Service",
        &["Service2Data", "Service2Style", "Style2Style"],
        &["Service2Style", "Style2Style"],
    ),
    ("Visio Document", &[], ATTACHED),
    (
        "Web Map",
        &[
            "Map2AppConfig",
            "Map2Area",
            "Map2FeatureCollection",
            "Map2Service",
            "Map2IndoorsConfig",
        ],
        &["Survey2Data", "TrackView2Map"],
    ),
    ("Web Mapping Application", &["WMA2Code"], &[]),
    ("WFS", SD, &[]),
    ("WMS", SD, &[]),
    ("WMTS", SD, &[]),
];

fn push_new(list: &mut Vec<&'static str>, types: &[&'static str]) {
    for t in types {
        if !list.contains(t) {
            list.push(t);
        }
    }
}

/// Pure: the relationship types to query forward and reverse for an item of `item_type` (the
/// §10 table plus the always-queried ones). `Service2Service` is asked forward only for views
/// (`is_view`: a Feature Service with the "View Service" type keyword), as Esri does.
pub fn relationship_types(
    item_type: &str,
    is_view: bool,
) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut forward = ALWAYS_FORWARD.to_vec();
    let mut reverse = ALWAYS_REVERSE.to_vec();
    if let Some((_, f, r)) = TABLE.iter().find(|(t, _, _)| *t == item_type) {
        push_new(&mut forward, f);
        push_new(&mut reverse, r);
    }
    if item_type == "Feature Service" && !is_view {
        forward.retain(|t| *t != "Service2Service");
    }
    (forward, reverse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_follow_service2service_forward_only() {
        let (view, _) = relationship_types("Feature Service", true);
        assert!(view.contains(&"Service2Service"));
        let (plain, reverse) = relationship_types("Feature Service", false);
        assert!(!plain.contains(&"Service2Service"));
        assert!(plain.contains(&"Service2Data"));
        assert!(reverse.contains(&"Map2Service"));
        assert_eq!(&plain[..4], &ALWAYS_FORWARD);
    }

    #[test]
    fn per_type_rows() {
        let (f, r) = relationship_types("Form", false);
        assert_eq!(&f[4..], ["Survey2Data", "Survey2Service"]);
        assert_eq!(r, ALWAYS_REVERSE);
        let (f, r) = relationship_types("Web Map", false);
        assert!(f.contains(&"Map2Service") && r.contains(&"TrackView2Map"));
        let (f, _) = relationship_types("Web Mapping Application", false);
        assert!(f.contains(&"WMA2Code"));
        let (f, r) = relationship_types("Map Service", false);
        assert_eq!(&f[4..], ["Service2Data"]);
        assert!(r.contains(&"Service2Service"));
        let (f, r) = relationship_types("Unknown Type", true);
        assert_eq!((f, r), (ALWAYS_FORWARD.to_vec(), ALWAYS_REVERSE.to_vec()));
    }

    #[test]
    fn no_duplicates_and_known_types_only() {
        for (t, _, _) in TABLE {
            for is_view in [false, true] {
                let (f, r) = relationship_types(t, is_view);
                for list in [&f, &r] {
                    let mut sorted = list.clone();
                    sorted.sort_unstable();
                    sorted.dedup();
                    assert_eq!(sorted.len(), list.len(), "{t}");
                }
                assert!(!DEPENDENCY_TRACKING.iter().any(|d| f.contains(d)));
            }
        }
    }
}
