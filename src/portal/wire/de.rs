//! Lenient field decoders for what real portals send (real-responses/README.md): numbers as
//! floats or strings, the string `"null"` for "no value", `null` where a list is expected,
//! `extent` as `[]`, `spatialReference` as a string or an object, `{}` for "no user".

use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An item's `extent` (`[[xmin, ymin], [xmax, ymax]]`, WGS84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Extent {
    /// West.
    pub xmin: f64,
    /// South.
    pub ymin: f64,
    /// East.
    pub xmax: f64,
    /// North.
    pub ymax: f64,
}

/// An item's `spatialReference`: a code as text (`"102100"`) or a JSON object (`{"wkid":..}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SpatialReference {
    /// A WKID or WKT as text.
    Code(String),
    /// A spatial reference object.
    Object(Map<String, Value>),
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    }
}

/// A number that may come as an integer, a float or numeric text; `null`/other -> `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(as_i64(&Value::deserialize(d)?))
}

/// A float that may come as numeric text; `null`/other -> `None`.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A boolean that may come as `"true"`/`"false"`; `null` -> `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}

/// Text; `null` and the string `"null"` mean none, numbers and booleans become their text.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if s == "null" => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        other => return Err(D::Error::custom(format!("expected text, found {other}"))),
    })
}

/// Like [`opt_text`], and the empty string also means none (e.g. `contentStatus`).
pub fn opt_nonempty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(opt_text(d)?.filter(|s| !s.trim().is_empty()))
}

/// A list where `null` means empty.
pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A list of text where `null` means empty and non-text entries become their JSON text.
pub fn text_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let values: Vec<Value> = list(d)?;
    Ok(values
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s),
            Value::Null => None,
            other => Some(other.to_string()),
        })
        .collect())
}

/// `[[xmin,ymin],[xmax,ymax]]` or `{xmin,..}`; `[]`, `null` and other shapes -> `None`.
pub fn extent<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Extent>, D::Error> {
    let v = Value::deserialize(d)?;
    let num = |v: &Value| v.as_f64();
    Ok(match &v {
        Value::Array(corners) if corners.len() == 2 => {
            let c = |i: usize, j: usize| corners[i].get(j).and_then(num);
            match (c(0, 0), c(0, 1), c(1, 0), c(1, 1)) {
                (Some(xmin), Some(ymin), Some(xmax), Some(ymax)) => Some(Extent {
                    xmin,
                    ymin,
                    xmax,
                    ymax,
                }),
                _ => None,
            }
        }
        Value::Object(o) => {
            let f = |k: &str| o.get(k).and_then(num);
            match (f("xmin"), f("ymin"), f("xmax"), f("ymax")) {
                (Some(xmin), Some(ymin), Some(xmax), Some(ymax)) => Some(Extent {
                    xmin,
                    ymin,
                    xmax,
                    ymax,
                }),
                _ => None,
            }
        }
        _ => None,
    })
}

/// `spatialReference`: text (not `"null"`/empty), a number, or an object.
pub fn spatial_reference<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<SpatialReference>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if s == "null" || s.trim().is_empty() => None,
        Value::String(s) => Some(SpatialReference::Code(s)),
        Value::Number(n) => Some(SpatialReference::Code(n.to_string())),
        Value::Object(o) if o.is_empty() => None,
        Value::Object(o) => Some(SpatialReference::Object(o)),
        _ => None,
    })
}

/// An object where `{}` and `null` mean none.
pub fn nonempty_object<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Object(o) if o.is_empty() => Ok(None),
        v => T::deserialize(v).map(Some).map_err(D::Error::custom),
    }
}
