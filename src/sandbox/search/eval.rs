//! Matching one item against a parsed query, the way the real search index does: keyword fields
//! (`id`, `owner`, `access`, `orgid`, `group`, `contentstatus`) compare whole values, text fields
//! compare word tokens (phrases as consecutive tokens), `type:` is loose (each word a token
//! prefix, so `type:"Web Map"` also hits "Web Mapping Application"), and `contentstatus:` also
//! hits items that merely mention "authoritative" in their text, as the real fuzzy index does.
//! The `filter` parameter uses the exact mode: whole-value matches on title, tags, typeKeywords,
//! type and owner.

use std::cell::Cell;

use super::parse::{Field, Node, Term, TextValue, Value};
use super::text::{Prefix, ieq, istarts, phrase_in, word_in};
use crate::sandbox::model::Item;

/// What a term is evaluated against besides the item itself.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The org id (`orgid:` / `accountid:`).
    pub org_id: &'a str,
    /// Exact-match mode (the `filter` parameter) instead of the index's token matching.
    pub exact: bool,
}

/// True when `item` matches `node`.
pub fn item_matches(node: &Node, item: &Item, scope: Scope<'_>) -> bool {
    let loose = Cell::new(None);
    node.matches(&|t: &Term| term_matches(t, item, scope, &loose))
}

/// `loose` remembers [`mentions_authoritative`] for the item, which the utility's query
/// (`contentstatus:org_authoritative OR contentstatus:public_authoritative`) needs twice.
fn term_matches(t: &Term, item: &Item, scope: Scope<'_>, loose: &Cell<Option<bool>>) -> bool {
    match &t.value {
        Value::Any => present(&t.field, item),
        Value::Range { .. } => match t.field {
            Field::Created => t.value.in_range(item.created),
            Field::Modified => t.value.in_range(item.modified),
            _ => false,
        },
        Value::Text(v) if scope.exact => exact_term(&t.field, v, item, scope),
        Value::Text(v) if t.field == Field::ContentStatus => {
            item.content_status
                .as_deref()
                .is_some_and(|c| keyword(c, v))
                || loose.get().unwrap_or_else(|| {
                    let hit = mentions_authoritative(item);
                    loose.set(Some(hit));
                    hit
                })
        }
        Value::Text(v) => index_term(&t.field, v, item, scope),
    }
}

/// A term as the search index matches it (the `q` parameter).
fn index_term(field: &Field, v: &TextValue, item: &Item, scope: Scope<'_>) -> bool {
    match field {
        Field::Text => free_text(item, v),
        Field::Title => words(&item.title, v),
        Field::Type => phrase_in(&item.item_type, &v.words, Prefix::All),
        Field::TypeKeywords => item.type_keywords.iter().any(|k| words(k, v)),
        Field::Tags => item.tags.iter().any(|k| words(k, v)),
        Field::Snippet => words(item.extra_str("snippet"), v),
        Field::Description => words(item.extra_str("description"), v),
        Field::Name => item.name().is_some_and(|n| words(n, v)),
        _ => keyword_term(field, v, item, scope),
    }
}

/// A term of the `filter` parameter: whole values, case-insensitive.
fn exact_term(field: &Field, v: &TextValue, item: &Item, scope: Scope<'_>) -> bool {
    match field {
        Field::Text => {
            keyword(&item.title, v)
                || keyword(&item.item_type, v)
                || keyword(&item.owner, v)
                || item.tags.iter().any(|k| keyword(k, v))
                || item.type_keywords.iter().any(|k| keyword(k, v))
        }
        Field::Title => keyword(&item.title, v),
        Field::Type => keyword(&item.item_type, v),
        Field::TypeKeywords => item.type_keywords.iter().any(|k| keyword(k, v)),
        Field::Tags => item.tags.iter().any(|k| keyword(k, v)),
        Field::Snippet => keyword(item.extra_str("snippet"), v),
        Field::Description => keyword(item.extra_str("description"), v),
        Field::Name => item.name().is_some_and(|n| keyword(n, v)),
        Field::ContentStatus => item
            .content_status
            .as_deref()
            .is_some_and(|c| keyword(c, v)),
        _ => keyword_term(field, v, item, scope),
    }
}

/// The fields that are keywords in both modes.
fn keyword_term(field: &Field, v: &TextValue, item: &Item, scope: Scope<'_>) -> bool {
    match field {
        Field::Id => keyword(&item.id, v),
        Field::Owner => keyword(&item.owner, v),
        Field::Access => keyword(item.sharing.access(), v),
        Field::OrgId => keyword(scope.org_id, v),
        Field::Group => item.sharing.groups.iter().any(|g| keyword(g, v)),
        _ => false,
    }
}

/// `field:*`: the item has a value in that field.
fn present(field: &Field, item: &Item) -> bool {
    match field {
        Field::Text
        | Field::Id
        | Field::Owner
        | Field::Title
        | Field::Type
        | Field::Access
        | Field::OrgId
        | Field::Created
        | Field::Modified => true,
        Field::TypeKeywords => !item.type_keywords.is_empty(),
        Field::Tags => !item.tags.is_empty(),
        Field::Snippet => !item.extra_str("snippet").is_empty(),
        Field::Description => !item.extra_str("description").is_empty(),
        Field::Name => item.name().is_some(),
        Field::ContentStatus => item.content_status.is_some(),
        Field::Group => !item.sharing.groups.is_empty(),
        Field::Username | Field::FullName | Field::Role | Field::Unknown(_) => false,
    }
}

/// Whole-value comparison; a trailing `*` makes it a prefix.
pub fn keyword(value: &str, v: &TextValue) -> bool {
    if v.prefix {
        istarts(value, &v.raw)
    } else {
        ieq(value, &v.raw)
    }
}

/// Token comparison: the value's words appear consecutively in `text`.
pub fn words(text: &str, v: &TextValue) -> bool {
    phrase_in(
        text,
        &v.words,
        if v.prefix { Prefix::Last } else { Prefix::None },
    )
}

/// Free text: title, tags, snippet, description, typeKeywords, type, owner and name.
fn free_text(item: &Item, v: &TextValue) -> bool {
    words(&item.title, v)
        || item.tags.iter().any(|t| words(t, v))
        || words(item.extra_str("snippet"), v)
        || words(&item.item_type, v)
        || words(&item.owner, v)
        || item.type_keywords.iter().any(|t| words(t, v))
        || item.name().is_some_and(|n| words(n, v))
        || words(item.extra_str("description"), v)
}

/// The real index's loose `contentstatus:` hits: a word starting with "authoritative" in the
/// title, snippet, description or tags.
fn mentions_authoritative(item: &Item) -> bool {
    let has = |text: &str| word_in(text, "authoritative", true);
    has(&item.title)
        || has(item.extra_str("snippet"))
        || item.tags.iter().any(|t| has(t))
        || has(item.extra_str("description"))
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    fn hit(q: &str, item: &Item) -> bool {
        let scope = Scope {
            org_id: "ORG1",
            exact: false,
        };
        item_matches(&parse(q).unwrap(), item, scope)
    }

    fn filt(q: &str, item: &Item) -> bool {
        let scope = Scope {
            org_id: "ORG1",
            exact: true,
        };
        item_matches(&parse(q).unwrap(), item, scope)
    }

    fn app() -> Item {
        let mut i = Item::new(
            "ab12",
            "editor",
            "Fire Hydrants viewer",
            "Web Mapping Application",
            100,
        );
        i.tags = vec!["Water Mains".into(), "fire".into()];
        i.type_keywords = vec!["JavaScript".into(), "Map".into()];
        i.extra
            .insert("snippet".into(), "A non-authoritative sketch".into());
        i.sharing.groups.insert("g1".into());
        i
    }

    #[test]
    fn type_matching_is_loose_by_token_prefix() {
        let i = app();
        assert!(hit(r#"type:"Web Map""#, &i));
        assert!(hit("type:map", &i));
        assert!(hit("type:application", &i));
        assert!(!hit(r#"type:"Map Web""#, &i));
        assert!(!hit(
            r#"(type:"web map" NOT type:"web mapping application")"#,
            &i
        ));
        assert!(!filt(r#"type:"Web Map""#, &i));
        assert!(filt(r#"type:"web mapping application""#, &i));
    }

    #[test]
    fn keyword_text_and_list_fields() {
        let i = app();
        assert!(hit(
            "owner:EDITOR id:AB12 orgid:org1 accountid:ORG1 access:shared group:g1",
            &i
        ));
        assert!(!hit("owner:edit", &i) && hit("owner:edit*", &i));
        assert!(hit(
            "title:hydrants title:Fire* title:\"fire hydrants\"",
            &i
        ));
        assert!(!hit("title:\"hydrants fire\"", &i));
        assert!(hit(
            "tags:mains tags:\"water mains\" typekeywords:javascript",
            &i
        ));
        assert!(filt("tags:\"water mains\"", &i) && !filt("tags:water", &i));
        assert!(hit("snippet:sketch NOT description:sketch", &i));
        assert!(hit("created:[100 TO 100] modified:{* TO 101}", &i));
        assert!(!hit("created:{100 TO *]", &i));
        assert!(!hit("nosuchfield:x", &i));
    }

    #[test]
    fn free_text_covers_the_text_fields() {
        let i = app();
        for q in [
            "hydrants",
            "MAINS",
            "javascript",
            "editor",
            "mapping",
            "\"non authoritative\"",
            "Hyd*",
        ] {
            assert!(hit(q, &i), "{q}");
        }
        assert!(!hit("hydrant", &i));
        assert!(!hit("ab12", &i));
    }

    #[test]
    fn contentstatus_has_loose_hits() {
        let mut i = app();
        assert!(hit("contentstatus:org_authoritative", &i));
        assert!(!filt("contentstatus:org_authoritative", &i));
        i.extra.remove("snippet");
        assert!(!hit("contentstatus:org_authoritative", &i));
        i.content_status = Some("org_authoritative".into());
        assert!(hit("contentstatus:org_authoritative", &i));
        assert!(!hit("contentstatus:deprecated", &i));
    }
}
