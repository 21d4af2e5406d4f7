//! Discovery, access rules and `query`: paging, counts, ids, objectIds chunks, the `where`
//! dialect, ordering, GeoJSON, views.

use serde_json::Value;

use super::fixture::{self, ACTIVE, HYDRANTS, anon, get};

fn features(v: &Value) -> &Vec<Value> {
    v["features"]
        .as_array()
        .unwrap_or_else(|| panic!("no features: {v}"))
}

#[tokio::test]
async fn info_catalog_and_access_rules() {
    let fx = fixture::start().await;
    let info = anon(&format!("{}/server/rest/info", fx.root), &[]).await;
    assert_eq!(info["currentVersion"], 11.3);
    assert!(
        info["authInfo"]["tokenServicesUrl"]
            .as_str()
            .unwrap()
            .ends_with("/portal/sharing/rest/generateToken")
    );
    assert_eq!(info["owningSystemUrl"], fx.sb.url());
    let root = anon(&format!("{}/server/rest/services", fx.root), &[]).await;
    assert_eq!(root["folders"][0], "Hosted");

    let viewer = fx.session("viewer").await;
    let catalog = get(
        &viewer,
        &format!("{}/server/rest/services/Hosted", fx.root),
        &[],
    )
    .await;
    let names: Vec<&str> = catalog["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Hosted/FxHydrants") && !names.contains(&"Hosted/FxPrivate"),
        "{names:?}"
    );

    // Org service, anonymous: 499. Private service, another member: 403. Owner: fine.
    assert_eq!(
        anon(&fx.svc("FxHydrants/FeatureServer"), &[]).await["error"]["code"],
        499
    );
    assert_eq!(
        get(&viewer, &fx.svc("FxPrivate/FeatureServer"), &[]).await["error"]["code"],
        403
    );
    let editor = fx.session("editor").await;
    assert_eq!(
        get(&editor, &fx.svc("FxPrivate/FeatureServer"), &[]).await["layers"][0]["id"],
        0
    );
    // Unknown service, layer or operation: ArcGIS Server's Invalid URL in HTTP 200.
    for path in [
        "Nope/FeatureServer",
        "FxHydrants/FeatureServer/9",
        "FxHydrants/FeatureServer/0/frobnicate",
    ] {
        let resp = viewer
            .auth(viewer.http.get(fx.svc(path)).query(&[("f", "json")]))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["code"], 400, "{path}");
        assert_eq!(v["error"]["message"], "Invalid URL", "{path}");
    }

    let svc = viewer
        .auth(
            viewer
                .http
                .post(fx.svc("FxHydrants/FeatureServer"))
                .form(&[("f", "json")]),
        )
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(svc["serviceItemId"], "f1000000000040008000000000000001");
    assert_eq!(svc["maxRecordCount"], 200);
    assert_eq!(svc["layers"][0]["name"], "Hydrants");
    assert_eq!(svc["tables"][0]["name"], "Inspections");
    assert!(svc.get("adminServiceInfo").is_none());
    let layer = get(&viewer, &fx.svc("FxHydrants/FeatureServer/0"), &[]).await;
    assert_eq!(layer["geometryType"], "esriGeometryPoint");
    assert_eq!(layer["hasAttachments"], true);
    let all = get(&viewer, &fx.svc("FxHydrants/FeatureServer/layers"), &[]).await;
    assert_eq!(all["layers"].as_array().unwrap().len(), 1);
    assert_eq!(all["tables"][0]["type"], "Table");
}

#[tokio::test]
async fn where_paging_caps_at_max_record_count_with_exceeded_transfer_limit() {
    let fx = fixture::start().await;
    let s = fx.session("viewer").await;
    let url = fx.svc("FxHydrants/FeatureServer/0/query");
    let first = get(
        &s,
        &url,
        &[
            ("where", "1=1"),
            ("outFields", "*"),
            ("returnAllRecords", "true"),
        ],
    )
    .await;
    assert_eq!(features(&first).len(), 200);
    assert_eq!(first["exceededTransferLimit"], true);
    assert_eq!(first["objectIdFieldName"], "OBJECTID");
    assert_eq!(first["globalIdFieldName"], "GlobalID");
    assert_eq!(first["geometryType"], "esriGeometryPoint");
    assert_eq!(first["spatialReference"]["wkid"], 4326);
    assert_eq!(first["fields"].as_array().unwrap().len(), 7);
    assert!(features(&first)[0]["geometry"]["x"].is_number());
    // Asking for more than maxRecordCount still gives one page.
    let big = get(
        &s,
        &url,
        &[
            ("where", "1=1"),
            ("resultRecordCount", "500"),
            ("outSR", "102100"),
        ],
    )
    .await;
    assert_eq!(features(&big).len(), 200);
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let off = offset.to_string();
        let page = get(
            &s,
            &url,
            &[
                ("where", "1=1"),
                ("outFields", "OBJECTID"),
                ("orderByFields", "OBJECTID ASC"),
                ("resultOffset", &off),
                ("resultRecordCount", "200"),
            ],
        )
        .await;
        seen.extend(
            features(&page)
                .iter()
                .map(|f| f["attributes"]["OBJECTID"].as_i64().unwrap()),
        );
        offset += 200;
        if page["exceededTransferLimit"] != true {
            break;
        }
    }
    assert_eq!(seen, (1..=HYDRANTS as i64).collect::<Vec<_>>());
    // Only the OID plus the fields asked for; no geometry when not wanted.
    let slim = get(
        &s,
        &url,
        &[
            ("objectIds", "5"),
            ("outFields", "name"),
            ("returnGeometry", "False"),
        ],
    )
    .await;
    let f = &features(&slim)[0];
    assert_eq!(f["attributes"].as_object().unwrap().len(), 2);
    assert_eq!(f["attributes"]["NAME"], "Hydrant 5");
    assert!(f.get("geometry").is_none());
}

#[tokio::test]
async fn counts_ids_and_object_id_chunks_answered_in_full() {
    let fx = fixture::start().await;
    let s = fx.session("viewer").await;
    let url = fx.svc("FxHydrants/FeatureServer/0/query");
    let count = get(
        &s,
        &url,
        &[
            ("where", "1=1"),
            ("returnCountOnly", "True"),
            ("returnIdsOnly", "false"),
        ],
    )
    .await;
    assert_eq!(count["count"], HYDRANTS);
    let active = get(
        &s,
        &url,
        &[("where", "STATUS = 'active'"), ("returnCountOnly", "true")],
    )
    .await;
    assert_eq!(active["count"], ACTIVE);
    let ids = get(&s, &url, &[("where", "1=1"), ("returnIdsOnly", "true")]).await;
    assert_eq!(ids["objectIdFieldName"], "OBJECTID");
    let ids: Vec<i64> = ids["objectIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), HYDRANTS, "returnIdsOnly is not capped");
    // Esri's client: 200-id chunks, exceededTransferLimit ignored, so every chunk must be whole.
    let mut total = 0;
    for chunk in ids.chunks(250) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let page = get(
            &s,
            &url,
            &[("objectIds", &list), ("outFields", "*"), ("where", "1=1")],
        )
        .await;
        assert_eq!(features(&page).len(), chunk.len());
        assert_eq!(page["exceededTransferLimit"], false);
        total += chunk.len();
    }
    assert_eq!(total, HYDRANTS);
    let table = get(
        &s,
        &fx.svc("FxHydrants/FeatureServer/1/query"),
        &[("where", "RESULT = 'ok'"), ("returnCountOnly", "true")],
    )
    .await;
    assert_eq!(table["count"], 15);
}

#[tokio::test]
async fn where_dialect_order_and_errors() {
    let fx = fixture::start().await;
    let s = fx.session("viewer").await;
    let url = fx.svc("FxHydrants/FeatureServer/0/query");
    let count = |w: &'static str| {
        let (s, url) = (&s, &url);
        async move {
            get(s, url, &[("where", w), ("returnCountOnly", "true")]).await["count"]
                .as_i64()
                .unwrap_or(-1)
        }
    };
    assert_eq!(count("FLOW > 600 AND STATUS IN ('active')").await, 33);
    assert_eq!(count("name LIKE 'Hydrant 1__'").await, 100);
    assert_eq!(count("NOTE IS NULL").await, 45);
    assert_eq!(
        count("(OBJECTID <= 10 OR OBJECTID >= 441) AND NOT STATUS = 'retired'").await,
        13
    );
    assert_eq!(count("OBJECTID BETWEEN 1 AND 5").await, 5);
    assert_eq!(count("INSTALLED < DATE '2000-03-06'").await, 4);
    assert_eq!(count("STATUS <> 'active'").await, 150);
    let bad = get(&s, &url, &[("where", "FLOW >")]).await;
    assert_eq!(bad["error"]["code"], 400);
    let unknown = get(&s, &url, &[("where", "NOPE = 1")]).await;
    assert!(
        unknown["error"]["details"][0]
            .as_str()
            .unwrap()
            .contains("NOPE"),
        "{unknown}"
    );
    let ordered = get(
        &s,
        &url,
        &[
            ("where", "OBJECTID < 4"),
            ("orderByFields", "FLOW DESC"),
            ("outFields", "FLOW"),
        ],
    )
    .await;
    let flows: Vec<f64> = features(&ordered)
        .iter()
        .map(|f| f["attributes"]["FLOW"].as_f64().unwrap())
        .collect();
    assert_eq!(flows, vec![4.5, 3.0, 1.5]);
}

#[tokio::test]
async fn geojson_pbf_and_views() {
    let fx = fixture::start().await;
    let s = fx.session("viewer").await;
    let url = fx.svc("FxHydrants/FeatureServer/0/query");
    let resp = s
        .auth(
            s.http
                .get(&url)
                .query(&[("where", "1=1"), ("outFields", "*"), ("f", "geojson")]),
        )
        .send()
        .await
        .unwrap();
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("json")
    );
    let gj: Value = resp.json().await.unwrap();
    assert_eq!(gj["type"], "FeatureCollection");
    assert_eq!(gj["features"].as_array().unwrap().len(), 200);
    assert_eq!(gj["properties"]["exceededTransferLimit"], true);
    let first = &gj["features"][0];
    assert_eq!(first["geometry"]["type"], "Point");
    assert_eq!(first["id"], 1);
    assert_eq!(first["properties"]["NAME"], "Hydrant 1");
    let last = s
        .auth(s.http.get(&url).query(&[
            ("where", "1=1"),
            ("resultOffset", "400"),
            ("f", "geojson"),
        ]))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(last["features"].as_array().unwrap().len(), 50);
    assert!(last.get("properties").is_none());
    let pbf = s
        .auth(s.http.get(&url).query(&[("where", "1=1"), ("f", "pbf")]))
        .send()
        .await
        .unwrap();
    assert_eq!(pbf.status(), 400);

    let view = fx.svc("FxActive/FeatureServer/0/query");
    let n = get(&s, &view, &[("where", "1=1"), ("returnCountOnly", "true")]).await;
    assert_eq!(n["count"], ACTIVE);
    let retired = get(&s, &view, &[("objectIds", "3,4,6"), ("outFields", "*")]).await;
    let ids: Vec<i64> = features(&retired)
        .iter()
        .map(|f| f["attributes"]["OBJECTID"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![4], "the view filter hides retired hydrants");
}
