//! Unit tests of the query parser.

use super::*;

fn term(field: Field, v: &str) -> Node {
    Node::Term(Term {
        field,
        value: Value::Text(TextValue::new(v, false)),
    })
}

fn phrase(field: Field, v: &str) -> Node {
    Node::Term(Term {
        field,
        value: Value::Text(TextValue::new(v, true)),
    })
}

fn not(n: Node) -> Node {
    Node::Not(Box::new(n))
}

#[test]
fn empty_and_star_match_everything() {
    assert_eq!(parse("").unwrap(), Node::All);
    assert_eq!(parse("   ").unwrap(), Node::All);
    assert_eq!(parse("*").unwrap(), Node::All);
}

#[test]
fn adjacent_terms_mean_and_and_fields_are_case_insensitive() {
    assert_eq!(
        parse(r#"type:"Web Map" AccountId:org1"#).unwrap(),
        Node::And(vec![
            phrase(Field::Type, "Web Map"),
            term(Field::OrgId, "org1")
        ])
    );
}

#[test]
fn not_binds_tighter_than_and_tighter_than_or() {
    let a = || term(Field::Text, "a");
    let b = || term(Field::Text, "b");
    let c = || term(Field::Text, "c");
    assert_eq!(
        parse("a OR b AND c").unwrap(),
        Node::Or(vec![a(), Node::And(vec![b(), c()])])
    );
    assert_eq!(
        parse("a AND b OR c").unwrap(),
        Node::Or(vec![Node::And(vec![a(), b()]), c()])
    );
    assert_eq!(
        parse("NOT a AND b").unwrap(),
        Node::And(vec![not(a()), b()])
    );
    assert_eq!(
        parse("a NOT b OR c").unwrap(),
        Node::Or(vec![Node::And(vec![a(), not(b())]), c()])
    );
    assert_eq!(
        parse("(a OR b) c").unwrap(),
        Node::And(vec![Node::Or(vec![a(), b()]), c()])
    );
    assert_eq!(parse("-a +b").unwrap(), Node::And(vec![not(a()), b()]));
    assert_eq!(
        parse("a && !b || c").unwrap(),
        parse("a AND NOT b OR c").unwrap()
    );
}

#[test]
fn esri_type_alias_query() {
    assert_eq!(
        parse(r#"(type:"web map" NOT type:"web mapping application")"#).unwrap(),
        Node::And(vec![
            phrase(Field::Type, "web map"),
            not(phrase(Field::Type, "web mapping application"))
        ])
    );
}

#[test]
fn field_groups_apply_the_field_inside() {
    assert_eq!(
        parse("tags:(water OR sewer) owner:bob").unwrap(),
        Node::And(vec![
            Node::Or(vec![term(Field::Tags, "water"), term(Field::Tags, "sewer")]),
            term(Field::Owner, "bob"),
        ])
    );
}

#[test]
fn values_are_prepared_for_matching() {
    let Node::Term(t) = parse("title:Fire*").unwrap() else {
        panic!()
    };
    assert_eq!(
        t.value,
        Value::Text(TextValue {
            raw: "fire".into(),
            words: vec!["fire".into()],
            prefix: true
        })
    );
    let Node::Term(t) = parse(r#""Water Mains-2""#).unwrap() else {
        panic!()
    };
    assert_eq!(t.field, Field::Text);
    let Value::Text(v) = t.value else { panic!() };
    assert_eq!(v.words, ["water", "mains", "2"]);
    assert!(!v.prefix);
    let Node::Term(t) = parse("title:*").unwrap() else {
        panic!()
    };
    assert_eq!(t.value, Value::Any);
    assert_eq!(
        parse("foo:bar").unwrap(),
        term(Field::Unknown("foo".into()), "bar")
    );
}

#[test]
fn ranges_padded_exclusive_and_open() {
    let Node::Term(t) = parse("uploaded:[0000001249084800000 TO 0000001249548000000]").unwrap()
    else {
        panic!()
    };
    assert_eq!(t.field, Field::Created);
    assert!(t.value.in_range(1_249_084_800_000));
    assert!(t.value.in_range(1_249_548_000_000));
    assert!(!t.value.in_range(1_249_548_000_001));
    let Node::Term(t) = parse("modified:{10 TO 20}").unwrap() else {
        panic!()
    };
    assert!(!t.value.in_range(10) && t.value.in_range(11) && !t.value.in_range(20));
    let Node::Term(t) = parse("created:[* TO 5]").unwrap() else {
        panic!()
    };
    assert!(t.value.in_range(i64::MIN) && !t.value.in_range(6));
    let Node::Term(t) = parse("created:7").unwrap() else {
        panic!()
    };
    assert!(t.value.in_range(7) && !t.value.in_range(8));
}

#[test]
fn malformed_queries_say_what_is_wrong() {
    let err = |q: &str| parse(q).unwrap_err();
    assert!(err("(a OR b").contains("'(' without a matching ')'"));
    assert!(err("a OR b)").contains("')' without a matching '('"));
    assert!(err("()").contains("Empty parentheses"));
    assert!(err(r#"title:"abc"#).contains("Unbalanced quotes"));
    assert!(err("created:[1 TO").contains("Incomplete range"));
    assert!(err("a AND").contains("Missing term after 'AND'"));
    assert!(err("a OR OR b").contains("Missing term after 'OR'"));
    assert!(err("NOT").contains("Missing term after 'NOT'"));
    assert!(err("title:").contains("Missing value after 'title:'"));
    assert!(err("title:[a TO b]").contains("needs a date field"));
    assert!(err("created:[x TO 5]").contains("Invalid date value 'x'"));
    assert!(err("created:yesterday").contains("Invalid date value"));
}
