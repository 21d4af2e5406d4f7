//! Tokenizer and recursive-descent parser of the `where` dialect (see the parent module for
//! what it accepts): text in, expression tree out. Knows nothing of layers or rows.

use super::super::dates;
use super::Val;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Num(f64),
    Str(String),
    Sym(&'static str),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(format!("unterminated {c}")),
                    Some(&q) if q == c && chars.get(i + 1) == Some(&c) => {
                        text.push(c);
                        i += 2;
                    }
                    Some(&q) if q == c => {
                        i += 1;
                        break;
                    }
                    Some(&x) => {
                        text.push(x);
                        i += 1;
                    }
                }
            }
            out.push(if c == '\'' {
                Tok::Str(text)
            } else {
                Tok::Quoted(text)
            });
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                i += 1;
                if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                    i += 1;
                }
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text: String = chars[start..i].iter().collect();
            out.push(Tok::Num(
                text.parse().map_err(|_| format!("bad number {text}"))?,
            ));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let sym = [
                "<>", "!=", "<=", ">=", "=", "<", ">", "(", ")", ",", "-", "+",
            ]
            .into_iter()
            .find(|s| two.starts_with(s))
            .ok_or_else(|| format!("unexpected character '{c}'"))?;
            i += sym.len();
            out.push(Tok::Sym(sym));
        }
    }
    Ok(out)
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Something that yields a value: a field, a literal, or a case function of one.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand {
    Field(String),
    Lit(Val),
    Upper(Box<Operand>),
    Lower(Box<Operand>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, Cmp, Operand),
    In(Operand, Vec<Operand>, bool),
    Like(Operand, Operand, Option<char>, bool),
    IsNull(Operand, bool),
    Between(Operand, Operand, Operand, bool),
    Const(bool),
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        let hit = matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect_sym(&mut self, sym: &str) -> Result<(), String> {
        if self.eat_sym(sym) {
            Ok(())
        } else {
            Err(format!("expected '{sym}'"))
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.eat_kw("OR") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.not()?;
        while self.eat_kw("AND") {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.eat_kw("NOT") {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, String> {
        // A parenthesis opens a sub-expression unless it is a value list, which only follows IN.
        if self.eat_sym("(") {
            let e = self.or()?;
            self.expect_sym(")")?;
            return Ok(e);
        }
        if self.eat_kw("TRUE") {
            return Ok(Expr::Const(true));
        }
        if self.eat_kw("FALSE") {
            return Ok(Expr::Const(false));
        }
        let left = self.operand()?;
        self.predicate(left)
    }

    fn predicate(&mut self, left: Operand) -> Result<Expr, String> {
        if self.eat_kw("IS") {
            let neg = self.eat_kw("NOT");
            if !self.eat_kw("NULL") {
                return Err("expected NULL after IS".into());
            }
            return Ok(Expr::IsNull(left, neg));
        }
        let neg = self.eat_kw("NOT");
        if self.eat_kw("IN") {
            self.expect_sym("(")?;
            let mut list = vec![self.operand()?];
            while self.eat_sym(",") {
                list.push(self.operand()?);
            }
            self.expect_sym(")")?;
            return Ok(Expr::In(left, list, neg));
        }
        if self.eat_kw("LIKE") {
            let pattern = self.operand()?;
            let escape = if self.eat_kw("ESCAPE") {
                match self.operand()? {
                    Operand::Lit(Val::Str(s)) if s.chars().count() == 1 => s.chars().next(),
                    _ => return Err("ESCAPE needs a one-character string".into()),
                }
            } else {
                None
            };
            return Ok(Expr::Like(left, pattern, escape, neg));
        }
        if self.eat_kw("BETWEEN") {
            let lo = self.operand()?;
            if !self.eat_kw("AND") {
                return Err("expected AND in BETWEEN".into());
            }
            let hi = self.operand()?;
            return Ok(Expr::Between(left, lo, hi, neg));
        }
        if neg {
            return Err("expected IN, LIKE or BETWEEN after NOT".into());
        }
        let op = match self.peek() {
            Some(Tok::Sym("=")) => Cmp::Eq,
            Some(Tok::Sym("<>" | "!=")) => Cmp::Ne,
            Some(Tok::Sym("<")) => Cmp::Lt,
            Some(Tok::Sym("<=")) => Cmp::Le,
            Some(Tok::Sym(">")) => Cmp::Gt,
            Some(Tok::Sym(">=")) => Cmp::Ge,
            other => return Err(format!("expected a comparison, found {other:?}")),
        };
        self.pos += 1;
        Ok(Expr::Cmp(left, op, self.operand()?))
    }

    fn operand(&mut self) -> Result<Operand, String> {
        let tok = self.peek().cloned().ok_or("unexpected end of expression")?;
        self.pos += 1;
        match tok {
            Tok::Num(n) => Ok(Operand::Lit(Val::Num(n))),
            Tok::Str(s) => Ok(Operand::Lit(Val::Str(s))),
            Tok::Quoted(name) => Ok(Operand::Field(name)),
            Tok::Sym("-") => match self.operand()? {
                Operand::Lit(Val::Num(n)) => Ok(Operand::Lit(Val::Num(-n))),
                _ => Err("'-' must precede a number".into()),
            },
            Tok::Sym("+") => self.operand(),
            Tok::Sym(s) => Err(format!("unexpected '{s}'")),
            Tok::Ident(w) => self.word(w),
        }
    }

    fn word(&mut self, w: String) -> Result<Operand, String> {
        let upper = w.to_ascii_uppercase();
        match upper.as_str() {
            "NULL" => Ok(Operand::Lit(Val::Null)),
            "DATE" | "TIMESTAMP" => match self.operand()? {
                Operand::Lit(Val::Str(s)) => dates::parse_iso(&s)
                    .map(|ms| Operand::Lit(Val::Num(ms as f64)))
                    .ok_or_else(|| format!("invalid {upper} literal '{s}'")),
                _ => Err(format!("{upper} needs a quoted value")),
            },
            "CURRENT_TIMESTAMP" | "CURRENT_DATE" => {
                let now = crate::sandbox::now_ms();
                let v = if upper == "CURRENT_DATE" {
                    now - now.rem_euclid(86_400_000)
                } else {
                    now
                };
                Ok(Operand::Lit(Val::Num(v as f64)))
            }
            "UPPER" | "LOWER" => {
                self.expect_sym("(")?;
                let inner = Box::new(self.operand()?);
                self.expect_sym(")")?;
                Ok(if upper == "UPPER" {
                    Operand::Upper(inner)
                } else {
                    Operand::Lower(inner)
                })
            }
            "AND" | "OR" | "NOT" | "IN" | "LIKE" | "IS" | "BETWEEN" | "ESCAPE" => {
                Err(format!("unexpected keyword {upper}"))
            }
            _ => Ok(Operand::Field(w)),
        }
    }
}

/// Parses a whole clause; an empty one is `TRUE`.
pub(super) fn parse(s: &str) -> Result<Expr, String> {
    let toks = tokenize(s)?;
    if toks.is_empty() {
        return Ok(Expr::Const(true));
    }
    let mut p = Parser { toks, pos: 0 };
    let expr = p.or()?;
    if p.pos != p.toks.len() {
        return Err(format!("unexpected {:?}", p.toks[p.pos]));
    }
    Ok(expr)
}
