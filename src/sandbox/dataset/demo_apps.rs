//! The demo's apps, all pointing at the demo maps and layers the way the real builders save them:
//! Instant Apps (Web Mapping Application, `values.webmap`), dashboards (`mapWidget` and
//! `itemDataSource` datasets), an Experience Builder app (`dataSources`, draft resource
//! `config/config.json`), a StoryMap (webmap resource, `draft.json`, nested image resources) and
//! an ArcGIS Notebook.

use std::sync::Arc;

use serde_json::{Value, json};

use super::demo::{Access, BLUE, CREDITS, Demo, GREEN, Grp, PURPLE, RED, Spec, id};
use super::thumbs::{self, Glyph};
use super::{geo, json_data, ts};
use crate::sandbox::model::{Content, Resource};

const WMA_KEYWORDS: [&str; 9] = [
    "configurableApp",
    "Instant Apps",
    "JavaScript",
    "Map",
    "Mapping Site",
    "Online Map",
    "Ready To Use",
    "Web Map",
    "Web Mapping Application",
];
const EXB_KEYWORDS: [&str; 8] = [
    "EXB Experience",
    "JavaScript",
    "Ready To Use",
    "Web Application",
    "Web Experience",
    "Web Mapping Application",
    "Web Page",
    "Web Site",
];

/// Adds every demo app.
pub fn add(d: &mut Demo) {
    instant_apps(d);
    dashboards(d);
    experience(d);
    story(d);
    notebook(d);
}

fn app_url(d: &Demo, path: &str, key: &str) -> String {
    format!("{}/portal/apps/{path}{}", d.base, id(key))
}

fn instant_apps(d: &mut Demo) {
    let apps = [
        (
            "water-ops-app",
            "water-ops-map",
            "admin",
            Some("Water Network"),
            "Water Operations Viewer",
            "sidebar",
            Access::Org,
            &[Grp::Ops][..],
            ts(2019, 6, 10, 9, 0),
            BLUE,
        ),
        (
            "parcel-lookup-app",
            "parcels-public-map",
            "admin",
            Some("Planning"),
            "Riverton Parcel Lookup",
            "basic",
            Access::Public,
            &[Grp::Showcase][..],
            ts(2020, 1, 24, 14, 0),
            [200, 140, 30],
        ),
        (
            "bike-rack-app",
            "bike-racks-map",
            "editor",
            None,
            "Bike Rack Finder",
            "nearby",
            Access::Public,
            &[Grp::Showcase][..],
            ts(2021, 6, 7, 10, 30),
            GREEN,
        ),
    ];
    for (key, map, owner, folder, title, template, access, groups, created, color) in apps {
        let data = json!({
            "source": "c2f8b5a5f2bb4b8b9b6c6d2b2b6a8e1c",
            "folderId": folder.map(|f| super::key_id(&format!("folder:{owner}:{f}"))),
            "values": {"webmap": id(map), "title": title, "header": true, "legend": true, "search": true, "theme": "light", "customCSS": "", "mapZoom": true},
        });
        let spec = Spec {
            key,
            owner,
            folder,
            title,
            kind: "Web Mapping Application",
            keywords: &WMA_KEYWORDS,
            tags: &["app", "Instant Apps", template],
            created,
            modified: created + 40 * super::DAY_MS,
            snippet: "A focused app built on the Riverton maps.",
            description: "<p>Built with ArcGIS Instant Apps.</p>",
            credits: CREDITS,
            access,
            groups,
            thumb: Some((Glyph::App, color)),
            ..Spec::default()
        };
        let url = format!(
            "{}/portal/apps/instant/{template}/index.html?appid={}",
            d.base,
            id(key)
        );
        d.add(&spec, json_data(&data), Some(url));
    }
}

fn dataset(key: &str, layer: u32, name: &str) -> Value {
    json!({"type": "serviceDataset", "dataSource": {"type": "itemDataSource", "id": format!("{key}-{layer}"), "itemId": id(key), "layerId": layer, "table": true}, "outFields": ["*"], "groupByFields": [], "orderByFields": [], "statisticDefinitions": [], "maxFeatures": null, "querySpatialRelationship": "esriSpatialRelIntersects", "returnGeometry": false, "clientSideStatistics": false, "name": name})
}

fn dashboards(d: &mut Demo) {
    let boards = [
        (
            "water-dashboard",
            "water-ops-map",
            "water-network",
            1,
            "admin",
            Some("Water Network"),
            "Water Network Dashboard",
            ts(2020, 2, 3, 10, 0),
            Access::Org,
            BLUE,
        ),
        (
            "hydrant-dashboard",
            "hydrant-inspections-map",
            "fire-hydrants",
            0,
            "editor",
            None,
            "Hydrant Maintenance Status",
            ts(2022, 4, 11, 13, 0),
            Access::Private,
            RED,
        ),
    ];
    for (key, map, service, layer, owner, folder, title, created, access, color) in boards {
        let data = json!({
            "version": 27,
            "headerPanel": {"type": "headerPanel", "title": title, "size": "medium", "backgroundColor": "#004575", "titleTextColor": "#ffffff"},
            "leftPanel": {"type": "leftPanel", "title": "<p>Filter by pressure zone.</p>", "selectors": []},
            "widgets": [
                {"type": "mapWidget", "id": "0b7a1d25-5b39-4b0e-9d57-0f1d4c1b2a01", "name": "Map", "itemId": id(map), "showNavigation": true, "showPopup": true, "layers": []},
                {"type": "indicatorWidget", "id": "1c2d3e4f-0a1b-4c5d-8e9f-1a2b3c4d5e02", "name": "Count", "datasets": [dataset(service, layer, "main")]},
                {"type": "listWidget", "id": "2d3e4f5a-1b2c-4d6e-9fa0-2b3c4d5e6f03", "name": "List", "datasets": [dataset(service, layer, "list")]},
            ],
            "settings": {"maxPaginationRecords": 50_000, "allowElementResizing": true},
            "theme": "dark",
        });
        let spec = Spec {
            key,
            owner,
            folder,
            title,
            kind: "Dashboard",
            keywords: &["Dashboard", "Operations Dashboard"],
            tags: &["dashboard", "operations"],
            created,
            modified: created + 95 * super::DAY_MS,
            snippet: "At-a-glance status for the operations team.",
            description: "<p>Counts and lists update live from the hosted layers.</p>",
            credits: CREDITS,
            access,
            groups: &[Grp::Ops],
            thumb: Some((Glyph::App, color)),
            ..Spec::default()
        };
        let url = app_url(d, "dashboards/", key);
        d.add(&spec, json_data(&data), Some(url));
    }
}

fn experience(d: &mut Demo) {
    let portal = format!("{}/portal", d.base);
    let data = json!({
        "pages": {"home": {"type": "NORMAL", "mode": "FIT_WINDOW", "layout": {"LARGE": "layout_1"}, "isVisible": true, "id": "home", "isDefault": true, "label": "Home"}},
        "layouts": {"layout_1": {"type": "FIXED", "order": ["0", "1"], "content": {"0": {"type": "WIDGET", "widgetId": "widget_1"}, "1": {"type": "WIDGET", "widgetId": "widget_2"}}}},
        "widgets": {
            "widget_1": {"uri": "widgets/arcgis/arcgis-map/", "version": "1.14.0", "label": "Map", "config": {}, "useDataSources": [{"dataSourceId": "dataSource_1", "mainDataSourceId": "dataSource_1"}]},
            "widget_2": {"uri": "widgets/common/list/", "version": "1.14.0", "label": "Parcels", "config": {}, "useDataSources": [{"dataSourceId": "dataSource_2", "mainDataSourceId": "dataSource_2"}]}
        },
        "dataSources": {
            "dataSource_1": {"id": "dataSource_1", "type": "WEB_MAP", "sourceLabel": "Water Network Operations", "itemId": id("water-ops-map"), "portalUrl": portal},
            "dataSource_2": {"id": "dataSource_2", "type": "WEB_MAP", "sourceLabel": "Riverton Parcel Viewer", "itemId": id("parcels-public-map"), "portalUrl": portal}
        },
        "exbVersion": "1.14.0",
        "mainSizeMode": "LARGE",
        "theme": "themes/default/",
        "attributes": {"title": "Riverton Utility Explorer"},
    });
    let spec = Spec {
        key: "utility-experience",
        owner: "admin",
        folder: Some("Water Network"),
        title: "Riverton Utility Explorer",
        kind: "Web Experience",
        keywords: &EXB_KEYWORDS,
        tags: &["Experience Builder", "water", "parcels"],
        created: ts(2023, 2, 20, 9, 0),
        modified: ts(2024, 7, 1, 16, 45),
        snippet: "Explore the water network and parcels side by side.",
        description: "<p>An Experience Builder app for staff.</p>",
        credits: CREDITS,
        access: Access::Org,
        thumb: Some((Glyph::App, PURPLE)),
        metadata: true,
        ..Spec::default()
    };
    let mut it = d.make(&spec);
    it.data = json_data(&data);
    it.url = Some(app_url(
        d,
        "experiencebuilder/experience/?id=",
        "utility-experience",
    ));
    let mut draft = data.clone();
    draft["attributes"]["title"] = json!("Riverton Utility Explorer (draft)");
    let created = spec.created;
    it.resources.insert(
        "config/config.json".into(),
        resource(
            serde_json::to_vec(&draft).unwrap_or_default(),
            created,
            None,
        ),
    );
    it.resources.insert(
        "images/header.png".into(),
        resource(thumbs::photo(0xe8b1, 240, 60), created, None),
    );
    d.put(it);
}

fn resource(bytes: Vec<u8>, created: i64, properties: Option<&str>) -> Resource {
    Resource {
        content: Content::bytes(bytes),
        created,
        access: "inherit".into(),
        properties: properties.map(str::to_string),
    }
}

fn story_doc(map_id: &str, draft: bool) -> Value {
    let image = |path: &str| json!({"type": "image", "data": {"resourceId": path, "provider": "item-resource", "height": 213, "width": 320}});
    let c = geo::to_mercator(geo::corner(geo::COLS / 2, geo::ROWS / 2));
    let mut children = vec!["n-cover", "n-p1", "n-img1", "n-map1", "n-p2", "n-gallery"];
    if draft {
        children.push("n-p3");
    }
    json!({
        "root": "n-Rv8t2k",
        "nodes": {
            "n-Rv8t2k": {"type": "story", "data": {"storyTheme": "r-theme"}, "config": {"coverDate": "first-published"}, "children": children},
            "n-cover": {"type": "storycover", "data": {"type": "minimal", "title": "Riverton's Water Story", "summary": "From the canal to your tap.", "byline": "Riverton Water & Planning", "titlePanelPosition": "start"}, "children": ["n-img1"]},
            "n-p1": {"type": "text", "data": {"type": "paragraph", "text": "Riverton's water comes from the <strong>Jordan Aqueduct</strong> and four wells."}},
            "n-img1": {"type": "image", "data": {"image": "r-photo1", "caption": "Reservoir 2 at dawn", "alt": "A reservoir"}},
            "n-map1": {"type": "webmap", "data": {"map": format!("r-{map_id}"), "caption": "The pressure zones"}},
            "n-p2": {"type": "text", "data": {"type": "paragraph", "text": "Twenty pressure zones keep pressure between 45 and 110 psi."}},
            "n-gallery": {"type": "gallery", "data": {}, "children": ["n-ga", "n-gb"]},
            "n-ga": {"type": "image", "data": {"image": "r-ga"}},
            "n-gb": {"type": "image", "data": {"image": "r-gb"}},
            "n-p3": {"type": "text", "data": {"type": "paragraph", "text": "DRAFT: add the 2025 main replacement programme."}},
        },
        "resources": {
            "r-theme": {"type": "story-theme", "data": {"themeId": "summit", "themeBaseVariableOverrides": {}}},
            "r-photo1": image("images/photo-1.png"),
            "r-ga": image("images/gallery/a.png"),
            "r-gb": image("images/gallery/b.png"),
            format!("r-{map_id}"): {"type": "webmap", "data": {"itemId": map_id, "itemType": "Web Map", "type": "default", "zoom": 13,
                "center": {"x": c[0], "y": c[1], "spatialReference": {"wkid": 102_100, "latestWkid": 3857}}, "extent": geo::mercator_extent(),
                "mapLayers": [{"id": "Water_Network_2", "title": "Pressure Zones", "visible": true}]}},
        },
    })
}

fn story(d: &mut Demo) {
    let map_id = id("pressure-zones-map");
    let published = ts(2023, 3, 22, 15, 0);
    let kw_draft = "smdraftresourceid:draft.json".to_string();
    let kw_date = format!("smpublisheddate:{published}");
    let kw = [
        "arcgis-storymaps",
        &kw_draft,
        &kw_date,
        "smstatuspublished",
        "smversiondraft:24.3.0",
        "smversionpublished:24.3.0",
        "StoryMap",
        "Web Application",
    ];
    let spec = Spec {
        key: "water-story",
        owner: "admin",
        folder: None,
        title: "Riverton's Water Story",
        kind: "StoryMap",
        keywords: &kw,
        tags: &["story", "water supply", "public outreach"],
        created: ts(2023, 3, 1, 10, 0),
        modified: published,
        snippet: "How water gets from the canal to your tap.",
        description: "<p>A story for residents about the water system.</p>",
        credits: CREDITS,
        access: Access::Public,
        groups: &[Grp::Showcase],
        thumb: Some((Glyph::Story, BLUE)),
        metadata: true,
        ..Spec::default()
    };
    let mut it = d.make(&spec);
    it.data = json_data(&story_doc(&map_id, false));
    it.url = Some(app_url(d, "storymaps/stories/", "water-story"));
    let draft = serde_json::to_vec(&story_doc(&map_id, true)).unwrap_or_default();
    let created = spec.created;
    it.resources
        .insert("draft.json".into(), resource(draft, published, None));
    it.resources.insert(
        "images/photo-1.png".into(),
        resource(
            thumbs::photo(0x5701, 320, 213),
            created,
            Some("{\"editInfo\":{\"editor\":\"admin\",\"modified\":1679497200000}}"),
        ),
    );
    it.resources.insert(
        "images/gallery/a.png".into(),
        resource(thumbs::photo(0x5702, 320, 213), created, None),
    );
    it.resources.insert(
        "images/gallery/b.png".into(),
        resource(thumbs::photo(0x5703, 320, 213), created, None),
    );
    let logo = Arc::new(thumbs::logo());
    it.resources.insert(
        "images/logo.png".into(),
        Resource {
            content: Content::Bytes(logo),
            created,
            access: "inherit".into(),
            properties: None,
        },
    );
    d.put(it);
}

fn notebook(d: &mut Demo) {
    let code = format!(
        "from arcgis.gis import GIS\ngis = GIS(\"home\")\nhydrants = gis.content.get(\"{}\")\nlayer = hydrants.layers[0]\nsdf = layer.query(where=\"STATUS = 'In Service'\", out_fields=\"FACILITYID,FLOW_GPM,STATIC_PSI\").sdf\nsdf.describe()",
        id("fire-hydrants")
    );
    let doc = json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Hydrant flushing analysis\n", "Which hydrants have low flow?"]},
            {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [], "source": code.lines().map(|l| format!("{l}\n")).collect::<Vec<_>>()},
        ],
        "metadata": {"esriNotebookRuntime": {"notebookRuntimeName": "ArcGIS Notebook Python 3 Standard", "notebookRuntimeVersion": "10.0"}, "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python", "version": "3.11.8"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    let spec = Spec {
        key: "flushing-notebook",
        owner: "editor",
        folder: Some("Drafts"),
        title: "Hydrant flushing analysis",
        kind: "Notebook",
        keywords: &["Notebook", "Python"],
        tags: &["notebook", "hydrants", "analysis"],
        created: ts(2024, 3, 4, 13, 20),
        modified: ts(2024, 3, 18, 9, 5),
        snippet: "Finds hydrants whose flow dropped since the last test.",
        description: "<p>ArcGIS Notebook.</p>",
        credits: CREDITS,
        access: Access::Private,
        thumb: Some((Glyph::Document, PURPLE)),
        ..Spec::default()
    };
    let mut it = d.make(&spec);
    it.data = json_data(&doc);
    it.extra.insert("properties".into(), json!({"notebookRuntimeName": "ArcGIS Notebook Python 3 Standard", "notebookRuntimeVersion": "10.0"}));
    d.put(it);
}
