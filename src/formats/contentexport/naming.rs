//! Package names as the original utility makes them (peers-and-original-utility.md §1.2):
//! per item `<safe title ≤ 50>_<YYYYmmdd_HHMMSS>`, per batch
//! `batch_<up to 5 titles ≤ 15 chars joined by '-'>_<YYYYmmdd_HHMMSS>`, where a safe title
//! keeps letters, digits, spaces and underscores. Two changes, both from design §5: per-item
//! names also carry the item id (two items with one title backed up in the same second would
//! otherwise overwrite each other), and the time is UTC. Every name is then made valid on
//! Windows with [`safe_file_stem`].

use super::PACKAGE_EXTENSION;
use crate::formats::names::safe_file_stem;
use crate::formats::utc::UtcDateTime;

/// The longest title part of a per-item package name, in characters.
const ITEM_TITLE_MAX: usize = 50;
/// The longest part per title in a batch package name, in characters.
const BATCH_TITLE_MAX: usize = 15;
/// How many titles a batch package name lists.
const BATCH_TITLES: usize = 5;
/// The longest package name (the stem is also the top folder inside the archive).
const NAME_MAX: usize = 150;

/// What a package holds, for its name.
#[derive(Debug, Clone, Copy)]
pub enum PackageNaming<'a> {
    /// One selected item (and what it requires).
    PerItem {
        /// The item title.
        title: &'a str,
        /// The item id.
        id: &'a str,
    },
    /// Several selected items in one package.
    Batch {
        /// The titles of the selected items, in selection order.
        titles: &'a [&'a str],
    },
}

/// The package name (file stem and top folder), e.g. `Water mains_<id>_20250129_120000`.
pub fn package_name(naming: PackageNaming<'_>, utc_ms: i64) -> String {
    let stamp = stamp(utc_ms);
    let raw = match naming {
        PackageNaming::PerItem { title, id } => {
            let id: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
            format!(
                "{}_{id}_{stamp}",
                original_safe_title(title, ITEM_TITLE_MAX)
            )
        }
        PackageNaming::Batch { titles } => {
            let joined: Vec<String> = titles
                .iter()
                .take(BATCH_TITLES)
                .map(|t| original_safe_title(t, BATCH_TITLE_MAX))
                .collect();
            format!("batch_{}_{stamp}", joined.join("-"))
        }
    };
    safe_file_stem(&raw, NAME_MAX)
}

/// [`package_name`] with the `.contentexport` extension.
pub fn package_file_name(naming: PackageNaming<'_>, utc_ms: i64) -> String {
    format!("{}.{PACKAGE_EXTENSION}", package_name(naming, utc_ms))
}

/// The original utility's safe title: letters, digits, spaces and underscores, trimmed and
/// cut to `max` characters; `item` when nothing is left.
fn original_safe_title(title: &str, max: usize) -> String {
    let kept: String = title
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '_')
        .collect();
    let cut: String = kept.trim().chars().take(max).collect();
    let cut = cut.trim_end();
    if cut.is_empty() {
        "item".into()
    } else {
        cut.to_string()
    }
}

/// `YYYYmmdd_HHMMSS` in UTC.
fn stamp(utc_ms: i64) -> String {
    let t = UtcDateTime::from_ms(utc_ms);
    format!(
        "{:04}{:02}{:02}_{:02}{:02}{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";
    const MS: i64 = 1_738_152_000_000;

    #[test]
    fn per_item_names_follow_the_original_plus_the_id() {
        let name = package_name(
            PackageNaming::PerItem {
                title: r#"Pipes: "Main" <2024>/Q1?*| Zürich"#,
                id: ID,
            },
            MS,
        );
        assert_eq!(
            name,
            format!("Pipes Main 2024Q1 Zürich_{ID}_20250129_120000")
        );
        let long = "x".repeat(80);
        let name = package_file_name(
            PackageNaming::PerItem {
                title: &long,
                id: "../a",
            },
            0,
        );
        assert_eq!(
            name,
            format!("{}_a_19700101_000000.contentexport", "x".repeat(50))
        );
        let empty = package_name(
            PackageNaming::PerItem {
                title: "???",
                id: ID,
            },
            0,
        );
        assert_eq!(empty, format!("item_{ID}_19700101_000000"));
    }

    #[test]
    fn batch_names_list_five_short_titles() {
        let titles = [
            "Water mains of the city",
            "Hydrants",
            "CON",
            "A/B",
            "Five",
            "Six",
        ];
        let name = package_name(PackageNaming::Batch { titles: &titles }, MS);
        assert_eq!(
            name,
            "batch_Water mains of-Hydrants-CON-AB-Five_20250129_120000"
        );
        let reserved = package_name(PackageNaming::Batch { titles: &[] }, MS);
        assert_eq!(reserved, "batch__20250129_120000");
    }
}
