//! The admin twin: full definitions, updateDefinition, addToDefinition, deleteFromDefinition,
//! refresh, and createService (plain and view).

use serde_json::{Value, json};

use super::fixture::{self, get, post};

#[tokio::test]
async fn admin_json_needs_the_owner_and_shows_admin_fields() {
    let fx = fixture::start().await;
    let editor = fx.session("editor").await;
    let v = post(&editor, &fx.admin("FxHydrants/FeatureServer"), &[]).await;
    assert_eq!(v["adminServiceInfo"]["name"], "FxHydrants", "{v}");
    assert!(v["layers"][0]["fields"].is_array());
    assert!(v["layers"][0]["adminLayerInfo"].is_object());
    assert_eq!(v["tables"][0]["name"], "Inspections");
    let view = post(&editor, &fx.admin("FxActive/FeatureServer/0"), &[]).await;
    assert_eq!(view["viewDefinitionQuery"], "STATUS = 'active'");
    let admin = fx.session("admin").await;
    assert_eq!(
        post(&admin, &fx.admin("FxHydrants/FeatureServer"), &[]).await["name"],
        "FxHydrants"
    );
    let viewer = fx.session("viewer").await;
    assert_eq!(
        post(&viewer, &fx.admin("FxHydrants/FeatureServer"), &[]).await["error"]["code"],
        403
    );
    assert_eq!(
        fixture::anon(&fx.admin("FxHydrants/FeatureServer"), &[]).await["error"]["code"],
        499
    );
    assert_eq!(
        post(&editor, &fx.admin("Nope/FeatureServer"), &[]).await["error"]["message"],
        "Invalid URL"
    );
}

#[tokio::test]
async fn update_definition_and_refresh() {
    let fx = fixture::start().await;
    let s = fx.session("editor").await;
    let before = fx.layer_state("FxHydrants", 0).2;
    let def = json!({"fields": [{"name": "name", "alias": "Hydrant name"}], "drawingInfo": {"renderer": {}}, "maxRecordCount": 300, "description": "x"});
    let v = post(
        &s,
        &fx.admin("FxHydrants/FeatureServer/0/updateDefinition"),
        &[("updateDefinition", &def.to_string()), ("async", "false")],
    )
    .await;
    assert_eq!(v["success"], true, "{v}");
    assert_eq!(
        post(&s, &fx.admin("FxHydrants/FeatureServer/0/refresh"), &[]).await["success"],
        true
    );
    assert_eq!(
        post(&s, &fx.admin("FxHydrants/FeatureServer/refresh"), &[]).await["success"],
        true
    );
    let layer = get(&s, &fx.svc("FxHydrants/FeatureServer/0"), &[]).await;
    let name = layer["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "NAME")
        .unwrap();
    assert_eq!(name["alias"], "Hydrant name");
    assert_eq!(layer["maxRecordCount"], 300);
    assert!(fx.layer_state("FxHydrants", 0).2 > before);
    let page = get(
        &s,
        &fx.svc("FxHydrants/FeatureServer/0/query"),
        &[("where", "1=1")],
    )
    .await;
    assert_eq!(page["features"].as_array().unwrap().len(), 300);

    // Service level: enabling Extract makes createReplica work.
    let v = post(
        &s,
        &fx.admin("FxParcels/FeatureServer/updateDefinition"),
        &[("updateDefinition", r#"{"capabilities":"Query,Extract"}"#)],
    )
    .await;
    assert_eq!(v["success"], true);
    let r = post(
        &s,
        &fx.svc("FxParcels/FeatureServer/createReplica"),
        &[("layers", "0"), ("dataFormat", "json")],
    )
    .await;
    assert!(r["resultUrl"].is_string(), "{r}");
    let bad = post(
        &s,
        &fx.admin("FxParcels/FeatureServer/updateDefinition"),
        &[("updateDefinition", "not json")],
    )
    .await;
    assert_eq!(bad["error"]["code"], 400);
}

#[tokio::test]
async fn create_service_then_add_to_definition_and_load_rows() {
    let fx = fixture::start().await;
    let s = fx.session("editor").await;
    let cp = json!({"name": "FxNew", "capabilities": "Query,Create,Update,Delete,Editing", "maxRecordCount": 1000, "spatialReference": {"wkid": 102100}});
    let v = s
        .post(
            "content/users/editor/createService",
            &[
                ("createParameters", &cp.to_string()),
                ("outputType", "featureService"),
                ("tags", "restored"),
            ],
        )
        .await;
    assert_eq!(v["success"], true, "{v}");
    assert_eq!(v["isView"], false);
    assert_eq!(v["name"], "FxNew");
    let item = v["itemId"].as_str().unwrap().to_string();
    assert!(
        v["serviceurl"]
            .as_str()
            .unwrap()
            .ends_with("/Hosted/FxNew/FeatureServer")
    );
    let dup = s
        .post(
            "content/users/editor/createService",
            &[("createParameters", &cp.to_string())],
        )
        .await;
    assert_eq!(dup["error"]["code"], 400);
    assert_eq!(
        dup["success"], false,
        "Esri's create_view reads success first: {dup}"
    );
    assert!(
        dup["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{dup}"
    );

    let layer0 = get(&s, &fx.svc("FxHydrants/FeatureServer/0"), &[]).await;
    let table1 = get(&s, &fx.svc("FxHydrants/FeatureServer/1"), &[]).await;
    let body = json!({"layers": [layer0], "tables": [table1]});
    let v = post(
        &s,
        &fx.admin("FxNew/FeatureServer/addToDefinition"),
        &[("addToDefinition", &body.to_string())],
    )
    .await;
    assert_eq!(v["success"], true, "{v}");
    let svc = get(&s, &fx.svc("FxNew/FeatureServer"), &[]).await;
    assert_eq!(svc["layers"][0]["name"], "Hydrants");
    assert_eq!(svc["tables"][0]["name"], "Inspections");
    assert_eq!(svc["serviceItemId"], item.as_str());

    let rows = json!([{"attributes": {"NAME": "a", "STATUS": "active"}, "geometry": {"x": 1.0, "y": 2.0}}, {"attributes": {"NAME": "b"}, "geometry": {"x": 3.0, "y": 4.0}}]);
    let v = post(
        &s,
        &fx.svc("FxNew/FeatureServer/0/addFeatures"),
        &[("features", &rows.to_string())],
    )
    .await;
    assert_eq!(v["addResults"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(fx.layer_state("FxNew", 0).0, 2);

    let v = post(
        &s,
        &fx.admin("FxNew/FeatureServer/deleteFromDefinition"),
        &[("deleteFromDefinition", r#"{"tables":[{"id":1}]}"#)],
    )
    .await;
    assert_eq!(v["success"], true);
    let svc = get(&s, &fx.svc("FxNew/FeatureServer"), &[]).await;
    assert_eq!(svc["tables"].as_array().unwrap().len(), 0);
    let snap = fx.sb.snapshot();
    let it = snap["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == item.as_str())
        .unwrap();
    assert_eq!(it["tags"][0], "restored");
    assert_eq!(it["type"], "Feature Service");
}

#[tokio::test]
async fn create_view_service_over_a_source() {
    let fx = fixture::start().await;
    let s = fx.session("editor").await;
    let v = s
        .post(
            "content/users/editor/createService",
            &[
                ("createParameters", r#"{"name":"FxView","isView":true}"#),
                ("isView", "true"),
            ],
        )
        .await;
    assert_eq!(v["isView"], true, "{v}");
    let mut layer: Value = get(&s, &fx.svc("FxHydrants/FeatureServer/0"), &[]).await;
    layer["adminLayerInfo"] = json!({"viewLayerDefinition": {"sourceServiceName": "FxHydrants", "sourceLayerId": 0, "sourceLayerFields": "*"}});
    let v = post(
        &s,
        &fx.admin("FxView/FeatureServer/addToDefinition"),
        &[("addToDefinition", &json!({"layers": [layer]}).to_string())],
    )
    .await;
    assert_eq!(v["success"], true, "{v}");
    let all = get(
        &s,
        &fx.svc("FxView/FeatureServer/0/query"),
        &[("where", "1=1"), ("returnCountOnly", "true")],
    )
    .await;
    assert_eq!(all["count"], fixture::HYDRANTS);
    let v = post(
        &s,
        &fx.admin("FxView/FeatureServer/0/updateDefinition"),
        &[(
            "updateDefinition",
            r#"{"viewDefinitionQuery":"FLOW > 600"}"#,
        )],
    )
    .await;
    assert_eq!(v["success"], true);
    let some = get(
        &s,
        &fx.svc("FxView/FeatureServer/0/query"),
        &[("where", "1=1"), ("returnCountOnly", "true")],
    )
    .await;
    assert_eq!(some["count"], 50);
    assert_eq!(
        get(&s, &fx.svc("FxView/FeatureServer"), &[]).await["isView"],
        true
    );
}

#[tokio::test]
async fn a_view_layer_given_only_its_source_takes_the_source_schema() {
    // What Esri's `FeatureLayerCollectionManager.create_view` sends: id, name, adminLayerInfo.
    let fx = fixture::start().await;
    let s = fx.session("editor").await;
    let v = s
        .post(
            "content/users/editor/createService",
            &[
                ("createParameters", r#"{"name":"FxBareView","isView":true}"#),
                ("isView", "true"),
            ],
        )
        .await;
    assert_eq!(v["success"], true, "{v}");
    let bare = json!({"layers": [{"id": 0, "name": "Hydrants", "adminLayerInfo": {
        "popupInfo": null, "viewLayerDefinition": {"sourceServiceName": "FxHydrants",
        "sourceLayerId": 0, "sourceLayerFields": "*"}}}], "tables": []});
    let v = post(
        &s,
        &fx.admin("FxBareView/FeatureServer/addToDefinition"),
        &[("addToDefinition", &bare.to_string()), ("async", "true")],
    )
    .await;
    assert_eq!(v["success"], true, "{v}");
    let svc = get(&s, &fx.svc("FxBareView/FeatureServer"), &[]).await;
    assert_eq!(svc["layers"][0]["name"], "Hydrants", "{svc}");
    assert_eq!(svc["tables"], json!([]), "a layer, not a table: {svc}");
    let layer = get(&s, &fx.svc("FxBareView/FeatureServer/0"), &[]).await;
    let source = get(&s, &fx.svc("FxHydrants/FeatureServer/0"), &[]).await;
    assert_eq!(layer["geometryType"], source["geometryType"]);
    assert_eq!(layer["fields"], source["fields"]);
    let all = get(
        &s,
        &fx.svc("FxBareView/FeatureServer/0/query"),
        &[("where", "1=1"), ("returnCountOnly", "true")],
    )
    .await;
    assert_eq!(all["count"], fixture::HYDRANTS);
}
