//! What a listing has learnt so far, kept in `created` order whatever order the answers came
//! in: the ranges still being counted, the windows found and the pages read of each. It tells
//! when the first `max` items are known (so `--max` cuts the same way on every run) and turns
//! the pages into the result: validated exactly, de-duplicated by id, sorted by `created`.
//! Pure bookkeeping: no requests, no reporting.

use std::collections::{BTreeMap, HashSet};

use super::ScanPreset;
use super::query;
use crate::portal::wire::Item;

/// Where the pages of a window come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    /// `search` with this query.
    Search(String),
    /// A `content/users/...` listing at this path.
    Listing(String),
}

/// A range or window, keyed in the ledger by its first `created`.
#[derive(Debug)]
enum Segment {
    /// Its hits are being counted.
    Counting,
    /// A window: an index into `Ledger::windows`.
    Window(usize),
}

/// One page read: its hits and how many of them pass the exact validation.
#[derive(Debug)]
struct Page {
    hits: Vec<Item>,
    valid: usize,
}

/// A window and its pages (`None` until read).
#[derive(Debug)]
struct WindowPages {
    fetch: Fetch,
    total: u64,
    pages: Vec<Option<Page>>,
}

/// The listing's state; see the module doc.
#[derive(Debug)]
pub struct Ledger<'p> {
    preset: &'p ScanPreset,
    segments: BTreeMap<i64, Segment>,
    windows: Vec<WindowPages>,
}

/// The result of a listing.
#[derive(Debug, Default)]
pub struct Collected {
    /// Validated items, one per id, sorted by `created` (then id).
    pub items: Vec<Item>,
    /// Hits dropped by the exact validation.
    pub dropped: usize,
    /// Whether every matching item was read (not cut by `--max`, no window gap).
    pub complete: bool,
    /// List requests made (search pages, counts, listing pages).
    pub requests: u64,
}

impl<'p> Ledger<'p> {
    /// An empty ledger validating hits against `preset`.
    pub fn new(preset: &'p ScanPreset) -> Self {
        Ledger {
            preset,
            segments: BTreeMap::new(),
            windows: Vec::new(),
        }
    }

    /// The range starting at `from` is being counted.
    pub fn counting(&mut self, from: i64) {
        self.segments.insert(from, Segment::Counting);
    }

    /// The range starting at `from` holds nothing.
    pub fn empty(&mut self, from: i64) {
        self.segments.remove(&from);
    }

    /// Whether any range is still being counted.
    pub fn is_counting(&self) -> bool {
        self.segments
            .values()
            .any(|s| matches!(s, Segment::Counting))
    }

    /// Records the window starting at `from` with `total` hits, `first` being its first page
    /// (`page_size` hits a page); returns the window's index.
    pub fn window(
        &mut self,
        from: i64,
        fetch: Fetch,
        total: u64,
        pages: usize,
        first: Vec<Item>,
    ) -> usize {
        let id = self.windows.len();
        let mut slots: Vec<Option<Page>> =
            std::iter::repeat_with(|| None).take(pages.max(1)).collect();
        slots[0] = Some(self.page_of(first));
        self.windows.push(WindowPages {
            fetch,
            total,
            pages: slots,
        });
        self.segments.insert(from, Segment::Window(id));
        id
    }

    /// What to fetch for the pages of `window`.
    pub fn fetch(&self, window: usize) -> Option<&Fetch> {
        self.windows.get(window).map(|w| &w.fetch)
    }

    /// Records page number `page` (0-based) of `window`.
    pub fn page(&mut self, window: usize, page: usize, hits: Vec<Item>) {
        let read = self.page_of(hits);
        if let Some(slot) = self
            .windows
            .get_mut(window)
            .and_then(|w| w.pages.get_mut(page))
        {
            *slot = Some(read);
        }
    }

    fn page_of(&self, hits: Vec<Item>) -> Page {
        let valid = hits
            .iter()
            .filter(|i| query::is_exact_match(self.preset, i))
            .count();
        Page { hits, valid }
    }

    /// Windows found so far.
    pub fn windows(&self) -> usize {
        self.windows.len()
    }

    /// Hits the windows hold, as their counts said.
    pub fn covered(&self) -> u64 {
        self.windows.iter().map(|w| w.total).sum()
    }

    /// The pages in `created` order up to the first one not known yet.
    fn prefix(&self) -> impl Iterator<Item = &Page> {
        self.segments
            .values()
            .map_while(|s| match s {
                Segment::Counting => None,
                Segment::Window(id) => self.windows.get(*id),
            })
            .flat_map(|w| w.pages.iter())
            .map_while(Option::as_ref)
    }

    /// Whether the first `max` valid items (in `created` order) are known.
    pub fn has_first(&self, max: usize) -> bool {
        let mut valid = 0;
        self.prefix().any(|p| {
            valid += p.valid;
            valid >= max
        })
    }

    /// The result: the known prefix (everything when the listing ran to its end), cut to
    /// `max` validated items; `read_all` says whether the listing ran to its end.
    pub fn finish(self, max: Option<usize>, read_all: bool) -> Collected {
        let mut out = Collected {
            complete: read_all,
            ..Collected::default()
        };
        let mut seen = HashSet::new();
        let mut windows: Vec<Option<WindowPages>> = self.windows.into_iter().map(Some).collect();
        let pages = self
            .segments
            .values()
            .map_while(|s| match s {
                Segment::Counting => None,
                Segment::Window(id) => windows.get_mut(*id).and_then(Option::take),
            })
            .flat_map(|w| w.pages)
            .map_while(|p| p);
        for item in pages.flat_map(|p| p.hits) {
            if !seen.insert(item.id.clone()) {
                continue;
            }
            if query::is_exact_match(self.preset, &item) {
                out.items.push(item);
            } else {
                out.dropped += 1;
            }
        }
        if let Some(max) = max.filter(|m| out.items.len() > *m || !read_all) {
            out.items.truncate(max);
            out.complete = false;
        }
        out.items
            .sort_by(|a, b| (a.created_ms(), &a.id).cmp(&(b.created_ms(), &b.id)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(ids: &[&str]) -> Vec<Item> {
        ids.iter()
            .map(|id| serde_json::from_value(serde_json::json!({"id": id, "created": 1})).unwrap())
            .collect()
    }

    fn ids(c: &Collected) -> Vec<&str> {
        c.items.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn pages_are_ordered_by_range_whatever_order_they_arrive_in() {
        let preset = ScanPreset::AllOrg;
        let mut l = Ledger::new(&preset);
        l.counting(0);
        l.counting(100);
        let late = l.window(100, Fetch::Search("late".into()), 3, 2, items(&["c"]));
        assert!(l.is_counting());
        assert!(!l.has_first(1), "the first range is not counted yet");
        let early = l.window(0, Fetch::Search("early".into()), 2, 2, items(&["a"]));
        assert!(!l.is_counting());
        assert!(l.has_first(1));
        assert!(!l.has_first(2), "page 2 of the first window is missing");
        l.page(late, 1, items(&["d", "a"]));
        l.page(early, 1, items(&["b"]));
        assert!(l.has_first(4));
        assert_eq!(l.fetch(late), Some(&Fetch::Search("late".into())));
        assert_eq!(l.covered(), 5);
        let all = l.finish(None, true);
        assert_eq!(ids(&all), ["a", "b", "c", "d"], "one row per id");
        assert!(all.complete);
    }

    #[test]
    fn max_cuts_in_created_order_and_marks_the_result_incomplete() {
        let preset = ScanPreset::AllOrg;
        let mut l = Ledger::new(&preset);
        let w = l.window(0, Fetch::Listing("p".into()), 4, 2, items(&["a", "b"]));
        l.page(w, 1, items(&["c", "d"]));
        let cut = l.finish(Some(3), true);
        assert_eq!(ids(&cut), ["a", "b", "c"]);
        assert!(!cut.complete);
        let mut l = Ledger::new(&preset);
        l.window(0, Fetch::Listing("p".into()), 2, 1, items(&["a", "b"]));
        let exact = l.finish(Some(2), true);
        assert!(exact.complete, "max equal to everything read cuts nothing");
    }
}
