//! Materialises the data a replica or an item export carries: an owned copy of a service with
//! the chosen layers, each holding the rows its `where` picks (view filters applied, view rows
//! taken from the source) and those rows' attachments. Taken under the state lock, used after.

use std::collections::BTreeMap;

use serde_json::Value;

use super::super::model::State;
use super::super::reply::ApiError;
use super::super::services::{Layer, Service};
use super::access;

/// One layer to extract.
#[derive(Debug, Clone)]
pub struct Pick {
    /// Layer or table id.
    pub id: u32,
    /// Row filter (`None` = every row).
    pub clause: Option<String>,
    /// False for schema only (replica `queryOption: none`).
    pub rows: bool,
}

impl Pick {
    /// Every row of layer `id`.
    pub fn all(id: u32) -> Pick {
        Pick {
            id,
            clause: None,
            rows: true,
        }
    }
}

/// Every layer and table of `svc`, all rows.
pub fn all_layers(svc: &Service) -> Vec<Pick> {
    svc.layers.iter().map(|l| Pick::all(l.id)).collect()
}

/// Parses `exportParameters`-style `{"layers":[{"id":0,"where":"…"}]}`; `None` when absent.
pub fn picks_from_layers_json(v: &Value) -> Option<Vec<Pick>> {
    let layers = v.get("layers")?.as_array()?;
    let picks: Vec<Pick> = layers
        .iter()
        .filter_map(|l| {
            let id = u32::try_from(l.get("id")?.as_u64()?).ok()?;
            let clause = l.get("where").and_then(Value::as_str).map(str::to_string);
            Some(Pick {
                id,
                clause,
                rows: true,
            })
        })
        .collect();
    (!picks.is_empty()).then_some(picks)
}

/// An owned copy of `svc` holding only `picks`, with their rows and attachments.
pub fn extract(st: &State, svc: &Service, picks: &[Pick]) -> Result<Service, ApiError> {
    let mut layers = Vec::new();
    for pick in picks {
        let layer = svc
            .layer(pick.id)
            .ok_or_else(|| ApiError::bad_request(format!("Invalid layer id: {}", pick.id)))?;
        let rows = if pick.rows {
            access::select(st, svc, layer, pick.clause.as_deref(), None)?
        } else {
            Vec::new()
        };
        let data = access::data_layer(st, svc, layer);
        let mut attachments = BTreeMap::new();
        if let Some(d) = data {
            for f in &rows {
                if let Some(a) = d.attachments.get(&f.oid()).filter(|a| !a.is_empty()) {
                    attachments.insert(f.oid(), a.clone());
                }
            }
        }
        layers.push(Layer {
            id: layer.id,
            name: layer.name.clone(),
            geometry_type: layer.geometry_type.clone(),
            fields: layer.fields.clone(),
            features: rows.iter().map(|f| (f.oid(), (*f).clone())).collect(),
            attachments,
            has_attachments: layer.has_attachments,
            last_edit_date: data.map_or(layer.last_edit_date, |d| {
                d.last_edit_date.max(layer.last_edit_date)
            }),
            relationships: layer.relationships.clone(),
            view_filter: None,
        });
    }
    Ok(Service {
        name: svc.name.clone(),
        item_id: svc.item_id.clone(),
        layers,
        capabilities: svc.capabilities.clone(),
        max_record_count: svc.max_record_count,
        description: svc.description.clone(),
        view_of: None,
    })
}
