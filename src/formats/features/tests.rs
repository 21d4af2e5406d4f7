//! Unit tests of [`super`]: batching, early stop, truncated and foreign files, replica layer ids.

use std::io::{self, Write};

use serde_json::json;

use super::*;

/// A temporary file holding `text`.
fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

/// A FeatureCollection of `n` point features with ids 1..=n.
fn collection(n: u64) -> String {
    let features: Vec<Value> = (1..=n)
        .map(|id| {
            json!({"type": "Feature", "id": id, "properties": {"OBJECTID": id},
                "geometry": {"type": "Point", "coordinates": [1.5, 2.5]}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// The batch sizes and feature ids handed out reading GeoJSON `text`, and the result.
fn read_geojson(text: &str, batch: usize) -> (Vec<usize>, Vec<u64>, Result<u64, FormatError>) {
    let f = file(text);
    let (mut sizes, mut ids) = (Vec::new(), Vec::new());
    let result = read_geojson_features(f.path(), batch, &mut |features| {
        sizes.push(features.len());
        ids.extend(features.iter().map(|f| f["id"].as_u64().unwrap()));
        true
    });
    (sizes, ids, result)
}

/// The message of a Malformed error, or a panic.
fn malformed(result: Result<u64, FormatError>) -> String {
    match result {
        Err(FormatError::Malformed { message, .. }) => message,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn geojson_features_come_in_batches_in_order() {
    let (sizes, ids, result) = read_geojson(&collection(5), 2);
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(result.unwrap(), 5);
    let (sizes, _, result) = read_geojson(&collection(0), 2);
    assert!(sizes.is_empty());
    assert_eq!(result.unwrap(), 0);
    let with_bom = format!("\u{feff}{}", collection(3));
    assert_eq!(read_geojson(&with_bom, 2).2.unwrap(), 3);
}

#[test]
fn the_sink_can_stop_early() {
    let f = file(&collection(5));
    let mut calls = 0;
    let result = read_geojson_features(f.path(), 2, &mut |_| {
        calls += 1;
        false
    });
    assert_eq!(result.unwrap(), 2);
    assert_eq!(calls, 1);
}

#[test]
fn a_truncated_file_is_an_error() {
    let text = collection(5);
    let (sizes, _, result) = read_geojson(&text[..text.len() * 2 / 3], 2);
    let message = malformed(result);
    assert!(message.contains("ends early"), "{message}");
    assert!(sizes.iter().sum::<usize>() < 5);
    let message = malformed(read_geojson("", 2).2);
    assert!(message.contains("empty"), "{message}");
}

#[test]
fn other_files_are_refused_with_what_is_wrong() {
    let message = malformed(read_geojson("<html>not json</html>", 2).2);
    assert!(message.starts_with(GEOJSON_WHAT) && message.contains("not valid JSON"));
    let message = malformed(read_geojson(r#"{"type":"Feature","geometry":null}"#, 2).2);
    assert!(message.contains("\"Feature\""), "{message}");
    let message = malformed(read_geojson(r#"{"type":"FeatureCollection"}"#, 2).2);
    assert!(message.contains("no \"features\""), "{message}");
    let message = malformed(read_geojson("[1, 2]", 2).2);
    assert!(message.starts_with(GEOJSON_WHAT), "{message}");
    let message = malformed(read_geojson(r#"{"features":[1]}"#, 2).2);
    assert!(
        message.contains("feature 0 is not a JSON object"),
        "{message}"
    );
    let trailing = format!("{} {{", collection(1));
    assert!(matches!(
        read_geojson(&trailing, 2).2,
        Err(FormatError::Malformed { .. })
    ));
    let missing = read_geojson_features(Path::new("/no/such/file.geojson"), 2, &mut |_| true);
    assert!(
        matches!(missing, Err(FormatError::Read { .. })),
        "{missing:?}"
    );
}

#[test]
fn twenty_thousand_features_in_batches_of_500_make_40_calls() {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    {
        let mut w = io::BufWriter::new(f.as_file_mut());
        write!(w, r#"{{"type":"FeatureCollection","features":["#).unwrap();
        for id in 1..=20_000 {
            let sep = if id == 1 { "" } else { "," };
            write!(
                w,
                r#"{sep}{{"type":"Feature","id":{id},"properties":{{"n":{id}}},"#
            )
            .unwrap();
            write!(w, r#""geometry":{{"type":"Point","coordinates":[1,2]}}}}"#).unwrap();
        }
        write!(w, "]}}").unwrap();
    }
    let mut calls = 0;
    let result = read_geojson_features(f.path(), 500, &mut |features| {
        assert_eq!(features.len(), 500);
        calls += 1;
        true
    });
    assert_eq!(result.unwrap(), 20_000);
    assert_eq!(calls, 40);
}

/// The (layer id, batch size) calls made reading replica `text`, and the result.
fn read_replica(text: &str, batch: usize) -> (Vec<(i64, usize)>, Result<u64, FormatError>) {
    let f = file(text);
    let mut calls = Vec::new();
    let result = read_replica_features(f.path(), batch, &mut |id, features| {
        calls.push((id, features.len()));
        true
    });
    (calls, result)
}

/// `n` Esri JSON features.
fn esri_features(n: i64) -> Vec<Value> {
    (1..=n)
        .map(|oid| json!({"attributes": {"OBJECTID": oid}, "geometry": {"x": 1, "y": 2}}))
        .collect()
}

#[test]
fn replica_layers_are_streamed_with_their_ids_wherever_the_id_is() {
    // Layer 5 has its "id" after its "features"; layer 7 has no features at all.
    let text = format!(
        r#"{{"replicaName":"r","layers":[{{"id":0,"features":{}}},
        {{"features":{},"attachments":[],"id":5}},{{"id":7,"attachments":[]}},
        {{"id":8,"features":[]}}],"replicaID":"x"}}"#,
        Value::Array(esri_features(3)),
        Value::Array(esri_features(2)),
    );
    let (calls, result) = read_replica(&text, 2);
    assert_eq!(calls, [(0, 2), (0, 1), (5, 2)]);
    assert_eq!(result.unwrap(), 5);
}

#[test]
fn replica_edge_cases() {
    assert_eq!(read_replica(r#"{"replicaName":"r"}"#, 2).1.unwrap(), 0);
    assert_eq!(read_replica(r#"{"layers":null}"#, 2).1.unwrap(), 0);
    let no_id = format!(
        r#"{{"layers":[{{"features":{}}}]}}"#,
        Value::Array(esri_features(1))
    );
    let message = malformed(read_replica(&no_id, 2).1);
    assert!(message.contains("layer 0 has features but no"), "{message}");
    let message = malformed(read_replica(r#"{"layers":[{"id":0,"features":[{"#, 2).1);
    assert!(message.starts_with(REPLICA_WHAT) && message.contains("ends early"));
    let f = file(&format!(
        r#"{{"layers":[{{"id":3,"features":{}}}]}}"#,
        Value::Array(esri_features(5))
    ));
    let mut calls = 0;
    let result = read_replica_features(f.path(), 2, &mut |_, _| {
        calls += 1;
        calls < 2
    });
    assert_eq!((result.unwrap(), calls), (4, 2));
}
