//! The SQL-92 subset hosted feature layers accept in `where`, `definitionExpression`,
//! `viewDefinitionQuery` and replica `layerQueries`: comparisons (`=`, `<>`, `!=`, `<`, `<=`,
//! `>`, `>=`), `[NOT] IN (…)`, `[NOT] LIKE '…' [ESCAPE '…']`, `IS [NOT] NULL`,
//! `[NOT] BETWEEN … AND …`, `AND`/`OR`/`NOT`, parentheses, `UPPER()`/`LOWER()`, string, number,
//! `DATE '…'` and `TIMESTAMP '…'` literals and `CURRENT_DATE`/`CURRENT_TIMESTAMP`.
//!
//! Evaluation uses SQL's three-valued logic (a comparison with NULL is unknown, and only rows
//! that are definitely true match). String comparisons and `LIKE` are case-insensitive, as on
//! ArcGIS Online's hosted feature layers (their database collation ignores case). Parsing knows
//! nothing of a layer; [`Filter::resolve`] checks the field names against one afterwards.

use std::cmp::Ordering;

use serde_json::{Map, Value};

mod parse;

use parse::{Cmp, Expr, Operand};

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// SQL NULL (also a missing attribute).
    Null,
    /// Any number (dates are epoch ms).
    Num(f64),
    /// Text.
    Str(String),
}

impl Val {
    /// The value of a JSON attribute.
    pub fn of(v: Option<&Value>) -> Val {
        match v {
            Some(Value::Number(n)) => n.as_f64().map_or(Val::Null, Val::Num),
            Some(Value::String(s)) => Val::Str(s.clone()),
            Some(Value::Bool(b)) => Val::Num(if *b { 1.0 } else { 0.0 }),
            _ => Val::Null,
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Val::Null => None,
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            Val::Num(n) => Some(n.to_string()),
        }
    }
}

/// Compares two values as the database would: NULL compares as unknown (`None`), numbers
/// numerically, text case-insensitively, text against a number numerically when it parses.
pub fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => None,
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
        (Val::Str(x), Val::Str(y)) => Some(x.to_lowercase().cmp(&y.to_lowercase())),
        (Val::Num(x), Val::Str(s)) => s.trim().parse::<f64>().ok().and_then(|y| x.partial_cmp(&y)),
        (Val::Str(s), Val::Num(y)) => s.trim().parse::<f64>().ok().and_then(|x| x.partial_cmp(y)),
    }
}

/// A parsed `where` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    expr: Expr,
}

impl Filter {
    /// Parses a clause; an empty one matches everything.
    pub fn parse(s: &str) -> Result<Filter, String> {
        parse::parse(s).map(|expr| Filter { expr })
    }

    /// Replaces every field name by `lookup(name)` (the canonical spelling), failing on the
    /// first name `lookup` does not know.
    pub fn resolve(mut self, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Filter, String> {
        fn operand(o: &mut Operand, lookup: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
            match o {
                Operand::Field(name) => {
                    *name = lookup(name).ok_or_else(|| format!("Invalid field: {name}"))?;
                    Ok(())
                }
                Operand::Upper(x) | Operand::Lower(x) => operand(x, lookup),
                Operand::Lit(_) => Ok(()),
            }
        }
        fn walk(e: &mut Expr, lookup: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
            match e {
                Expr::And(a, b) | Expr::Or(a, b) => {
                    walk(a, lookup)?;
                    walk(b, lookup)
                }
                Expr::Not(a) => walk(a, lookup),
                Expr::Cmp(a, _, b) | Expr::Like(a, b, _, _) => {
                    operand(a, lookup)?;
                    operand(b, lookup)
                }
                Expr::In(a, list, _) => {
                    operand(a, lookup)?;
                    list.iter_mut().try_for_each(|o| operand(o, lookup))
                }
                Expr::IsNull(a, _) => operand(a, lookup),
                Expr::Between(a, b, c, _) => {
                    operand(a, lookup)?;
                    operand(b, lookup)?;
                    operand(c, lookup)
                }
                Expr::Const(_) => Ok(()),
            }
        }
        walk(&mut self.expr, lookup)?;
        Ok(self)
    }

    /// Whether the row with these attributes matches (unknown counts as no).
    pub fn matches(&self, attrs: &Map<String, Value>) -> bool {
        eval(&self.expr, attrs) == Some(true)
    }
}

fn value(o: &Operand, attrs: &Map<String, Value>) -> Val {
    match o {
        Operand::Field(name) => Val::of(attrs.get(name)),
        Operand::Lit(v) => v.clone(),
        Operand::Upper(x) => value(x, attrs)
            .text()
            .map_or(Val::Null, |s| Val::Str(s.to_uppercase())),
        Operand::Lower(x) => value(x, attrs)
            .text()
            .map_or(Val::Null, |s| Val::Str(s.to_lowercase())),
    }
}

fn negate(v: Option<bool>, neg: bool) -> Option<bool> {
    v.map(|b| b != neg)
}

fn eval(e: &Expr, attrs: &Map<String, Value>) -> Option<bool> {
    match e {
        Expr::Const(b) => Some(*b),
        Expr::Not(a) => eval(a, attrs).map(|b| !b),
        Expr::And(a, b) => match (eval(a, attrs), eval(b, attrs)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Expr::Or(a, b) => match (eval(a, attrs), eval(b, attrs)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Expr::Cmp(a, op, b) => compare(&value(a, attrs), &value(b, attrs)).map(|o| match op {
            Cmp::Eq => o == Ordering::Equal,
            Cmp::Ne => o != Ordering::Equal,
            Cmp::Lt => o == Ordering::Less,
            Cmp::Le => o != Ordering::Greater,
            Cmp::Gt => o == Ordering::Greater,
            Cmp::Ge => o != Ordering::Less,
        }),
        Expr::IsNull(a, neg) => Some((value(a, attrs) == Val::Null) != *neg),
        Expr::In(a, list, neg) => {
            let v = value(a, attrs);
            let mut unknown = false;
            for item in list {
                match compare(&v, &value(item, attrs)) {
                    Some(Ordering::Equal) => return Some(!neg),
                    None => unknown = true,
                    Some(_) => {}
                }
            }
            if unknown { None } else { Some(*neg) }
        }
        Expr::Like(a, pattern, escape, neg) => {
            let (Some(text), Some(pat)) = (value(a, attrs).text(), value(pattern, attrs).text())
            else {
                return None;
            };
            negate(
                Some(like(&text.to_lowercase(), &pat.to_lowercase(), *escape)),
                *neg,
            )
        }
        Expr::Between(a, lo, hi, neg) => {
            let v = value(a, attrs);
            let above = compare(&v, &value(lo, attrs)).map(|o| o != Ordering::Less);
            let below = compare(&v, &value(hi, attrs)).map(|o| o != Ordering::Greater);
            let inside = match (above, below) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            negate(inside, *neg)
        }
    }
}

/// SQL `LIKE`: `%` any run, `_` one character, `escape` makes the next character literal.
fn like(text: &str, pattern: &str, escape: Option<char>) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum P {
        Any,
        One,
        Lit(char),
    }
    let mut pat = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        pat.push(match c {
            c if Some(c) == escape => P::Lit(it.next().unwrap_or(c)),
            '%' => P::Any,
            '_' => P::One,
            c => P::Lit(c),
        });
    }
    let text: Vec<char> = text.chars().collect();
    // matched[j]: the first i text chars match the first j pattern tokens.
    let mut matched = vec![false; pat.len() + 1];
    matched[0] = true;
    for j in 0..pat.len() {
        if pat[j] == P::Any {
            matched[j + 1] = matched[j];
        }
    }
    for &c in &text {
        let mut next = vec![false; pat.len() + 1];
        for j in 0..pat.len() {
            next[j + 1] = match pat[j] {
                P::Any => next[j] || matched[j + 1],
                P::One => matched[j],
                P::Lit(l) => matched[j] && l == c,
            };
        }
        matched = next;
    }
    matched[pat.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row() -> Map<String, Value> {
        json!({"OBJECTID": 7, "NAME": "Main Street Hydrant", "STATUS": "active", "FLOW": 12.5, "NOTE": null, "INSTALLED": 951_868_800_000_i64})
            .as_object()
            .cloned()
            .unwrap()
    }

    fn m(w: &str) -> bool {
        Filter::parse(w)
            .unwrap_or_else(|e| panic!("{w}: {e}"))
            .matches(&row())
    }

    #[test]
    fn comparisons_and_literals() {
        assert!(m("1=1"));
        assert!(!m("1=0"));
        assert!(m(""));
        assert!(m("OBJECTID = 7"));
        assert!(m("STATUS = 'ACTIVE'"));
        assert!(m("FLOW > 12 AND FLOW <= 12.5"));
        assert!(m("OBJECTID <> 8 and OBJECTID != 9"));
        assert!(m("OBJECTID >= -3"));
        assert!(m("\"NAME\" = 'Main Street Hydrant'"));
        assert!(m("INSTALLED = DATE '2000-03-01'"));
        assert!(m("INSTALLED < TIMESTAMP '2000-03-01 00:00:01'"));
        assert!(m("INSTALLED < CURRENT_TIMESTAMP"));
        assert!(m("OBJECTID = '7'"));
    }

    #[test]
    fn in_like_null_between_and_logic() {
        assert!(m("OBJECTID IN (1, 7, 9)"));
        assert!(m("STATUS NOT IN ('retired')"));
        assert!(m("NAME LIKE '%street%'"));
        assert!(m("NAME LIKE 'Main_Street%'"));
        assert!(!m("NAME NOT LIKE '%Hydrant'"));
        assert!(m("UPPER(NAME) LIKE 'MAIN%'"));
        assert!(m("NOTE IS NULL AND NAME IS NOT NULL"));
        assert!(m("FLOW BETWEEN 10 AND 20"));
        assert!(m(
            "(STATUS = 'retired' OR FLOW > 10) AND NOT (OBJECTID = 8)"
        ));
        assert!(m("STATUS = 'retired' OR (OBJECTID = 7 AND (FLOW < 100))"));
        assert!(m("'50%' LIKE '50!%' ESCAPE '!'"));
        // Unknown (NULL) is neither true nor false.
        assert!(!m("NOTE = 'x'"));
        assert!(!m("NOT (NOTE = 'x')"));
        assert!(m("NOTE = 'x' OR 1=1"));
        assert!(!m("MISSING > 3"));
    }

    #[test]
    fn errors_and_resolution() {
        for bad in [
            "OBJECTID =",
            "(1=1",
            "NAME LIKE",
            "x IS 3",
            "1 = 1 1",
            "a ~ b",
            "'open",
        ] {
            assert!(Filter::parse(bad).is_err(), "{bad}");
        }
        let known = |n: &str| {
            ["OBJECTID", "NAME"]
                .iter()
                .find(|k| k.eq_ignore_ascii_case(n))
                .map(|s| s.to_string())
        };
        let f = Filter::parse("objectid = 7 AND name LIKE 'main%'")
            .unwrap()
            .resolve(&known)
            .unwrap();
        assert!(f.matches(&row()));
        let err = Filter::parse("nope = 1")
            .unwrap()
            .resolve(&known)
            .unwrap_err();
        assert_eq!(err, "Invalid field: nope");
    }
}
