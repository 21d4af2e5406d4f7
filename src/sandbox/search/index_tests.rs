//! Property-style check of the created index: on a generated portal, searches with a top-level
//! `created` range answer exactly what the full walk answers (same results, order, totals and
//! counts), for random ranges, pages, sorts and callers, also after items are added, deleted and
//! have their `created` changed.

use super::{ItemSearch, created_window, run, run_over};
use crate::sandbox::Dataset;
use crate::sandbox::auth::Caller;
use crate::sandbox::dataset;
use crate::sandbox::model::{Item, Role, State as Store};
use crate::sandbox::params::Params;
use crate::sandbox::rng::Rng;

const QUERIES: [&str; 6] = [
    "*",
    "type:\"Web Map\"",
    "NOT owner:admin",
    "contentstatus:org_authoritative OR contentstatus:public_authoritative",
    "tags:water OR title:park",
    "created:[* TO *]",
];

fn portal() -> Store {
    dataset::build(
        &Dataset::Generated {
            count: 4_000,
            seed: 3,
        },
        "http://127.0.0.1:1",
    )
}

fn callers(st: &Store) -> Vec<Caller> {
    let mut out = vec![Caller::Anonymous];
    for role in [Role::Admin, Role::Viewer] {
        if let Some(u) = st.users.values().find(|u| u.role == role) {
            out.push(Caller::User {
                username: u.username.clone(),
                role,
            });
        }
    }
    out
}

/// A random range over the portal's dates (and sometimes beyond, inverted or half-open).
fn range(rng: &mut Rng, lo: i64, hi: i64) -> String {
    let span = u64::try_from(hi - lo).unwrap_or(1).max(1);
    let mut at = || lo - 1_000 + i64::try_from(rng.below(span + 2_000)).unwrap_or(0);
    let (a, b) = (at(), at());
    let (a, b) = if rng.below(8) == 0 {
        (b, a)
    } else {
        (a.min(b), a.max(b))
    };
    let (open, close) = if rng.below(4) == 0 {
        ("{", "}")
    } else {
        ("[", "]")
    };
    match rng.below(10) {
        0 => format!("created:[* TO {b:019}]"),
        1 => format!("created:[{a:019} TO *]"),
        _ => format!("created:{open}{a:019} TO {b:019}{close}"),
    }
}

fn request(rng: &mut Rng, q: &str) -> ItemSearch {
    let mut p = Params::default();
    p.set("q", q);
    p.set("num", &(1 + rng.below(100)).to_string());
    p.set("start", &(1 + rng.below(400)).to_string());
    match rng.below(3) {
        0 => p.set("sortField", "created"),
        1 => p.set("sortField", "title"),
        _ => {}
    }
    if rng.below(2) == 0 {
        p.set("sortOrder", "desc");
    }
    if rng.below(4) == 0 {
        p.set("countFields", "type");
    }
    match ItemSearch::from_params(&p) {
        Ok(req) => req,
        Err(e) => panic!("{q}: {e:?}"),
    }
}

/// Runs `rounds` random searches, indexed and by the full walk, and compares them.
fn same_answers(st: &Store, rng: &mut Rng, rounds: usize) {
    let created = st.items.values().map(|i| i.created);
    let (lo, hi) = (
        created.clone().min().unwrap_or(0),
        created.max().unwrap_or(0),
    );
    let callers = callers(st);
    let mut answered = 0;
    for _ in 0..rounds {
        let inner = *rng.pick(&QUERIES);
        let q = format!("{} AND ({inner})", range(rng, lo, hi));
        let req = request(rng, &q);
        assert!(created_window(&req.query).is_some(), "{q}");
        let caller = rng.pick(&callers);
        let indexed = serde_json::to_string(&run(st, caller, &req, None)).ok();
        let walked =
            serde_json::to_string(&run_over(st, caller, &req, None, st.items.values())).ok();
        assert_eq!(indexed, walked, "{q} as {caller:?}");
        answered += usize::from(!run(st, caller, &req, None).results.is_empty());
    }
    // The comparison is not vacuous: many searches return a page of results.
    assert!(answered > rounds / 4, "{answered} of {rounds}");
}

#[test]
fn indexed_search_answers_as_the_full_walk() {
    let mut st = portal();
    let mut rng = Rng::new(11);
    same_answers(&st, &mut rng, 150);

    let ids: Vec<String> = st.items.keys().cloned().collect();
    for id in ids.iter().step_by(7) {
        st.items.remove(id);
    }
    let created: Vec<i64> = st.items.values().map(|i| i.created).collect();
    for n in 0..300 {
        let id = format!("{n:032x}");
        let mut it = Item::new(&id, "admin", "park added", "Web Map", *rng.pick(&created));
        it.sharing.everyone = n % 2 == 0;
        st.items.insert(id, it);
    }
    for (n, id) in ids.iter().skip(3).step_by(11).enumerate() {
        if let Some(it) = st.items.get_mut(id) {
            it.created = created[n * 13 % created.len()];
        }
    }
    same_answers(&st, &mut rng, 150);
}
