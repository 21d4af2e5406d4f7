//! `graph.gml`: the dependency graph of a package, in the exact text networkx's `write_gml`
//! produces for Esri's `ItemGraph` (two-space indentation, one key per line, non-ASCII and
//! `&`/`"` as `&#N;`), and a small tolerant reader for the subset of GML such files use
//! (`graph [ node [ id N label "…" … ] edge [ source N target M ] ]`, comments, any extra
//! keys). Pure text in, text out; no I/O.

use std::collections::HashMap;
use std::fmt::Write as _;

/// The deepest `[` nesting accepted (Esri's files nest two levels).
const MAX_DEPTH: usize = 16;

/// One node to write: its label (the item id) and whether the item folder is in the package
/// (networkx writes `node "node_<id>_item"` then, `node "node_<id>"` otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GmlNode {
    /// The node label: an item id (or a service URL).
    pub label: String,
    /// True when the item object was available (`node_<id>_item`).
    pub has_item: bool,
}

/// A parsed graph: nodes in file order and edges as `(source label, target label)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedGraph {
    /// Every node.
    pub nodes: Vec<GmlNode>,
    /// Every edge, "source needs target".
    pub edges: Vec<(String, String)>,
}

/// The `graph.gml` text for `nodes` and `edges` (indices into `nodes`), as networkx writes it.
/// Edges are written grouped by source in node order, as a networkx `DiGraph` iterates them.
pub fn write_gml(nodes: &[GmlNode], edges: &[(usize, usize)]) -> String {
    let mut out = String::from("graph [\n  directed 1\n");
    for (index, node) in nodes.iter().enumerate() {
        let marker = if node.has_item {
            format!("node_{}_item", node.label)
        } else {
            format!("node_{}", node.label)
        };
        let _ = write!(
            out,
            "  node [\n    id {index}\n    label \"{}\"\n    node \"{}\"\n  ]\n",
            escape(&node.label),
            escape(&marker)
        );
    }
    let mut sorted: Vec<(usize, usize)> = edges.to_vec();
    sorted.sort_by_key(|&(source, _)| source);
    for (source, target) in sorted {
        let _ = write!(
            out,
            "  edge [\n    source {source}\n    target {target}\n  ]\n"
        );
    }
    out.push_str("]\n");
    out
}

/// networkx's `escape`: characters outside printable ASCII, `&` and `"` become `&#N;`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (' '..='~').contains(&c) && c != '&' && c != '"' {
            out.push(c);
        } else {
            let _ = write!(out, "&#{};", u32::from(c));
        }
    }
    out
}

/// Undoes [`escape`] and the few named entities `html.unescape` readers also accept.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "apos" => Some('\''),
                _ => entity.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A GML value.
#[derive(Debug)]
enum Value {
    /// A quoted string, unescaped.
    Text(String),
    /// A bare number or word.
    Atom(String),
    /// A `[ key value ... ]` list.
    List(Vec<(String, Value)>),
}

/// Splits GML text into tokens: `[`, `]`, quoted strings (kept with their quotes) and words.
fn tokens(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.starts_with('#') {
            rest = rest.find('\n').map_or("", |end| &rest[end..]);
            continue;
        }
        let Some(first) = rest.chars().next() else {
            return Ok(out);
        };
        let len = match first {
            '[' | ']' => 1,
            '"' => match rest[1..].find('"') {
                Some(end) => end + 2,
                None => return Err("a quoted string is not closed".into()),
            },
            _ => rest
                .find(|c: char| c.is_whitespace() || c == '[' || c == ']' || c == '"')
                .unwrap_or(rest.len()),
        };
        out.push(&rest[..len]);
        rest = &rest[len..];
    }
}

/// Parses `key value` pairs until `]` (when `depth > 0`) or the end.
fn parse_list<'a>(
    tokens: &mut impl Iterator<Item = &'a str>,
    depth: usize,
) -> Result<Vec<(String, Value)>, String> {
    if depth > MAX_DEPTH {
        return Err(format!("lists nest deeper than {MAX_DEPTH} levels"));
    }
    let mut pairs = Vec::new();
    loop {
        let key = match tokens.next() {
            None if depth == 0 => return Ok(pairs),
            None => return Err("a '[' is not closed".into()),
            Some("]") if depth > 0 => return Ok(pairs),
            Some(key) if key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') => key,
            Some(other) => return Err(format!("expected a key, found {other:?}")),
        };
        let value = match tokens.next() {
            Some("[") => Value::List(parse_list(tokens, depth + 1)?),
            Some(t) if t.starts_with('"') => Value::Text(unescape(&t[1..t.len() - 1])),
            Some("]") | None => return Err(format!("key {key:?} has no value")),
            Some(atom) => Value::Atom(atom.to_string()),
        };
        pairs.push((key.to_string(), value));
    }
}

/// The text of a scalar value.
fn scalar(value: &Value) -> Option<&str> {
    match value {
        Value::Text(t) | Value::Atom(t) => Some(t),
        Value::List(_) => None,
    }
}

/// Reads a `graph.gml`. Node labels default to the node id, like networkx's reader does when
/// a node has no label; an edge naming an unknown node id is an error.
pub fn parse_gml(text: &str) -> Result<ParsedGraph, String> {
    let tokens = tokens(text)?;
    let top = parse_list(&mut tokens.into_iter(), 0)?;
    let graph = top
        .into_iter()
        .find_map(|(key, value)| match (key.as_str(), value) {
            ("graph", Value::List(list)) => Some(list),
            _ => None,
        })
        .ok_or("there is no `graph [ ... ]` list")?;
    let mut parsed = ParsedGraph::default();
    let mut labels: HashMap<String, String> = HashMap::new();
    let mut raw_edges = Vec::new();
    for (key, value) in graph {
        let Value::List(fields) = value else { continue };
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| scalar(v))
        };
        match key.as_str() {
            "node" => {
                let id = field("id").ok_or("a node has no id")?.to_string();
                let label = field("label").map_or_else(|| id.clone(), str::to_string);
                let has_item = field("node").is_some_and(|n| n.ends_with("_item"));
                labels.insert(id, label.clone());
                parsed.nodes.push(GmlNode { label, has_item });
            }
            "edge" => {
                let source = field("source").ok_or("an edge has no source")?;
                let target = field("target").ok_or("an edge has no target")?;
                raw_edges.push((source.to_string(), target.to_string()));
            }
            _ => {}
        }
    }
    for (source, target) in raw_edges {
        let lookup = |id: &str| {
            labels
                .get(id)
                .cloned()
                .ok_or_else(|| format!("an edge names node id {id}, which is not defined"))
        };
        parsed.edges.push((lookup(&source)?, lookup(&target)?));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What networkx 3.6.1 `write_gml` wrote for this graph with Esri's stringizer.
    const NETWORKX: &str = "graph [\n  directed 1\n  node [\n    id 0\n    label \"95c25c24109a4ccebf6d4cab92fe2d67\"\n    node \"node_95c25c24109a4ccebf6d4cab92fe2d67_item\"\n  ]\n  node [\n    id 1\n    label \"4552478e7d06492f9fea617704fd1323\"\n    node \"node_4552478e7d06492f9fea617704fd1323_item\"\n  ]\n  node [\n    id 2\n    label \"aaaa478e7d06492f9fea617704fd1323\"\n    node \"node_aaaa478e7d06492f9fea617704fd1323\"\n  ]\n  node [\n    id 3\n    label \"https://x.com/a?b=&#34;&#233;&#34;&#38;c\"\n    node \"node_https://x.com/a?b=&#34;&#233;&#34;&#38;c\"\n  ]\n  edge [\n    source 0\n    target 1\n  ]\n  edge [\n    source 0\n    target 2\n  ]\n  edge [\n    source 1\n    target 2\n  ]\n]\n";

    fn nodes() -> Vec<GmlNode> {
        let node = |label: &str, has_item| GmlNode {
            label: label.into(),
            has_item,
        };
        vec![
            node("95c25c24109a4ccebf6d4cab92fe2d67", true),
            node("4552478e7d06492f9fea617704fd1323", true),
            node("aaaa478e7d06492f9fea617704fd1323", false),
            node("https://x.com/a?b=\"é\"&c", false),
        ]
    }

    #[test]
    fn writes_exactly_what_networkx_writes() {
        let text = write_gml(&nodes(), &[(1, 2), (0, 1), (0, 2)]);
        assert_eq!(text, NETWORKX);
    }

    #[test]
    fn reads_networkx_output_back() {
        let graph = parse_gml(NETWORKX).unwrap();
        assert_eq!(graph.nodes, nodes());
        let edge = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            graph.edges,
            [
                edge(&nodes()[0].label, &nodes()[1].label),
                edge(&nodes()[0].label, &nodes()[2].label),
                edge(&nodes()[1].label, &nodes()[2].label),
            ]
        );
    }

    #[test]
    fn tolerates_one_line_files_comments_and_extra_keys() {
        let text = "# made by hand\ngraph [ directed 1 name \"x\" node [ id 7 label \"a\" ] \
                    node [ id 9 ] edge [ source 7 target 9 weight 1.5 ] ]";
        let graph = parse_gml(text).unwrap();
        assert_eq!(graph.nodes.len(), 2);
        assert_eq!(graph.nodes[1].label, "9");
        assert_eq!(graph.edges, [("a".to_string(), "9".to_string())]);
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        let deep = format!("graph {}", "[ a ".repeat(100));
        for bad in [
            "",
            "graph",
            "graph [",
            "graph [ node [ id 1 ",
            "graph [ \"x\" ]",
            "graph [ node [ label \"a\" ] ]",
            "graph [ edge [ source 1 target 2 ] ]",
            "graph [ node [ id 1 label \"open ] ]",
            deep.as_str(),
        ] {
            assert!(parse_gml(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            unescape("&#99999999;&bogus;&#x41;&"),
            "&#99999999;&bogus;A&"
        );
    }
}
