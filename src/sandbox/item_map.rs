//! The sandbox's items by id, with a secondary index ordered by `created` that search uses to
//! visit only the items of a `created:[A TO B]` window instead of all of them. Owns keeping that
//! index consistent: the items are reachable mutably only through [`ItemMap::insert`],
//! [`ItemMap::remove`] and [`ItemMap::get_mut`], so no write path can leave it stale. Reads use
//! the same names as a `BTreeMap`'s (`get`, `values`, ...). It must not know about queries,
//! sharing or JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Bound, Index};

use super::model::Item;

/// Items by id plus the `(created, slot)` index. The items live in slots, so the index reaches
/// them without a lookup by id (which would cost more than the walk it saves).
///
/// `get_mut` hands out a plain `&mut Item`, whose `created` could change; such an item is taken
/// out of the index and kept in `touched` until the next mutable call re-files it, and
/// [`ItemMap::created_in`] always visits the touched items too.
#[derive(Debug, Default)]
pub struct ItemMap {
    slots: Vec<Option<Item>>,
    free: Vec<usize>,
    ids: BTreeMap<String, usize>,
    by_created: BTreeSet<(i64, usize)>,
    touched: Vec<usize>,
}

impl Index<&str> for ItemMap {
    type Output = Item;

    /// The item under `id`; panics when there is none (as `BTreeMap` indexing does).
    fn index(&self, id: &str) -> &Item {
        self.get(id).unwrap_or_else(|| panic!("no item {id}"))
    }
}

impl Index<&String> for ItemMap {
    type Output = Item;

    fn index(&self, id: &String) -> &Item {
        &self[id.as_str()]
    }
}

impl IntoIterator for ItemMap {
    type Item = (String, Item);
    type IntoIter = std::vec::IntoIter<(String, Item)>;

    /// The items with their ids, in id order.
    fn into_iter(mut self) -> Self::IntoIter {
        let ids = std::mem::take(&mut self.ids);
        ids.into_iter()
            .filter_map(|(id, s)| Some((id, self.slots.get_mut(s)?.take()?)))
            .collect::<Vec<_>>()
            .into_iter()
    }
}

impl ItemMap {
    fn slot(&self, s: usize) -> Option<&Item> {
        self.slots.get(s).and_then(Option::as_ref)
    }

    /// The item under `id`.
    pub fn get(&self, id: &str) -> Option<&Item> {
        self.ids.get(id).and_then(|s| self.slot(*s))
    }

    /// True when there is an item under `id`.
    pub fn contains_key(&self, id: &str) -> bool {
        self.ids.contains_key(id)
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> + Clone + '_ {
        self.ids.keys()
    }

    /// The items, in id order.
    pub fn values(&self) -> impl Iterator<Item = &Item> + Clone + '_ {
        self.ids.values().filter_map(|s| self.slot(*s))
    }

    /// The ids with their items, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Item)> + Clone + '_ {
        self.ids
            .iter()
            .filter_map(|(id, s)| Some((id, self.slot(*s)?)))
    }

    /// Adds or replaces the item under `id`; returns the one it replaced.
    pub fn insert(&mut self, id: String, item: Item) -> Option<Item> {
        self.refile();
        let created = item.created;
        let (s, old) = match self.ids.get(&id) {
            Some(&s) => (s, self.slots.get_mut(s).and_then(|v| v.replace(item))),
            None => {
                let s = match self.free.pop() {
                    Some(s) => {
                        self.slots[s] = Some(item);
                        s
                    }
                    None => {
                        self.slots.push(Some(item));
                        self.slots.len() - 1
                    }
                };
                self.ids.insert(id, s);
                (s, None)
            }
        };
        if let Some(o) = &old {
            self.by_created.remove(&(o.created, s));
        }
        self.by_created.insert((created, s));
        old
    }

    /// Removes and returns the item under `id`.
    pub fn remove(&mut self, id: &str) -> Option<Item> {
        self.refile();
        let s = self.ids.remove(id)?;
        let item = self.slots.get_mut(s)?.take()?;
        self.by_created.remove(&(item.created, s));
        self.free.push(s);
        Some(item)
    }

    /// The item under `id`, to modify (it is re-indexed on the next mutable call).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Item> {
        self.refile();
        let s = *self.ids.get(id)?;
        let item = self.slots.get_mut(s)?.as_mut()?;
        self.by_created.remove(&(item.created, s));
        self.touched.push(s);
        Some(item)
    }

    /// Files the items handed out by `get_mut` back into the index under their current `created`.
    fn refile(&mut self) {
        for s in std::mem::take(&mut self.touched) {
            if let Some(item) = self.slot(s) {
                self.by_created.insert((item.created, s));
            }
        }
    }

    /// The items whose `created` lies in `lo..=hi` (inclusive epoch ms), in `(created, slot)`
    /// order. Items modified since the last mutable call come last whatever their `created`:
    /// callers must still check the range.
    pub fn created_in(&self, lo: i64, hi: i64) -> impl Iterator<Item = &Item> + '_ {
        let upper = match hi.checked_add(1) {
            Some(h) => Bound::Excluded((h, 0)),
            None => Bound::Unbounded,
        };
        // `range` panics on an inverted range; an empty one visits nothing.
        let indexed = (lo <= hi).then(|| self.by_created.range((Bound::Included((lo, 0)), upper)));
        indexed
            .into_iter()
            .flatten()
            .map(|(_, s)| s)
            .chain(&self.touched)
            .filter_map(|s| self.slot(*s))
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
        assert_eq!(ids(m.values()), ["a", "b", "c", "d"]);
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
        assert_eq!(m["e"].created, 99);
        let all: Vec<(String, Item)> = m.into_iter().collect();
        assert_eq!(
            all.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
            ["a", "c", "d", "e"]
        );
    }
}
