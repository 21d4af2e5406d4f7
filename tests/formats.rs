//! The scan's file formats on real files: inventory CSV upsert and protection of foreign files,
//! the index next to it, id lists from Excel-style CSVs, atomic writes, Windows-safe names.

use std::path::Path;

use agol_backup::formats::FormatError;
use agol_backup::formats::atomic::write_atomic;
use agol_backup::formats::id_list::read_id_list;
use agol_backup::formats::index::{DEFAULT_INDEX_NAME, Index, index_path_for};
use agol_backup::formats::inventory::{Inventory, InventoryRow, read_inventory};
use agol_backup::formats::names::backup_file_name;

const ID1: &str = "0123456789abcdef0123456789abcdef";
const ID2: &str = "11111111111111111111111111111111";
const ID3: &str = "22222222222222222222222222222222";
const HEADER: &str = "Title,Id,Type,Owner,Created,Modified,RestUrl,ItemPageUrl,Tags,ContentStatus";

fn row(id: &str, title: &str, modified_ms: i64) -> InventoryRow {
    InventoryRow {
        title: title.into(),
        id: id.into(),
        item_type: "Feature Service".into(),
        owner: "admin".into(),
        created_ms: Some(1_705_314_645_123),
        modified_ms: Some(modified_ms),
        rest_url: format!("https://services.example/{id}/FeatureServer"),
        item_page_url: format!("https://org.example/home/item.html?id={id}"),
        tags: vec!["water".into(), "Zürich".into()],
        content_status: "org_authoritative".into(),
    }
}

fn ids(inv: &Inventory) -> Vec<&str> {
    inv.rows().iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn inventory_is_excel_utf8_and_upserts_instead_of_appending() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("AuthInventory.csv");
    let mut inv = Inventory::load(&path).unwrap();
    assert!(inv.is_empty(), "a missing inventory loads empty");
    let delta = inv.apply(
        vec![
            row(ID1, "Pipes, \"Main\"", 1_738_152_000_000),
            row(ID2, "水質報告", 1),
        ],
        true,
    );
    assert_eq!(delta.new, [ID1, ID2]);
    inv.write(&path).unwrap();

    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], HEADER);
    assert_eq!(
        lines[1],
        format!(
            "\"Pipes, \"\"Main\"\"\",{ID1},Feature Service,admin,2024-01-15 10:30:45,\
             2025-01-29 12:00:00,https://services.example/{ID1}/FeatureServer,\
             https://org.example/home/item.html?id={ID1},\"water, Zürich\",org_authoritative"
        )
    );
    assert_eq!(lines.len(), 4, "two rows and a final CRLF: {text:?}");

    // Second scan: ID2 edited, ID3 appeared; an incomplete scan keeps ID1.
    let mut inv = Inventory::load(&path).unwrap();
    assert_eq!(inv.get(ID1).unwrap().title, "Pipes, \"Main\"");
    let delta = inv.apply(vec![row(ID2, "水質報告 v2", 2), row(ID3, "New", 3)], false);
    assert_eq!(
        (delta.new.as_slice(), delta.changed.as_slice()),
        ([ID3.to_string()].as_slice(), [ID2.to_string()].as_slice())
    );
    inv.write(&path).unwrap();
    let again = Inventory::load(&path).unwrap();
    assert_eq!(
        ids(&again),
        [ID1, ID2, ID3],
        "replaced in place, new appended, no duplicates"
    );
    assert_eq!(again.get(ID2).unwrap().title, "水質報告 v2");

    // A complete scan that no longer returns ID1 removes it.
    let mut inv = again;
    let delta = inv.apply(vec![row(ID2, "水質報告 v2", 2), row(ID3, "New", 3)], true);
    assert_eq!(delta.removed, [ID1]);
    assert_eq!(delta.unchanged, [ID2, ID3]);
    inv.write(&path).unwrap();
    assert_eq!(read_inventory(&path).unwrap().len(), 2);
}

#[test]
fn a_foreign_csv_is_reported_and_never_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.csv");
    let original = "Name;Amount\r\nPipes;1200\r\n";
    std::fs::write(&path, original).unwrap();
    let err = Inventory::load(&path).unwrap_err();
    let FormatError::ForeignCsv { found_header, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(found_header, &["Name;Amount"]);
    assert!(
        err.to_string().contains("choose another output file"),
        "{err}"
    );
    let err = Inventory::new().write(&path).unwrap_err();
    assert!(matches!(err, FormatError::ForeignCsv { .. }), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temp file left behind");
}

#[test]
fn the_original_utilitys_inventory_loads_and_bad_rows_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("AuthInventory.csv");
    // pandas output: BOM, LF, milliseconds in dates, the same item appended twice.
    let text = format!(
        "\u{feff}{HEADER}\nOld,{ID1},Web Map,me,2024-01-15 10:30:45.123,2024-02-01 00:00:00,,u,\"a, b\",org_authoritative\n\
         Other,{ID2},Web Map,me,2024-01-15,2024-01-15,,u,,public_authoritative\n\
         New,{ID1},Web Map,me,2024-01-15 10:30:45.123,2024-03-01 00:00:00,,u,\"a, b\",org_authoritative\n"
    );
    std::fs::write(&path, text).unwrap();
    assert_eq!(read_inventory(&path).unwrap().len(), 3);
    let inv = Inventory::load(&path).unwrap();
    assert_eq!(ids(&inv), [ID1, ID2]);
    assert_eq!(inv.get(ID1).unwrap().title, "New");
    assert_eq!(inv.get(ID1).unwrap().tags, ["a", "b"]);
    assert_eq!(inv.get(ID1).unwrap().created_ms, Some(1_705_314_645_123));

    let broken = format!("{HEADER}\r\nA,{ID1},t,o,,,,,,s\r\nB,{ID2},t,o,31/01/2024,,,,,s\r\n");
    std::fs::write(&path, &broken).unwrap();
    let err = Inventory::load(&path).unwrap_err();
    assert!(
        matches!(&err, FormatError::Malformed { line: 3, column: Some(c), .. } if c == "Created"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("AuthInventory.csv: line 3, column Created"),
        "{err}"
    );
    let short = format!("{HEADER}\r\nA,{ID1},t\r\n");
    std::fs::write(&path, &short).unwrap();
    let err = read_inventory(&path).unwrap_err();
    assert!(
        err.to_string().contains("line 2: the row has 3 fields"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        short,
        "reading never rewrites"
    );
}

#[test]
fn the_index_lives_next_to_the_inventory_and_is_ignored_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("AuthInventory.csv");
    let index_path = index_path_for(&inventory);
    assert_eq!(index_path, dir.path().join(DEFAULT_INDEX_NAME));
    let mut index = Index::default();
    index.set(ID1.into(), 1_700_000_000_000, Some(1_700_000_500_000));
    index.set(ID2.into(), 1_600_000_000_000, None);
    index.write(&index_path).unwrap();
    let text = std::fs::read_to_string(&index_path).unwrap();
    assert_eq!(
        text,
        format!(
            "\u{feff}id,mod,edit\r\n{ID1},1700000000000,1700000500000\r\n{ID2},1600000000000,\r\n"
        )
    );

    assert!(
        Index::load_consistent(&index_path, false)
            .unwrap()
            .is_empty(),
        "inventory gone: all new"
    );
    let loaded = Index::load_consistent(&index_path, true).unwrap();
    assert_eq!(loaded, index);
    assert!(loaded.is_unchanged(ID1, 1_700_000_000_000, Some(1_700_000_500_000)));
    assert!(
        !loaded.is_unchanged(ID1, 1_700_000_000_000, Some(1_700_000_500_001)),
        "a data edit"
    );
    assert!(!loaded.is_unchanged(ID3, 0, None));

    std::fs::write(
        &index_path,
        format!("\u{feff}id,mod\r\n{ID2},1600000000000\r\n"),
    )
    .unwrap();
    let original = Index::load(&index_path).unwrap();
    assert!(original.is_unchanged(ID2, 1_600_000_000_000, None));
    assert!(
        Index::load(&dir.path().join("missing.csv"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn id_lists_come_from_our_inventory_and_from_european_excel() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("AuthInventory.csv");
    Inventory::from_rows(vec![row(ID2, "Two", 1), row(ID1, "One", 1)])
        .write(&ours)
        .unwrap();
    let list = read_id_list(&ours).unwrap();
    assert_eq!(list.id_column.as_deref(), Some("Id"));
    let got: Vec<(&str, Option<&str>, u64)> = list
        .entries
        .iter()
        .map(|e| (e.id.as_str(), e.title.as_deref(), e.line))
        .collect();
    assert_eq!(got, [(ID2, Some("Two"), 2), (ID1, Some("One"), 3)]);
    assert_eq!(
        list.entries[0].item_type.as_deref(),
        Some("Feature Service")
    );

    // "CSV (semicolon)" saved by a German Excel in Windows-1252 ("Zürich" as 0xFC).
    let excel = dir.path().join("auswahl.csv");
    let mut bytes = b"Titel;Item ID;Typ\r\nZ\xfcrich;".to_vec();
    bytes.extend_from_slice(
        format!("{ID1};Web Map\r\nkaputt;1,23457E+31;x\r\nnochmal;{ID1};\r\n").as_bytes(),
    );
    std::fs::write(&excel, bytes).unwrap();
    let list = read_id_list(&excel).unwrap();
    assert_eq!(list.delimiter, ';');
    assert_eq!(list.entries.len(), 1);
    assert_eq!(list.entries[0].id, ID1);
    assert_eq!(list.invalid.len(), 1);
    assert_eq!(
        (list.invalid[0].line, list.invalid[0].value.as_str()),
        (3, "1,23457E+31")
    );
    assert_eq!(list.duplicate_lines, [4]);

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "Id\r\n").unwrap();
    assert!(matches!(
        read_id_list(&empty),
        Err(FormatError::NoIds { .. })
    ));
}

#[test]
fn awkward_titles_give_creatable_distinct_backup_names() {
    let dir = tempfile::tempdir().unwrap();
    let titles = [
        r#"Pipes: "Main" <2024>/Q1?*|"#.to_string(),
        "CON".into(),
        "aux.".into(),
        "Trailing dots...  ".into(),
        "T".repeat(250),
        "Zürich Wasserqualität — 水質報告".into(),
        "מפת צנרת ראשית".into(),
        String::new(),
    ];
    let mut names = std::collections::HashSet::new();
    for (i, title) in titles.iter().enumerate() {
        let id = format!("{i:032x}");
        let name = backup_file_name(title, &id, 1_738_152_000_000, "zip");
        assert!(
            name.ends_with(&format!("_{id}_20250129T120000Z.zip")),
            "{name}"
        );
        assert!(
            !name.contains(['<', '>', ':', '"', '/', '\\', '|', '?', '*']),
            "{name}"
        );
        assert!(name.chars().count() <= 60 + 1 + 32 + 1 + 16 + 4, "{name}");
        let path = dir.path().join(&name);
        write_atomic(&path, |w| w.write_all(title.as_bytes())).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), *title);
        assert!(names.insert(name));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), titles.len());
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_keeps_the_old_inventory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("AuthInventory.csv");
    Inventory::from_rows(vec![row(ID1, "One", 1)])
        .write(&path)
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe_blocked = std::fs::write(dir.path().join("probe"), "x").is_err();
    let result = Inventory::from_rows(vec![row(ID2, "Two", 2)]).write(&path);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if !probe_blocked {
        // Running with privileges that ignore folder permissions (root in CI): the write must
        // then simply succeed and hold the new rows.
        result.unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("Two") && !text.lines().any(|l| l.starts_with("One,")),
            "{text}"
        );
        return;
    }
    let err = result.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(matches!(&err, FormatError::Write { path: p, .. } if p == Path::new(&path)));
}
