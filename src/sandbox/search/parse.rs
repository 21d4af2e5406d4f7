//! The search query language's syntax tree and its parser. Precedence, loosest first: `OR`, then
//! `AND` (also implied between adjacent terms, so the ` accountid:<org>` Esri's client appends
//! restricts the query), then the unary `NOT`, `-` and `+`; parentheses group, and `field:(..)`
//! applies a field to a whole group. Values are parsed once here (lower-cased, tokenized, dates
//! as epoch ms) so that matching an item needs no allocation.

use super::lex::{Tok, lex};
use super::text::tokens;

/// The field a term is restricted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// No field: free text over the searchable text fields.
    Text,
    /// `id:`
    Id,
    /// `owner:`
    Owner,
    /// `title:`
    Title,
    /// `type:` (loose, by token prefix)
    Type,
    /// `typekeywords:`
    TypeKeywords,
    /// `tags:`
    Tags,
    /// `snippet:`
    Snippet,
    /// `description:`
    Description,
    /// `name:` (the file name of file items)
    Name,
    /// `access:` (public, org, shared, private)
    Access,
    /// `contentstatus:`
    ContentStatus,
    /// `orgid:` or `accountid:`
    OrgId,
    /// `group:` (a group id the item is shared with)
    Group,
    /// `created:` or `uploaded:` (epoch ms)
    Created,
    /// `modified:` (epoch ms)
    Modified,
    /// `username:` (user search)
    Username,
    /// `fullname:` (user search)
    FullName,
    /// `role:` (user search)
    Role,
    /// A field the index does not have: it matches nothing.
    Unknown(String),
}

impl Field {
    /// The field of a (lower-cased) `name:` prefix.
    pub fn from_name(name: &str) -> Field {
        match name {
            "id" => Field::Id,
            "owner" => Field::Owner,
            "title" => Field::Title,
            "type" => Field::Type,
            "typekeywords" => Field::TypeKeywords,
            "tags" | "tag" => Field::Tags,
            "snippet" => Field::Snippet,
            "description" => Field::Description,
            "name" => Field::Name,
            "access" => Field::Access,
            "contentstatus" => Field::ContentStatus,
            "orgid" | "accountid" => Field::OrgId,
            "group" => Field::Group,
            "created" | "uploaded" => Field::Created,
            "modified" => Field::Modified,
            "username" => Field::Username,
            "fullname" => Field::FullName,
            "role" => Field::Role,
            other => Field::Unknown(other.to_string()),
        }
    }

    /// True for the epoch-ms fields that take ranges.
    pub fn is_date(&self) -> bool {
        matches!(self, Field::Created | Field::Modified)
    }
}

/// A word or phrase value, prepared for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextValue {
    /// The whole value, lower-cased and trimmed, without a trailing `*` (keyword fields).
    pub raw: String,
    /// The value's lower-cased word tokens (text fields).
    pub words: Vec<String>,
    /// A trailing `*`: the value (or its last word) matches as a prefix.
    pub prefix: bool,
}

impl TextValue {
    /// Prepares a word (`quoted == false`, a trailing `*` is a wildcard) or a phrase.
    pub fn new(value: &str, quoted: bool) -> TextValue {
        let (body, prefix) = match value.strip_suffix('*') {
            Some(b) if !quoted && !b.is_empty() => (b, true),
            _ => (value, false),
        };
        let raw = body.trim().to_lowercase();
        let words = tokens(&raw).map(str::to_string).collect();
        TextValue { raw, words, prefix }
    }
}

/// What a term requires of its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `field:*`: any value.
    Any,
    /// A word or phrase.
    Text(TextValue),
    /// An epoch-ms range; `None` is an open end.
    Range {
        /// Low end.
        lo: Option<i64>,
        /// High end.
        hi: Option<i64>,
        /// Low end included (`[`).
        lo_incl: bool,
        /// High end included (`]`).
        hi_incl: bool,
    },
}

impl Value {
    /// True when `v` lies in this range (only meaningful for `Range`; `Any` accepts all).
    pub fn in_range(&self, v: i64) -> bool {
        match self {
            Value::Any => true,
            Value::Text(_) => false,
            Value::Range {
                lo,
                hi,
                lo_incl,
                hi_incl,
            } => {
                let above = lo.is_none_or(|lo| if *lo_incl { v >= lo } else { v > lo });
                let below = hi.is_none_or(|hi| if *hi_incl { v <= hi } else { v < hi });
                above && below
            }
        }
    }

    /// The inclusive bounds of a `Range` (open ends as `i64::MIN` / `i64::MAX`); `None` for
    /// other values. An empty range gives `lo > hi`.
    pub fn inclusive_bounds(&self) -> Option<(i64, i64)> {
        let Value::Range {
            lo,
            hi,
            lo_incl,
            hi_incl,
        } = self
        else {
            return None;
        };
        let lo = match lo {
            None => i64::MIN,
            Some(v) if *lo_incl => *v,
            Some(v) => v.checked_add(1)?,
        };
        let hi = match hi {
            None => i64::MAX,
            Some(v) if *hi_incl => *v,
            Some(v) => v.checked_sub(1)?,
        };
        Some((lo, hi))
    }
}

/// One `field:value` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The field.
    pub field: Field,
    /// The value.
    pub value: Value,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Everything (`*` or an empty query).
    All,
    /// One condition.
    Term(Term),
    /// All of these.
    And(Vec<Node>),
    /// Any of these.
    Or(Vec<Node>),
    /// Not this.
    Not(Box<Node>),
}

impl Node {
    /// Evaluates the tree, asking `leaf` about each term.
    pub fn matches<F: Fn(&Term) -> bool>(&self, leaf: &F) -> bool {
        match self {
            Node::All => true,
            Node::Term(t) => leaf(t),
            Node::And(v) => v.iter().all(|n| n.matches(leaf)),
            Node::Or(v) => v.iter().any(|n| n.matches(leaf)),
            Node::Not(n) => !n.matches(leaf),
        }
    }
}

/// Parses a query; the error says what is malformed.
pub fn parse(q: &str) -> Result<Node, String> {
    let toks = lex(q)?;
    if toks.is_empty() {
        return Ok(Node::All);
    }
    let mut p = Parser { toks, pos: 0 };
    let node = p.or(&Field::Text)?;
    match p.toks.get(p.pos) {
        None => Ok(node),
        Some(Tok::Close) => Err("Unbalanced parentheses: ')' without a matching '('.".into()),
        Some(t) => Err(format!("Unexpected {} in the query.", describe(Some(t)))),
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

fn describe(t: Option<&Tok>) -> String {
    match t {
        None => "end of query".into(),
        Some(Tok::Open) => "'('".into(),
        Some(Tok::Close) => "')'".into(),
        Some(Tok::And) => "'AND'".into(),
        Some(Tok::Or) => "'OR'".into(),
        Some(Tok::Not) => "'NOT'".into(),
        Some(Tok::Plus) => "'+'".into(),
        Some(Tok::Minus) => "'-'".into(),
        Some(Tok::Field(f)) => format!("'{f}:'"),
        Some(Tok::Word(w)) => format!("'{w}'"),
        Some(Tok::Phrase(p)) => format!("'\"{p}\"'"),
        Some(Tok::Range { lo, hi, .. }) => format!("range '{lo} TO {hi}'"),
    }
}

fn flatten(mut parts: Vec<Node>, and: bool) -> Node {
    if parts.len() == 1 {
        return parts.pop().unwrap_or(Node::All);
    }
    if and {
        Node::And(parts)
    } else {
        Node::Or(parts)
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or(&mut self, field: &Field) -> Result<Node, String> {
        let mut parts = vec![self.and(field)?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            self.expect_term("OR")?;
            parts.push(self.and(field)?);
        }
        Ok(flatten(parts, false))
    }

    fn and(&mut self, field: &Field) -> Result<Node, String> {
        let mut parts = vec![self.unary(field)?];
        loop {
            match self.peek() {
                None | Some(Tok::Close | Tok::Or) => break,
                Some(Tok::And) => {
                    self.pos += 1;
                    self.expect_term("AND")?;
                }
                Some(_) => {}
            }
            parts.push(self.unary(field)?);
        }
        Ok(flatten(parts, true))
    }

    /// Fails when the token after operator `op` cannot start a term.
    fn expect_term(&self, op: &str) -> Result<(), String> {
        match self.peek() {
            None | Some(Tok::Close | Tok::And | Tok::Or) => Err(format!(
                "Missing term after '{op}': found {}.",
                describe(self.peek())
            )),
            Some(_) => Ok(()),
        }
    }

    fn unary(&mut self, field: &Field) -> Result<Node, String> {
        let op = match self.peek() {
            Some(Tok::Not) => "NOT",
            Some(Tok::Minus) => "-",
            Some(Tok::Plus) => "+",
            _ => return self.primary(field),
        };
        self.pos += 1;
        self.expect_term(op)?;
        let inner = self.unary(field)?;
        Ok(if op == "+" {
            inner
        } else {
            Node::Not(Box::new(inner))
        })
    }

    fn primary(&mut self, field: &Field) -> Result<Node, String> {
        match self.next() {
            Some(Tok::Open) => self.group(field),
            Some(Tok::Field(name)) => {
                let f = Field::from_name(&name);
                match self.next() {
                    Some(Tok::Open) => self.group(&f),
                    Some(t @ (Tok::Word(_) | Tok::Phrase(_) | Tok::Range { .. })) => value(f, t),
                    other => Err(format!(
                        "Missing value after '{name}:': found {}.",
                        describe(other.as_ref())
                    )),
                }
            }
            Some(Tok::Word(w)) if w == "*" && *field == Field::Text => Ok(Node::All),
            Some(t @ (Tok::Word(_) | Tok::Phrase(_) | Tok::Range { .. })) => {
                value(field.clone(), t)
            }
            Some(Tok::Close) => Err("Unbalanced parentheses: ')' where a term is expected.".into()),
            other => Err(format!(
                "Expected a term, found {}.",
                describe(other.as_ref())
            )),
        }
    }

    /// The inside of `( .. )` after the `(`, with `field` as the default field.
    fn group(&mut self, field: &Field) -> Result<Node, String> {
        if self.peek() == Some(&Tok::Close) {
            return Err("Empty parentheses '()' in the query.".into());
        }
        let node = self.or(field)?;
        match self.next() {
            Some(Tok::Close) => Ok(node),
            _ => Err("Unbalanced parentheses: '(' without a matching ')'.".into()),
        }
    }
}

/// Builds the term for a value token in `field`.
fn value(field: Field, tok: Tok) -> Result<Node, String> {
    let value = match tok {
        Tok::Word(w) if w == "*" => Value::Any,
        Tok::Word(w) | Tok::Phrase(w) if field.is_date() => {
            let v = date(&w)?.ok_or_else(|| format!("Invalid date value '{w}'."))?;
            Value::Range {
                lo: Some(v),
                hi: Some(v),
                lo_incl: true,
                hi_incl: true,
            }
        }
        Tok::Word(w) => Value::Text(TextValue::new(&w, false)),
        Tok::Phrase(p) => Value::Text(TextValue::new(&p, true)),
        Tok::Range {
            lo,
            hi,
            lo_incl,
            hi_incl,
        } => {
            if !field.is_date() {
                return Err(format!(
                    "Range '{lo} TO {hi}' needs a date field: created:, uploaded: or modified:."
                ));
            }
            Value::Range {
                lo: date(&lo)?,
                hi: date(&hi)?,
                lo_incl,
                hi_incl,
            }
        }
        other => {
            return Err(format!(
                "Expected a value, found {}.",
                describe(Some(&other))
            ));
        }
    };
    Ok(Node::Term(Term { field, value }))
}

/// An epoch-ms value (zero padding allowed); `*` is an open end (`None`).
fn date(s: &str) -> Result<Option<i64>, String> {
    if s == "*" {
        return Ok(None);
    }
    s.parse::<i64>().map(Some).map_err(|_| {
        format!(
            "Invalid date value '{s}': expected epoch milliseconds (e.g. 0001700000000000) or '*'."
        )
    })
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
