//! Streams the features out of the layer data a backup holds when it has no export: a GeoJSON
//! FeatureCollection file (`layers/<id>.geojson`, [`read_geojson_features`]) or an ArcGIS
//! `createReplica` JSON replica (`replica/replica.json`, [`read_replica_features`]). Files can be
//! hundreds of MB, so features are parsed one at a time and handed out in batches: memory holds
//! one batch, never a whole file. Features are passed on as they are (no geometry conversion:
//! that is [`super::geometry`]'s); this module never writes a file.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{FormatError, UTF8_BOM};

/// Read buffer size for the JSON parser.
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// The largest batch buffer allocated up front (bigger batches grow as they fill).
const MAX_PREALLOCATED: usize = 4096;

/// What a GeoJSON file must be, said first in every error about one.
const GEOJSON_WHAT: &str = "not a GeoJSON FeatureCollection";

/// What a replica file must be, said first in every error about one.
const REPLICA_WHAT: &str = "not an ArcGIS JSON replica";

/// The error message the visitors stop with when the sink asks to stop.
const STOPPED: &str = "stopped by the caller";

/// Streams the features of a GeoJSON FeatureCollection file, `batch` at a time, to `sink`;
/// `sink` returns false to stop early (then the function returns Ok with the count handed out so
/// far). Returns how many features were handed out.
///
/// A `batch` of 0 is taken as 1. The last batch may be smaller. A `"features": null` counts as
/// no features.
///
/// # Errors
/// [`FormatError::Read`] when the file cannot be opened or read; [`FormatError::Malformed`] when
/// it is not JSON, not a FeatureCollection (no `features` array, another `type`, a feature that
/// is not an object), has data after its end, or ends early (truncated). Batches handed out
/// before the fault was found stay handed out.
pub fn read_geojson_features(
    path: &Path,
    batch: usize,
    sink: &mut dyn FnMut(Vec<Value>) -> bool,
) -> Result<u64, FormatError> {
    let mut batcher = Batcher::new(batch);
    let features = FeatureArray {
        batcher: &mut batcher,
        sink,
    };
    let result = parse_file(path, CollectionVisitor(features));
    finish(result, &batcher, path, GEOJSON_WHAT)
}

/// Streams the features of a JSON replica file, per layer, `batch` at a time:
/// `sink(layer_id, features)`. Returns how many features were handed out.
///
/// The file is read twice: a first pass notes each layer's `"id"` (skipping features), because
/// a layer's `"id"` may come after its `"features"`. Layers without features produce no sink
/// call; a file without `"layers"` gives `Ok(0)`. A `batch` of 0 is taken as 1; `sink` returns
/// false to stop early (then the count handed out so far is returned).
///
/// # Errors
/// As [`read_geojson_features`]; also [`FormatError::Malformed`] when a layer with features
/// has no integer `"id"`.
pub fn read_replica_features(
    path: &Path,
    batch: usize,
    sink: &mut dyn FnMut(i64, Vec<Value>) -> bool,
) -> Result<u64, FormatError> {
    let mut ids = Vec::new();
    let result = parse_file(path, ReplicaVisitor(Pass::Ids(&mut ids)));
    let mut batcher = Batcher::new(batch);
    finish(result, &batcher, path, REPLICA_WHAT)?;
    let pass = Pass::Stream {
        ids: &ids,
        batcher: &mut batcher,
        sink,
    };
    let result = parse_file(path, ReplicaVisitor(pass));
    finish(result, &batcher, path, REPLICA_WHAT)
}

/// Parses the whole file at `path` with `visitor` (its top value must be an object), checking
/// that nothing but whitespace follows. A leading UTF-8 byte order mark is skipped. A file that
/// cannot be opened or read is an I/O error.
fn parse_file<'de, V: Visitor<'de, Value = ()>>(
    path: &Path,
    visitor: V,
) -> Result<(), serde_json::Error> {
    let file = File::open(path).map_err(serde_json::Error::io)?;
    let mut reader = BufReader::with_capacity(READ_BUFFER_BYTES, file);
    if reader
        .fill_buf()
        .map_err(serde_json::Error::io)?
        .starts_with(UTF8_BOM)
    {
        reader.consume(UTF8_BOM.len());
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    (&mut de).deserialize_map(visitor)?;
    de.end()
}

/// The count handed out, or the [`FormatError`] for `result`'s failure; a stop asked by the sink
/// is a success. `what` starts the message of a file that is not what it should be.
fn finish(
    result: Result<(), serde_json::Error>,
    batcher: &Batcher,
    path: &Path,
    what: &str,
) -> Result<u64, FormatError> {
    let e = match result {
        Ok(()) => return Ok(batcher.handed_out),
        Err(_) if batcher.stopped => return Ok(batcher.handed_out),
        Err(e) => e,
    };
    let (line, column) = (e.line() as u64, e.column());
    let full = e.to_string();
    let detail = full
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&full);
    let message = match e.classify() {
        serde_json::error::Category::Io => {
            return Err(FormatError::Read {
                path: path.to_path_buf(),
                source: e.into(),
            });
        }
        serde_json::error::Category::Eof if line <= 1 && column == 0 => {
            format!("{what}: the file is empty")
        }
        serde_json::error::Category::Eof => format!(
            "{what}: the file ends early, at column {column} (truncated, or still being \
             written); back the layer up again"
        ),
        serde_json::error::Category::Syntax => {
            format!("{what}: not valid JSON at column {column} ({detail})")
        }
        serde_json::error::Category::Data => format!("{what}: {detail} (column {column})"),
    };
    Err(FormatError::Malformed {
        path: path.to_path_buf(),
        line,
        column: None,
        message,
    })
}

/// Gathers features into batches and counts what was handed out.
struct Batcher {
    /// Features per batch (at least 1).
    size: usize,
    /// Features handed out so far.
    handed_out: u64,
    /// Whether the sink asked to stop.
    stopped: bool,
}

impl Batcher {
    /// A batcher of `size` features per batch (0 is taken as 1).
    fn new(size: usize) -> Self {
        Batcher {
            size: size.max(1),
            handed_out: 0,
            stopped: false,
        }
    }

    /// Hands `features` (if any) to `sink`; the stop error when the sink says stop.
    fn flush<E: de::Error>(
        &mut self,
        features: Vec<Value>,
        sink: &mut dyn FnMut(Vec<Value>) -> bool,
    ) -> Result<(), E> {
        if features.is_empty() {
            return Ok(());
        }
        self.handed_out += features.len() as u64;
        if sink(features) {
            Ok(())
        } else {
            self.stopped = true;
            Err(E::custom(STOPPED))
        }
    }
}

/// A `features` array (or null), streamed through a [`Batcher`] to `sink`.
struct FeatureArray<'a> {
    /// Batches and counts.
    batcher: &'a mut Batcher,
    /// Where batches go.
    sink: &'a mut dyn FnMut(Vec<Value>) -> bool,
}

impl<'de> DeserializeSeed<'de> for FeatureArray<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeatureArray<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a \"features\" array")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let size = self.batcher.size;
        let mut features = Vec::with_capacity(size.min(MAX_PREALLOCATED));
        let mut index = 0_u64;
        while let Some(feature) = seq.next_element::<Value>()? {
            if !feature.is_object() {
                return Err(de::Error::custom(format!(
                    "feature {index} is not a JSON object"
                )));
            }
            index += 1;
            features.push(feature);
            if features.len() >= size {
                let full = std::mem::replace(
                    &mut features,
                    Vec::with_capacity(size.min(MAX_PREALLOCATED)),
                );
                self.batcher.flush(full, self.sink)?;
            }
        }
        self.batcher.flush(features, self.sink)
    }
}

/// The top object of a GeoJSON file, whose `features` go to the array's batcher and sink.
struct CollectionVisitor<'a>(FeatureArray<'a>);

impl<'de> Visitor<'de> for CollectionVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a FeatureCollection object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut has_features = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => {
                    let kind: String = map.next_value()?;
                    if kind != "FeatureCollection" {
                        let msg = format!("its \"type\" is {kind:?}");
                        return Err(de::Error::custom(msg));
                    }
                }
                "features" => {
                    has_features = true;
                    map.next_value_seed(FeatureArray {
                        batcher: &mut *self.0.batcher,
                        sink: &mut *self.0.sink,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if has_features {
            Ok(())
        } else {
            Err(de::Error::custom("it has no \"features\" array"))
        }
    }
}

/// Which pass over a replica file is running.
enum Pass<'a> {
    /// The first: notes each layer's id (None when it has none), in order.
    Ids(&'a mut Vec<Option<i64>>),
    /// The second: streams each layer's features with the id the first pass found.
    Stream {
        /// The ids from the first pass.
        ids: &'a [Option<i64>],
        /// Batches and counts.
        batcher: &'a mut Batcher,
        /// Where batches go, with their layer id.
        sink: &'a mut dyn FnMut(i64, Vec<Value>) -> bool,
    },
}

/// The top object of a replica file.
struct ReplicaVisitor<'a>(Pass<'a>);

impl<'de> Visitor<'de> for ReplicaVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a replica object with \"layers\"")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "layers" {
                map.next_value_seed(LayerList(&mut self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// A replica's `layers` array (or null).
struct LayerList<'p, 'a>(&'p mut Pass<'a>);

impl<'de> DeserializeSeed<'de> for LayerList<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LayerList<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a \"layers\" array")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while seq
            .next_element_seed(Layer {
                index,
                pass: &mut *self.0,
            })?
            .is_some()
        {
            index += 1;
        }
        Ok(())
    }
}

/// One layer object of a replica, the `index`-th of its `layers`.
struct Layer<'p, 'a> {
    /// Its position in `layers`.
    index: usize,
    /// The pass running.
    pass: &'p mut Pass<'a>,
}

impl<'de> DeserializeSeed<'de> for Layer<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Layer<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "layer {} as an object", self.index)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<String>()? {
            match (key.as_str(), &mut *self.pass) {
                ("id", _) => id = Some(map.next_value::<i64>()?),
                ("features", Pass::Ids(_)) => {
                    map.next_value::<IgnoredAny>()?;
                }
                ("features", Pass::Stream { ids, batcher, sink }) => {
                    let known = ids.get(self.index).copied().flatten();
                    stream_layer(&mut map, self.index, known, batcher, &mut **sink)?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Pass::Ids(ids) = self.pass {
            ids.push(id);
        }
        Ok(())
    }
}

/// Streams the `features` value `map` is at, for the layer at `index` whose id the first pass
/// found (`id`); an error when the layer has features but no id.
fn stream_layer<'de, A: MapAccess<'de>>(
    map: &mut A,
    index: usize,
    id: Option<i64>,
    batcher: &mut Batcher,
    sink: &mut dyn FnMut(i64, Vec<Value>) -> bool,
) -> Result<(), A::Error> {
    let Some(id) = id else {
        let features = map.next_value::<Option<Vec<IgnoredAny>>>()?;
        if features.is_some_and(|f| !f.is_empty()) {
            let msg = format!("layer {index} has features but no integer \"id\"");
            return Err(de::Error::custom(msg));
        }
        return Ok(());
    };
    let mut with_id = |features: Vec<Value>| sink(id, features);
    map.next_value_seed(FeatureArray {
        batcher,
        sink: &mut with_id,
    })
}

#[cfg(test)]
mod tests;
