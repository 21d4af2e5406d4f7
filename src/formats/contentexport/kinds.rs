//! How Esri's OfflineContentManager classifies item types (`origin_item_type`, §9.5 of the
//! protocol reference), copied verbatim from `arcgis/apps/itemgraph/_migration.py` of
//! arcgis 2.4.4, and the `data_item_type` the writer records for exported service data. Pure
//! lookups: no I/O.

/// Types whose `/data` is JSON, stored as `data/structure.json` (`JSON_BASED_TYPES`).
pub const JSON_BASED_TYPES: &[&str] = &[
    "Dashboard",
    "Data Pipeline",
    "Feature Collection",
    "Map Service",
    "Site Application",
    "Site Page",
    "StoryMap",
    "Style",
    "Vector Tile Service",
    "Web Experience",
    "Web Map",
    "Web Mapping Application",
    "Web Scene",
    "WMS",
    "WMTS",
];

/// Service types whose data is exported (`JSON_BASED_WITH_DATA_TYPES`).
pub const JSON_BASED_WITH_DATA_TYPES: &[&str] = &[
    "Feature Service",
    "Image Service",
    "Map Service",
    "Scene Service",
];

/// Types Esri's importer refuses (`DISALLOWED_TYPES`): a package may hold them, but
/// `import_content` skips them with an error.
pub const DISALLOWED_TYPES: &[&str] = &[
    "Application",
    "Data Store",
    "Geocoding Service",
    "Geoprocessing Service",
    "Hub Page",
    "Hub Site Application",
];

/// Types whose `/data` is a file stored under `data/` (`FILE_BASED_TYPES`).
pub const FILE_BASED_TYPES: &[&str] = &[
    "Administrative Report",
    "AppBuilder Extension",
    "AppBuilder Widget Package",
    "ArcGIS Pro Add In",
    "ArcPad Package",
    "CAD Drawing",
    "Code Attachment",
    "Code Sample",
    "Compact Tile Package",
    "CSV",
    "CSV Collection",
    "Dashboards Add In",
    "Dashboards Extension",
    "Desktop Add-In",
    "Desktop Application",
    "Desktop Application Template",
    "Desktop Style",
    "Export Package",
    "File Geodatabase",
    "GeoJSON",
    "GeoPackage",
    "Geoprocessing Sample",
    "Geoprocessing Package",
    "Globe Document",
    "Image",
    "Image Collection",
    "iWork Keynote",
    "iWork Numbers",
    "iWork Pages",
    "KML",
    "Layer Package",
    "Layout",
    "Map Document",
    "Map Package",
    "Map Template",
    "Microsoft Excel",
    "Microsoft Powerpoint",
    "Microsoft Word",
    "Mobile Application",
    "Mobile Map Package",
    "Mobile Scene Package",
    "Native Application",
    "Native Application Installer",
    "Native Application Template",
    "Notebook",
    "PDF",
    "Pro Report",
    "Project Package",
    "Raster function template",
    "Rule Package",
    "Report Template",
    "Scene Package",
    "Service Definition",
    "Shapefile",
    "SQLite Geodatabase",
    "Statistical Data Collection",
    "Survey123 Add In",
    "Task File",
    "Tile Package",
    "Vector Tile Package",
    "Visio Document",
    "Workflow Manager (Classic) Package",
];

/// `origin_item_type` for a JSON item.
pub const TEXT_ITEM: &str = "TextItem";
/// `origin_item_type` for a service item.
pub const SERVICE_ITEM: &str = "ServiceItem";
/// `origin_item_type` for a file item.
pub const FILE_ITEM: &str = "FileItem";

/// The `data_item_type` of a `.sd` export.
pub const SERVICE_DEFINITION: &str = "Service Definition";
/// The `data_item_type` assumed for a `data/*.zip` export when the caller gave none.
pub const DEFAULT_SERVICE_FORMAT: &str = "File Geodatabase";

/// What is known about an item's data when it is classified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DataShape {
    /// The item JSON has a non-empty `url`.
    pub has_url: bool,
    /// `data/structure.json` was added.
    pub has_structure: bool,
    /// Another file was added under `data/`.
    pub has_data_file: bool,
}

/// The `origin_item_type` Esri 2.4.4 writes for an item of `item_type`, following the order of
/// `_export_item_data`'s branches, and for unlisted types its detection by `url` and data shape
/// (`_detect_item_type`). `None` where Esri writes no key (unclassifiable items).
pub fn origin_item_type(item_type: &str, shape: DataShape) -> Option<&'static str> {
    let listed = |list: &[&str]| list.contains(&item_type);
    if item_type == "Knowledge Graph" {
        Some(SERVICE_ITEM)
    } else if listed(JSON_BASED_TYPES) {
        Some(TEXT_ITEM)
    } else if listed(JSON_BASED_WITH_DATA_TYPES) {
        Some(SERVICE_ITEM)
    } else if listed(FILE_BASED_TYPES) {
        Some(FILE_ITEM)
    } else if shape.has_url {
        Some(SERVICE_ITEM)
    } else if shape.has_structure {
        Some(TEXT_ITEM)
    } else if shape.has_data_file {
        Some(FILE_ITEM)
    } else {
        None
    }
}

/// Whether Esri's importer refuses items of this type.
pub fn is_disallowed(item_type: &str) -> bool {
    DISALLOWED_TYPES.contains(&item_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_follows_esri_branch_order() {
        let none = DataShape::default();
        assert_eq!(origin_item_type("Web Map", none), Some(TEXT_ITEM));
        // Map Service is in both lists; the JSON branch comes first in Esri's code.
        assert_eq!(origin_item_type("Map Service", none), Some(TEXT_ITEM));
        assert_eq!(
            origin_item_type("Feature Service", none),
            Some(SERVICE_ITEM)
        );
        assert_eq!(
            origin_item_type("Knowledge Graph", none),
            Some(SERVICE_ITEM)
        );
        assert_eq!(origin_item_type("PDF", none), Some(FILE_ITEM));
        assert_eq!(origin_item_type("Odd Thing", none), None);
        let url = DataShape {
            has_url: true,
            ..none
        };
        assert_eq!(origin_item_type("Odd Thing", url), Some(SERVICE_ITEM));
        let json = DataShape {
            has_structure: true,
            ..none
        };
        assert_eq!(origin_item_type("Odd Thing", json), Some(TEXT_ITEM));
        let file = DataShape {
            has_data_file: true,
            ..none
        };
        assert_eq!(origin_item_type("Odd Thing", file), Some(FILE_ITEM));
        assert!(is_disallowed("Hub Page"));
        assert!(!is_disallowed("Web Map"));
    }
}
