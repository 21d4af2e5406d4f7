//! File names that are valid on every platform, Windows included: [`safe_file_stem`] turns an
//! item title into a name stem, and [`backup_file_name`] builds the backup archive name, which
//! always carries the item id (titles collide, ids do not) and a UTC time stamp.

use super::utc;

/// Characters Windows forbids in file names.
const FORBIDDEN: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// Device names Windows reserves, whatever the case and even with an extension (`con.txt`).
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM1", "COM2", "COM3", "COM4", "COM5",
    "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5",
    "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// The longest title part of a [`backup_file_name`], in characters.
pub const BACKUP_TITLE_MAX_CHARS: usize = 60;

/// A file-name stem made from `title`, valid on Windows, macOS and Linux.
///
/// Forbidden characters (`<>:"/\|?*`) and control characters become `_`, runs of whitespace
/// become one space, the result is cut to `max_chars` characters (at least 1) on a character
/// boundary, trailing dots and spaces are trimmed, Windows device names (`CON`, `aux.txt`, ...)
/// get a `_` prefix, and an empty result becomes `item`. Letters of any script are kept.
pub fn safe_file_stem(title: &str, max_chars: usize) -> String {
    let max_chars = max_chars.max(1);
    let mut cleaned = String::with_capacity(title.len());
    let mut pending_space = false;
    for c in title.chars() {
        if c.is_whitespace() {
            pending_space = !cleaned.is_empty();
            continue;
        }
        if pending_space {
            cleaned.push(' ');
            pending_space = false;
        }
        cleaned.push(if c.is_control() || FORBIDDEN.contains(&c) {
            '_'
        } else {
            c
        });
    }
    let mut stem = cut_and_trim(&cleaned, max_chars);
    if stem.is_empty() {
        stem = cut_and_trim("item", max_chars);
    }
    if is_reserved(&stem) {
        stem = cut_and_trim(&format!("_{stem}"), max_chars);
    }
    stem
}

/// The archive name for one item's backup:
/// `<safe title, at most 60 chars>_<id>_<YYYYMMDDTHHMMSSZ>.<ext>`.
///
/// `ext` may be given with or without its dot; an empty `ext` gives no extension. Characters of
/// `id` other than ASCII letters, digits and `-` are dropped (item ids are 32 hex digits).
pub fn backup_file_name(title: &str, id: &str, utc_ms: i64, ext: &str) -> String {
    let stem = safe_file_stem(title, BACKUP_TITLE_MAX_CHARS);
    let id: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let stamp = utc::format_compact(utc_ms);
    let ext = ext.trim_start_matches('.');
    if ext.is_empty() {
        format!("{stem}_{id}_{stamp}")
    } else {
        format!("{stem}_{id}_{stamp}.{ext}")
    }
}

/// Whether `name` is a Windows device name, alone or followed by an extension.
pub fn is_reserved(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(base))
}

/// The first `max_chars` characters of `s` without trailing dots or spaces.
fn cut_and_trim(s: &str, max_chars: usize) -> String {
    let end = s.char_indices().nth(max_chars).map_or(s.len(), |(i, _)| i);
    s[..end].trim_end_matches(['.', ' ']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awkward_demo_titles() {
        let long: String = "Pipe network ".repeat(20).chars().take(250).collect();
        let cases: &[(&str, usize, &str)] = &[
            (
                r#"Pipes: "Main" <2024>/Q1?*|"#,
                100,
                "Pipes_ _Main_ _2024__Q1___",
            ),
            ("CON", 100, "_CON"),
            ("con", 100, "_con"),
            ("aux.", 100, "_aux"),
            ("con.txt", 100, "_con.txt"),
            ("Lpt9 .csv", 100, "_Lpt9 .csv"),
            ("COM10", 100, "COM10"),
            ("Console", 100, "Console"),
            ("Trailing dots...  ", 100, "Trailing dots"),
            (
                "  Many   spaces\tand\nlines  ",
                100,
                "Many spaces and lines",
            ),
            ("Bell\u{7}char", 100, "Bell_char"),
            (
                "Zürich Wasserqualität — 水質報告",
                100,
                "Zürich Wasserqualität — 水質報告",
            ),
            (
                "Zürich Wasserqualität — 水質報告",
                24,
                "Zürich Wasserqualität —",
            ),
            ("水質報告", 2, "水質"),
            ("מפת צנרת ראשית", 100, "מפת צנרת ראשית"),
            ("", 100, "item"),
            ("...", 100, "item"),
            ("   ", 100, "item"),
            ("CON", 3, "_CO"),
            ("abc", 0, "a"),
        ];
        for (title, max, expected) in cases {
            assert_eq!(
                safe_file_stem(title, *max),
                *expected,
                "title {title:?} max {max}"
            );
        }
        assert_eq!(safe_file_stem(&long, 255), long);
        let cut = safe_file_stem(&long, 200);
        assert_eq!(
            cut.chars().count(),
            199,
            "cut at 200 then trailing space trimmed: {cut:?}"
        );
        assert!(cut.ends_with("network Pipe"), "{cut:?}");
    }

    #[test]
    fn stems_never_hold_forbidden_characters() {
        let nasty = "a<b>c:d\"e/f\\g|h?i*j\u{0}k\u{1f}l\u{7f}m";
        let stem = safe_file_stem(nasty, 100);
        assert_eq!(stem, "a_b_c_d_e_f_g_h_i_j_k_l_m");
    }

    #[test]
    fn backup_names_carry_title_id_and_stamp() {
        let id = "0123456789abcdef0123456789abcdef";
        let name = backup_file_name(
            r#"Pipes: "Main" <2024>/Q1?*|"#,
            id,
            1_738_152_000_000,
            "zip",
        );
        assert_eq!(
            name,
            format!("Pipes_ _Main_ _2024__Q1____{id}_20250129T120000Z.zip")
        );
        let long = "x".repeat(250);
        let name = backup_file_name(&long, id, 0, ".contentexport");
        assert_eq!(
            name,
            format!("{}_{id}_19700101T000000Z.contentexport", "x".repeat(60))
        );
        assert_eq!(
            backup_file_name("CON", id, 0, ""),
            format!("_CON_{id}_19700101T000000Z")
        );
        assert_eq!(
            backup_file_name("a", "../x", 0, "zip"),
            "a_x_19700101T000000Z.zip"
        );
    }
}
