//! The tokenizer of the search query language: splits `q` into parentheses, operators (`AND`,
//! `OR`, `NOT`, `&&`, `||`, `!`, leading `+`/`-`), `field:` prefixes, words, quoted phrases and
//! `[A TO B]` / `{A TO B}` ranges. Unbalanced quotes and unterminated ranges are reported here.

/// One lexical token of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// `(`
    Open,
    /// `)`
    Close,
    /// `AND` or `&&`
    And,
    /// `OR` or `||`
    Or,
    /// `NOT` or a leading `!`
    Not,
    /// A leading `+` (the term is required; the same as plain AND here).
    Plus,
    /// A leading `-` (the term is excluded).
    Minus,
    /// `name:` before a value.
    Field(String),
    /// An unquoted word (backslash escapes removed), possibly ending in `*`.
    Word(String),
    /// The text between double quotes.
    Phrase(String),
    /// A range: low end, high end, and whether each end is inclusive.
    Range {
        /// Low end as written (`*` for open).
        lo: String,
        /// High end as written.
        hi: String,
        /// `[` (true) or `{` (false).
        lo_incl: bool,
        /// `]` (true) or `}` (false).
        hi_incl: bool,
    },
}

/// Characters that end an unquoted word.
fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"' | '[' | ']' | '{' | '}')
}

/// Splits a query into tokens, or says what is malformed.
pub fn lex(q: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = q.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '(' => {
                toks.push(Tok::Open);
                i += 1;
            }
            ')' => {
                toks.push(Tok::Close);
                i += 1;
            }
            '"' => {
                let (phrase, next) = lex_phrase(&chars, i)?;
                toks.push(Tok::Phrase(phrase));
                i = next;
            }
            '[' | '{' => {
                let (range, next) = lex_range(&chars, i)?;
                toks.push(range);
                i = next;
            }
            ']' | '}' => {
                return Err(format!(
                    "Unexpected '{c}' at position {} without an opening bracket.",
                    i + 1
                ));
            }
            '-' | '+' | '!' if chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) => {
                toks.push(match c {
                    '-' => Tok::Minus,
                    '+' => Tok::Plus,
                    _ => Tok::Not,
                });
                i += 1;
            }
            _ => i = lex_word(&chars, i, &mut toks),
        }
    }
    Ok(toks)
}

/// A quoted phrase starting at `chars[start] == '"'`; returns it and the index after it.
fn lex_phrase(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let mut s = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                s.push(chars[i + 1]);
                i += 2;
            }
            '"' => return Ok((s, i + 1)),
            c => {
                s.push(c);
                i += 1;
            }
        }
    }
    Err(format!(
        "Unbalanced quotes: the phrase starting at position {} has no closing '\"'.",
        start + 1
    ))
}

/// A range starting at `chars[start]` (`[` or `{`); returns it and the index after it.
fn lex_range(chars: &[char], start: usize) -> Result<(Tok, usize), String> {
    let close = chars[start + 1..]
        .iter()
        .position(|c| matches!(c, ']' | '}'))
        .map(|p| p + start + 1)
        .ok_or_else(|| {
            format!(
                "Incomplete range at position {}: expected [A TO B] or {{A TO B}} with a closing ']' or '}}'.",
                start + 1
            )
        })?;
    let inner: String = chars[start + 1..close].iter().collect();
    let parts: Vec<&str> = inner.split_whitespace().collect();
    let [lo, to, hi] = parts[..] else {
        return Err(format!("Malformed range '{inner}': expected 'A TO B'."));
    };
    if to != "TO" {
        return Err(format!("Malformed range '{inner}': expected 'A TO B'."));
    }
    let tok = Tok::Range {
        lo: lo.to_string(),
        hi: hi.to_string(),
        lo_incl: chars[start] == '[',
        hi_incl: chars[close] == ']',
    };
    Ok((tok, close + 1))
}

/// An unquoted word starting at `start`: an operator, `field:` (plus its value when attached) or
/// a plain word. Pushes the tokens and returns the index after the word.
fn lex_word(chars: &[char], start: usize, toks: &mut Vec<Tok>) -> usize {
    let mut word = String::new();
    let mut colon: Option<usize> = None;
    let mut i = start;
    while i < chars.len() && !ends_word(chars[i]) {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                word.push(chars[i + 1]);
                i += 2;
            }
            ':' if colon.is_none() => {
                colon = Some(word.len());
                word.push(':');
                i += 1;
            }
            c => {
                word.push(c);
                i += 1;
            }
        }
    }
    match word.as_str() {
        "AND" | "&&" => toks.push(Tok::And),
        "OR" | "||" => toks.push(Tok::Or),
        "NOT" => toks.push(Tok::Not),
        _ => match colon {
            Some(at) if at > 0 && word[..at].chars().all(|c| c.is_ascii_alphabetic()) => {
                toks.push(Tok::Field(word[..at].to_ascii_lowercase()));
                if at + 1 < word.len() {
                    toks.push(Tok::Word(word[at + 1..].to_string()));
                }
            }
            _ => toks.push(Tok::Word(word)),
        },
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Tok {
        Tok::Word(s.into())
    }

    #[test]
    fn fields_words_phrases_and_operators() {
        let t = lex(r#"type:"Web Map" AND -tags:a OR (title:Fire* && !x) NOT y"#).unwrap();
        assert_eq!(
            t,
            vec![
                Tok::Field("type".into()),
                Tok::Phrase("Web Map".into()),
                Tok::And,
                Tok::Minus,
                Tok::Field("tags".into()),
                w("a"),
                Tok::Or,
                Tok::Open,
                Tok::Field("title".into()),
                w("Fire*"),
                Tok::And,
                Tok::Not,
                w("x"),
                Tok::Close,
                Tok::Not,
                w("y"),
            ]
        );
    }

    #[test]
    fn ranges_and_escapes() {
        let t = lex(r"created:[0000001249084800000 TO *} a\:b Non-authoritative").unwrap();
        assert_eq!(
            t,
            vec![
                Tok::Field("created".into()),
                Tok::Range {
                    lo: "0000001249084800000".into(),
                    hi: "*".into(),
                    lo_incl: true,
                    hi_incl: false
                },
                w("a:b"),
                w("Non-authoritative"),
            ]
        );
        // Lower-case operators are words; field names are case-insensitive.
        assert_eq!(
            lex("a and Owner:x").unwrap(),
            vec![w("a"), w("and"), Tok::Field("owner".into()), w("x")]
        );
    }

    #[test]
    fn malformed_input_is_reported() {
        assert!(
            lex(r#"title:"open"#)
                .unwrap_err()
                .contains("Unbalanced quotes")
        );
        assert!(
            lex("created:[1 TO")
                .unwrap_err()
                .contains("Incomplete range")
        );
        assert!(
            lex("created:[1 2]")
                .unwrap_err()
                .contains("Malformed range")
        );
        assert!(lex("a ] b").unwrap_err().contains("Unexpected ']'"));
    }
}
