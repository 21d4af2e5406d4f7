//! The sandbox's items by id, with a secondary index ordered by `created` that search uses to
//! visit only the items of a `created:[A TO B]` window instead of all of them. Owns keeping that
//! index consistent: the map is reachable mutably only through [`ItemMap::insert`],
//! [`ItemMap::remove`] and [`ItemMap::get_mut`], so no write path can leave it stale. Reads go
//! through `Deref` to the plain `BTreeMap`. It must not know about queries, sharing or JSON.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::ops::{Bound, Deref};

use super::model::Item;

/// Items by id plus the `(created, id)` index.
///
/// `get_mut` hands out a plain `&mut Item`, whose `created` could change; such an item is taken
/// out of the index and kept in `touched` until the next mutable call re-files it, and
/// [`ItemMap::created_in`] always visits the touched items too.
#[derive(Debug, Default)]
pub struct ItemMap {
    map: BTreeMap<String, Item>,
    by_created: BTreeSet<(i64, String)>,
    touched: Vec<String>,
}

impl Deref for ItemMap {
    type Target = BTreeMap<String, Item>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl IntoIterator for ItemMap {
    type Item = (String, Item);
    type IntoIter = std::collections::btree_map::IntoIter<String, Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter()
    }
}

impl ItemMap {
    /// Adds or replaces the item under `id`; returns the one it replaced.
    pub fn insert(&mut self, id: String, item: Item) -> Option<Item> {
        self.refile();
        if let Some(o) = self.map.get(&id) {
            self.by_created.remove(&(o.created, id.clone()));
        }
        self.by_created.insert((item.created, id.clone()));
        self.map.insert(id, item)
    }

    /// Removes and returns the item under `id`.
    pub fn remove(&mut self, id: &str) -> Option<Item> {
        self.refile();
        let item = self.map.remove(id)?;
        self.by_created.remove(&(item.created, id.to_owned()));
        Some(item)
    }

    /// The item under `id`, to modify (it is re-indexed on the next mutable call).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Item> {
        self.refile();
        let item = self.map.get_mut(id)?;
        self.by_created.remove(&(item.created, id.to_owned()));
        self.touched.push(id.to_owned());
        Some(item)
    }

    /// Files the items handed out by `get_mut` back into the index under their current `created`.
    fn refile(&mut self) {
        for id in self.touched.drain(..) {
            if let Some(item) = self.map.get(&id) {
                self.by_created.insert((item.created, id));
            }
        }
    }

    /// The items whose `created` lies in `lo..=hi` (inclusive epoch ms), in `(created, id)`
    /// order. Items modified since the last mutable call come last whatever their `created`:
    /// callers must still check the range.
    pub fn created_in(&self, lo: i64, hi: i64) -> impl Iterator<Item = &Item> + '_ {
        let lower = Bound::Included((lo, String::new()));
        let upper = match hi.checked_add(1) {
            Some(h) => Bound::Excluded((h, String::new())),
            None => Bound::Unbounded,
        };
        // `range` panics on an inverted range; an empty one visits nothing.
        let indexed = (lo <= hi).then(|| self.by_created.range((lower, upper)));
        indexed
            .into_iter()
            .flatten()
            .map(|(_, id)| id)
            .chain(&self.touched)
            .filter_map(|id| self.map.get(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, created: i64) -> Item {
        Item::new(id, "u", "t", "PDF", created)
    }

    fn ids<'a>(v: impl Iterator<Item = &'a Item>) -> Vec<&'a str> {
        v.map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn range_follows_inserts_removes_and_edits() {
        let mut m = ItemMap::default();
        for (id, c) in [("c", 5), ("a", 10), ("b", 10), ("d", 20)] {
            m.insert(id.to_owned(), item(id, c));
        }
        assert_eq!(ids(m.created_in(10, 20)), ["a", "b", "d"]);
        assert_eq!(ids(m.created_in(i64::MIN, i64::MAX)), ["c", "a", "b", "d"]);
        assert!(ids(m.created_in(11, 19)).is_empty());
        assert!(ids(m.created_in(20, 10)).is_empty());
        m.remove("b");
        m.insert("a".to_owned(), item("a", 1));
        assert_eq!(ids(m.created_in(10, 20)), ["d"]);
        if let Some(it) = m.get_mut("c") {
            it.created = 15;
        }
        // Touched items are always offered; the index holds them again after the next write.
        assert_eq!(ids(m.created_in(100, 200)), ["c"]);
        m.insert("e".to_owned(), item("e", 99));
        assert_eq!(ids(m.created_in(10, 20)), ["c", "d"]);
        assert_eq!(ids(m.created_in(20, 10)), Vec::<&str>::new());
        assert_eq!(m.by_created.len(), m.len());
    }
}
