//! `countFields` / `countSize`: the `aggregations.counts` of an item search, counting the values
//! of `type`, `tags`, `access`, `contentstatus` and `categories` over all matches (not only the
//! returned page), most frequent first.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::search_error;
use crate::sandbox::model::Item;
use crate::sandbox::params::Params;
use crate::sandbox::reply::ApiError;

/// A field that can be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountField {
    Type,
    Tags,
    Access,
    ContentStatus,
    Categories,
}

impl CountField {
    fn name(self) -> &'static str {
        match self {
            CountField::Type => "type",
            CountField::Tags => "tags",
            CountField::Access => "access",
            CountField::ContentStatus => "contentstatus",
            CountField::Categories => "categories",
        }
    }

    fn values(self, item: &Item, mut add: impl FnMut(String)) {
        match self {
            CountField::Type => add(item.item_type.clone()),
            CountField::Tags => item.tags.iter().for_each(|t| add(t.to_lowercase())),
            CountField::Access => add(item.sharing.access().to_string()),
            CountField::ContentStatus => {
                if let Some(c) = &item.content_status {
                    add(c.clone());
                }
            }
            CountField::Categories => {
                if let Some(Value::Array(a)) = item.extra.get("categories") {
                    a.iter()
                        .filter_map(Value::as_str)
                        .for_each(|c| add(c.to_string()));
                }
            }
        }
    }
}

/// The requested counts: which fields and how many values each.
#[derive(Debug, Clone)]
pub struct Counts {
    fields: Vec<CountField>,
    size: usize,
}

impl Counts {
    /// `countFields` (up to 3) and `countSize` (default 10, at most 200); `None` when not asked.
    pub fn from_params(p: &Params) -> Result<Option<Counts>, ApiError> {
        let Some(names) = p.list("countFields") else {
            return Ok(None);
        };
        if names.len() > 3 {
            return Err(search_error("At most 3 countFields can be requested."));
        }
        let mut fields = Vec::new();
        for n in &names {
            fields.push(match n.to_ascii_lowercase().as_str() {
                "type" => CountField::Type,
                "tags" => CountField::Tags,
                "access" => CountField::Access,
                "contentstatus" => CountField::ContentStatus,
                "categories" => CountField::Categories,
                _ => {
                    return Err(search_error(format!(
                        "Invalid countFields value '{n}': use type, tags, access, contentstatus or categories."
                    )));
                }
            });
        }
        let size = usize::try_from(p.int("countSize")?.unwrap_or(10).clamp(1, 200)).unwrap_or(10);
        Ok(Some(Counts { fields, size }))
    }

    /// `{"counts":[{"fieldName","fieldValues":[{"value","count"}]}]}` over `hits`.
    pub fn aggregate<'a>(&self, hits: impl Iterator<Item = &'a Item> + Clone) -> Value {
        let counts: Vec<Value> = self
            .fields
            .iter()
            .map(|f| {
                let mut tally: BTreeMap<String, usize> = BTreeMap::new();
                for item in hits.clone() {
                    f.values(item, |v| *tally.entry(v).or_default() += 1);
                }
                let mut values: Vec<(String, usize)> = tally.into_iter().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values.truncate(self.size);
                let values: Vec<Value> = values
                    .into_iter()
                    .map(|(value, count)| json!({"value": value, "count": count}))
                    .collect();
                json!({"fieldName": f.name(), "fieldValues": values})
            })
            .collect();
        json!({ "counts": counts })
    }
}
