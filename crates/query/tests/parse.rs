//! Every statement form of the language parses to the AST it means, with spans on the text.
//! Over 800 lines: many short cases, one or a few per form and clause, read as one list.

use skillgraph_query::ast::{
    CompareOp, EdgeKind, Expr, ExprKind, NodeKind, NodeRef, Span, Start, StatementKind, Value,
};
use skillgraph_query::forms::{
    add::Add, compare::Compare, let_profile::LetProfile, link::Link, remove::Remove, set::Set,
    skills_of::SkillsOf, tools_of::ToolsOf, unlink::Unlink,
};
use skillgraph_query::{parse, Script};

fn script(source: &str) -> Script {
    match parse(source) {
        Ok(script) => script,
        Err(error) => panic!("`{source}` did not parse: {error} at {:?}", error.span),
    }
}

/// The one statement `source` holds.
fn one(source: &str) -> StatementKind {
    let mut statements = script(source).statements;
    assert_eq!(statements.len(), 1, "`{source}` should hold one statement");
    statements.remove(0).kind
}

fn at(source: &str, span: Span) -> &str {
    &source[span.range()]
}

#[track_caller]
fn assert_node(node: &NodeRef, kind: Option<NodeKind>, name: &str) {
    assert_eq!(node.kind, kind, "kind of {node:?}");
    assert_eq!(node.name, name, "name of {node:?}");
}

fn start_node(start: &Start) -> &NodeRef {
    match start {
        Start::Node(node) => node,
        other => panic!("expected a node start, got {other:?}"),
    }
}

fn names(nodes: &[NodeRef]) -> Vec<&str> {
    nodes.iter().map(|n| n.name.as_str()).collect()
}

#[test]
fn show_one_node() {
    let source = "show SRE";
    let StatementKind::Show(node) = one(source) else {
        panic!()
    };
    assert_node(&node, None, "SRE");
    assert_eq!(at(source, node.span), "SRE");
    assert!(!node.quoted);
}

#[test]
fn list_every_kind() {
    for (source, kind) in [
        ("roles", NodeKind::Role),
        ("skills", NodeKind::Skill),
        ("tools", NodeKind::Tool),
    ] {
        let StatementKind::ListNodes(list) = one(source) else {
            panic!("{source}")
        };
        assert_eq!(list.kind, kind);
        assert!(list.filter.is_none() && list.order.is_none() && list.limit.is_none());
    }
}

#[test]
fn list_with_where_order_and_limit() {
    let source =
        "roles where requires(Kubernetes) and salary.avg > 130000 order by salary.avg desc limit 5";
    let StatementKind::ListNodes(list) = one(source) else {
        panic!()
    };
    assert_eq!(list.kind, NodeKind::Role);
    let filter = list.filter.unwrap();
    assert_eq!(
        at(source, filter.span),
        "requires(Kubernetes) and salary.avg > 130000"
    );
    let ExprKind::And(operands) = &filter.kind else {
        panic!("{filter:?}")
    };
    assert_eq!(operands.len(), 2);
    let ExprKind::Edge { kind, target } = &operands[0].kind else {
        panic!()
    };
    assert_eq!(*kind, EdgeKind::Requires);
    assert_node(target, None, "Kubernetes");
    assert_eq!(at(source, target.span), "Kubernetes");
    let ExprKind::Compare { field, op, value } = &operands[1].kind else {
        panic!()
    };
    assert_eq!(field.segments, ["salary", "avg"]);
    assert_eq!(at(source, field.span), "salary.avg");
    assert_eq!(op.value, CompareOp::Gt);
    assert_eq!(value.value, Value::Number(130000.0));
    assert_eq!(at(source, value.span), "130000");
    let order = list.order.unwrap();
    assert_eq!(order.field.to_string(), "salary.avg");
    assert!(order.descending);
    assert_eq!(at(source, order.span), "order by salary.avg desc");
    let limit = list.limit.unwrap();
    assert_eq!(limit.value, 5);
    assert_eq!(at(source, limit.span), "5");
}

#[test]
fn list_clauses_in_any_order() {
    let StatementKind::ListNodes(list) = one("skills limit 3 order by name where category = x")
    else {
        panic!()
    };
    assert_eq!(list.limit.unwrap().value, 3);
    assert!(!list.order.unwrap().descending);
    assert!(list.filter.is_some());
}

#[test]
fn where_text_tests() {
    let source = r#"skills where category = "observability""#;
    let StatementKind::ListNodes(list) = one(source) else {
        panic!()
    };
    let ExprKind::Compare { field, op, value } = list.filter.unwrap().kind else {
        panic!()
    };
    assert_eq!(field.segments, ["category"]);
    assert_eq!(op.value, CompareOp::Eq);
    assert_eq!(value.value, Value::Text("observability".into()));
    assert_eq!(at(source, value.span), "\"observability\"");

    let StatementKind::ListNodes(list) = one(r#"tools where covers("Monitoring")"#) else {
        panic!()
    };
    let ExprKind::Edge { kind, target } = list.filter.unwrap().kind else {
        panic!()
    };
    assert_eq!(kind, EdgeKind::Covers);
    assert_node(&target, None, "Monitoring");
    assert!(target.quoted);

    for (source, expected) in [
        ("roles where name contains Site", CompareOp::Contains),
        (
            r#"roles where name starts with "Site""#,
            CompareOp::StartsWith,
        ),
        (
            "roles where name STARTS   With 'Site'",
            CompareOp::StartsWith,
        ),
        ("roles where a != 1", CompareOp::Ne),
        ("roles where a <= 1", CompareOp::Le),
        ("roles where a >= 1", CompareOp::Ge),
        ("roles where a < 1", CompareOp::Lt),
        (
            "roles where category in [cloud, \"observability\"]",
            CompareOp::In,
        ),
    ] {
        let StatementKind::ListNodes(list) = one(source) else {
            panic!()
        };
        let ExprKind::Compare { op, .. } = list.filter.unwrap().kind else {
            panic!("{source}")
        };
        assert_eq!(op.value, expected, "{source}");
    }
}

#[test]
fn where_in_takes_a_list() {
    let source = r#"roles where category in [cloud, "observability", 3]"#;
    let StatementKind::ListNodes(list) = one(source) else {
        panic!()
    };
    let ExprKind::Compare { value, .. } = list.filter.unwrap().kind else {
        panic!()
    };
    assert_eq!(
        value.value,
        Value::List(vec![
            Value::Text("cloud".into()),
            Value::Text("observability".into()),
            Value::Number(3.0)
        ])
    );
    let items: Vec<&str> = value.item_spans.iter().map(|&s| at(source, s)).collect();
    assert_eq!(items, ["cloud", "\"observability\"", "3"]);
}

fn filter_of(source: &str) -> Expr {
    let StatementKind::ListNodes(list) = one(source) else {
        panic!()
    };
    list.filter.unwrap()
}

#[test]
fn not_binds_tighter_than_and_tighter_than_or() {
    // a or (b and (not c))
    let expr = filter_of("roles where a = 1 or b = 2 and not c = 3");
    let ExprKind::Or(any) = &expr.kind else {
        panic!("{expr:?}")
    };
    assert_eq!(any.len(), 2);
    let ExprKind::And(all) = &any[1].kind else {
        panic!()
    };
    assert!(matches!(all[1].kind, ExprKind::Not(_)));
}

#[test]
fn parentheses_group() {
    let source = "roles where (a = 1 or b = 2) and has(salary)";
    let expr = filter_of(source);
    let ExprKind::And(all) = &expr.kind else {
        panic!("{expr:?}")
    };
    assert!(matches!(all[0].kind, ExprKind::Or(_)));
    assert_eq!(at(source, all[0].span), "(a = 1 or b = 2)");
    let ExprKind::Has(field) = &all[1].kind else {
        panic!()
    };
    assert_eq!(field.segments, ["salary"]);
}

#[test]
fn double_not_folds_away() {
    let expr = filter_of("roles where not not uses(Docker)");
    assert!(matches!(
        expr.kind,
        ExprKind::Edge {
            kind: EdgeKind::Uses,
            ..
        }
    ));
    let expr = filter_of("roles where not not not uses(Docker)");
    assert!(matches!(expr.kind, ExprKind::Not(_)));
}

#[test]
fn values_of_every_type() {
    let source = r#"set SRE salary = { min: 1, avg: -2.5, max: 3e2, currency: "USD", remote: true, tags: [a, 'b'], nested: {x: false} }"#;
    let StatementKind::Set(Set { node, field, value }) = one(source) else {
        panic!()
    };
    assert_node(&node, None, "SRE");
    assert_eq!(field.to_string(), "salary");
    let Value::Record(map) = &value.value else {
        panic!()
    };
    assert_eq!(map["min"], Value::Number(1.0));
    assert_eq!(map["avg"], Value::Number(-2.5));
    assert_eq!(map["max"], Value::Number(300.0));
    assert_eq!(map["currency"], Value::Text("USD".into()));
    assert_eq!(map["remote"], Value::Bool(true));
    assert_eq!(
        map["tags"],
        Value::List(vec![Value::Text("a".into()), Value::Text("b".into())])
    );
    assert_eq!(value.span.start, source.find('{').unwrap());
    assert_eq!(value.span.end, source.len());
}

#[test]
fn set_one_field() {
    let source = "set eBPF effort_hours = 30";
    let StatementKind::Set(Set { node, field, value }) = one(source) else {
        panic!()
    };
    assert_node(&node, None, "eBPF");
    assert_eq!(field.segments, ["effort_hours"]);
    assert_eq!(at(source, field.span), "effort_hours");
    assert_eq!(value.value, Value::Number(30.0));
}

#[test]
fn skills_and_tools_of_a_role() {
    let StatementKind::SkillsOf(SkillsOf(role)) = one("skills of SRE") else {
        panic!()
    };
    assert_node(&role, None, "SRE");
    let StatementKind::ToolsOf(ToolsOf(role)) = one("tools OF DevOps") else {
        panic!()
    };
    assert_node(&role, None, "DevOps");
}

#[test]
fn path_fewest_moves() {
    let source = "path DevOps -> SRE";
    let StatementKind::Path(path) = one(source) else {
        panic!()
    };
    assert_node(start_node(&path.from), None, "DevOps");
    assert_node(&path.to, None, "SRE");
    assert_eq!(at(source, path.to.span), "SRE");
    assert!(!path.by_effort);
    assert!(path.route.via.is_empty() && path.route.avoid.is_empty());
    assert!(path.route.max_hops.is_none());
}

#[test]
fn path_with_every_route_clause() {
    let source = r#"path Ops -> "Engineering Manager" via "Systems Reliability" avoid "Build Engineer" max 4"#;
    let StatementKind::Path(path) = one(source) else {
        panic!()
    };
    assert_node(start_node(&path.from), None, "Ops");
    assert_node(&path.to, None, "Engineering Manager");
    assert_eq!(at(source, path.to.span), "\"Engineering Manager\"");
    assert_eq!(names(&path.route.via), ["Systems Reliability"]);
    assert_eq!(names(&path.route.avoid), ["Build Engineer"]);
    let max = path.route.max_hops.unwrap();
    assert_eq!(max.value, 4);
    assert_eq!(at(source, max.span), "4");
}

#[test]
fn route_clauses_in_any_order_with_lists() {
    let StatementKind::Path(path) = one("path A -> B max 3 by effort avoid C, D via E, F") else {
        panic!()
    };
    assert!(path.by_effort);
    assert_eq!(path.route.max_hops.unwrap().value, 3);
    assert_eq!(names(&path.route.avoid), ["C", "D"]);
    assert_eq!(names(&path.route.via), ["E", "F"]);
}

#[test]
fn path_by_effort_and_from_variable() {
    let StatementKind::Path(path) = one(r#"path DevOps -> "Engineering Manager" by effort"#) else {
        panic!()
    };
    assert!(path.by_effort);
    let source = "path $me -> SRE by effort";
    let StatementKind::Path(path) = one(source) else {
        panic!()
    };
    let Start::Variable(name) = &path.from else {
        panic!()
    };
    assert_eq!(name.value, "me");
    assert_eq!(at(source, name.span), "$me");
}

#[test]
fn paths_bounded() {
    let StatementKind::Paths(paths) =
        one(r#"paths DevOps -> "Engineering Manager" max 4 limit 10"#)
    else {
        panic!()
    };
    assert_node(start_node(&paths.from), None, "DevOps");
    assert_eq!(paths.route.max_hops.unwrap().value, 4);
    assert_eq!(paths.limit.unwrap().value, 10);
}

#[test]
fn compare_two() {
    let source = "compare DevOps, SRE";
    let StatementKind::Compare(Compare(a, b)) = one(source) else {
        panic!()
    };
    assert_node(&a, None, "DevOps");
    assert_node(&b, None, "SRE");
    assert_eq!(at(source, b.span), "SRE");
}

#[test]
fn gap_with_and_without_importance() {
    let StatementKind::Gap(gap) = one("gap DevOps -> SRE") else {
        panic!()
    };
    assert_node(start_node(&gap.from), None, "DevOps");
    assert!(gap.min_importance.is_none());
    let source = "gap DevOps -> SRE min importance 4";
    let StatementKind::Gap(gap) = one(source) else {
        panic!()
    };
    let importance = gap.min_importance.unwrap();
    assert_eq!(importance.value, 4);
    assert_eq!(at(source, importance.span), "4");
}

#[test]
fn learn_from_role_profile_and_variable() {
    let StatementKind::Learn(learn) = one("learn DevOps -> SRE") else {
        panic!()
    };
    assert_node(start_node(&learn.from), None, "DevOps");

    let source = "learn [Linux, Python, Docker] -> SRE";
    let StatementKind::Learn(learn) = one(source) else {
        panic!()
    };
    let Start::Profile(profile) = &learn.from else {
        panic!()
    };
    assert_eq!(names(&profile.items), ["Linux", "Python", "Docker"]);
    assert_eq!(at(source, profile.span), "[Linux, Python, Docker]");
    assert_eq!(at(source, profile.items[1].span), "Python");

    let StatementKind::Learn(learn) = one("learn $me -> SRE min importance 3") else {
        panic!()
    };
    assert!(matches!(&learn.from, Start::Variable(v) if v.value == "me"));
    assert_eq!(learn.min_importance.unwrap().value, 3);

    let StatementKind::Learn(learn) = one(r#"learn DevOps -> SRE via "Platform Engineer""#) else {
        panic!()
    };
    assert_eq!(names(&learn.via), ["Platform Engineer"]);
}

#[test]
fn let_names_a_profile() {
    let source = "let me = [Linux, Python, Docker, Git]";
    let StatementKind::LetProfile(LetProfile { name, profile }) = one(source) else {
        panic!()
    };
    assert_eq!(name.value, "me");
    assert_eq!(at(source, name.span), "me");
    assert_eq!(names(&profile.items), ["Linux", "Python", "Docker", "Git"]);
}

#[test]
fn closest_to_a_profile() {
    let StatementKind::Closest(closest) = one("closest $me limit 5") else {
        panic!()
    };
    assert!(matches!(&closest.profile, Start::Variable(v) if v.value == "me"));
    assert_eq!(closest.limit.unwrap().value, 5);

    let StatementKind::Closest(closest) = one("closest [Linux, Python] min importance 3 limit 5")
    else {
        panic!()
    };
    let Start::Profile(profile) = &closest.profile else {
        panic!()
    };
    assert_eq!(names(&profile.items), ["Linux", "Python"]);
    assert_eq!(closest.min_importance.unwrap().value, 3);
    assert_eq!(closest.limit.unwrap().value, 5);
}

#[test]
fn add_nodes() {
    let source = r#"add skill "eBPF" { category: "observability", effort_hours: 40 }"#;
    let StatementKind::Add(Add { kind, name, props }) = one(source) else {
        panic!()
    };
    assert_eq!(kind.value, NodeKind::Skill);
    assert_eq!(at(source, kind.span), "skill");
    assert_eq!(name.value, "eBPF");
    assert_eq!(at(source, name.span), "\"eBPF\"");
    assert_eq!(props.len(), 2);
    assert_eq!(props[0].key.value, "category");
    assert_eq!(at(source, props[0].key.span), "category");
    assert_eq!(props[0].value.value, Value::Text("observability".into()));
    assert_eq!(props[1].key.value, "effort_hours");
    assert_eq!(props[1].value.value, Value::Number(40.0));
    assert_eq!(at(source, props[1].value.span), "40");

    let StatementKind::Add(Add { kind, name, props }) = one(r#"add role "Data Engineer""#) else {
        panic!()
    };
    assert_eq!(kind.value, NodeKind::Role);
    assert_eq!(name.value, "Data Engineer");
    assert!(props.is_empty());
}

#[test]
fn link_with_props() {
    let source = "link SRE requires eBPF { importance: 3 }";
    let StatementKind::Link(Link {
        from,
        edge,
        to,
        props,
    }) = one(source)
    else {
        panic!()
    };
    assert_node(&from, None, "SRE");
    assert_eq!(edge.value, EdgeKind::Requires);
    assert_eq!(at(source, edge.span), "requires");
    assert_node(&to, None, "eBPF");
    assert_eq!(props[0].value.value, Value::Number(3.0));

    let source = r#"link DevOps transition SRE { effort_hours: 200, skills: [SLOs, "Error budgets"], note: "..." }"#;
    let StatementKind::Link(Link { edge, props, .. }) = one(source) else {
        panic!()
    };
    assert_eq!(edge.value, EdgeKind::Transition);
    let skills = &props[1];
    assert_eq!(skills.key.value, "skills");
    assert_eq!(
        skills.value.value,
        Value::List(vec![
            Value::Text("SLOs".into()),
            Value::Text("Error budgets".into())
        ])
    );
    let items: Vec<&str> = skills
        .value
        .item_spans
        .iter()
        .map(|&s| at(source, s))
        .collect();
    assert_eq!(items, ["SLOs", "\"Error budgets\""]);
}

#[test]
fn every_edge_kind_links() {
    for kind in EdgeKind::ALL {
        let source = format!("link A {kind} B");
        let StatementKind::Link(Link { edge, .. }) = one(&source) else {
            panic!()
        };
        assert_eq!(edge.value, kind);
    }
}

#[test]
fn unlink_and_remove() {
    let StatementKind::Unlink(Unlink { from, edge, to }) = one("unlink SRE requires eBPF") else {
        panic!()
    };
    assert_node(&from, None, "SRE");
    assert_eq!(edge.value, EdgeKind::Requires);
    assert_node(&to, None, "eBPF");
    let StatementKind::Remove(Remove(node)) = one("remove eBPF") else {
        panic!()
    };
    assert_node(&node, None, "eBPF");
}

#[test]
fn bare_words_carry_punctuation() {
    for name in [
        "CI/CD",
        "C++",
        "C#",
        "Node.js",
        "onet:15-1252.00",
        "Kubernetes",
        "Sécurité",
        "データ",
        ".NET",
        "3D",
        "a_b-c",
    ] {
        let StatementKind::Show(node) = one(&format!("show {name}")) else {
            panic!()
        };
        assert_node(&node, None, name);
        assert!(skillgraph_query::parser::is_bare_name(name), "{name}");
    }
}

#[test]
fn kind_qualified_names() {
    let StatementKind::Show(node) = one("show skill:Git") else {
        panic!()
    };
    assert_node(&node, Some(NodeKind::Skill), "Git");
    let source = r#"show tool:"GitLab CI""#;
    let StatementKind::Show(node) = one(source) else {
        panic!()
    };
    assert_node(&node, Some(NodeKind::Tool), "GitLab CI");
    assert_eq!(at(source, node.span), source.strip_prefix("show ").unwrap());
    let StatementKind::Show(node) = one("show ROLE:SRE") else {
        panic!()
    };
    assert_node(&node, Some(NodeKind::Role), "SRE");
    // Only role, skill and tool qualify: the rest is one name.
    let StatementKind::Show(node) = one("show onet:15-1252.00") else {
        panic!()
    };
    assert_node(&node, None, "onet:15-1252.00");
}

#[test]
fn arrow_without_spaces_splits_names() {
    let StatementKind::Path(path) = one("path DevOps->SRE") else {
        panic!()
    };
    assert_node(start_node(&path.from), None, "DevOps");
    assert_node(&path.to, None, "SRE");
    let StatementKind::Path(path) = one("path CI/CD-Engineer->SRE-2") else {
        panic!()
    };
    assert_node(start_node(&path.from), None, "CI/CD-Engineer");
    assert_node(&path.to, None, "SRE-2");
}

#[test]
fn unicode_arrow() {
    let StatementKind::Path(path) = one("path DevOps → SRE") else {
        panic!()
    };
    assert_node(&path.to, None, "SRE");
    let StatementKind::Gap(gap) = one("gap DevOps→SRE") else {
        panic!()
    };
    assert_node(start_node(&gap.from), None, "DevOps");
}

#[test]
fn a_word_does_not_end_in_a_dot() {
    // `Node.js.` is the name `Node.js` and a stray `.`, not a name ending in a dot.
    let error = parse("show Node.js.").unwrap_err();
    assert_eq!(error.span, Span::new(12, 13));
    let StatementKind::Show(node) = one("show \"Node.js.\"") else {
        panic!()
    };
    assert_eq!(node.name, "Node.js.");
}

#[test]
fn keywords_are_case_insensitive() {
    let StatementKind::Path(path) =
        one("PATH DevOps -> SRE VIA Platform AVOID Ops MAX 3 BY EFFORT")
    else {
        panic!()
    };
    assert!(path.by_effort);
    let StatementKind::ListNodes(list) = one("Roles WHERE Requires(Go) Order By name Desc Limit 2")
    else {
        panic!()
    };
    assert!(list.order.unwrap().descending);
    assert!(matches!(
        one("Link A ReQuIrEs B"),
        StatementKind::Link(Link {
            edge: skillgraph_query::ast::Spanned {
                value: EdgeKind::Requires,
                ..
            },
            ..
        })
    ));
    assert!(matches!(one("ADD Skill x"), StatementKind::Add(Add { .. })));
}

#[test]
fn keywords_as_names_where_unambiguous() {
    // A node position always takes a name, even one spelled like a keyword.
    let StatementKind::Show(node) = one("show path") else {
        panic!()
    };
    assert_node(&node, None, "path");
    let StatementKind::Path(path) = one("path via -> max via limit") else {
        panic!()
    };
    assert_node(start_node(&path.from), None, "via");
    assert_node(&path.to, None, "max");
    assert_eq!(names(&path.route.via), ["limit"]);
    // A value in a condition may not be a bare `and`/`or`/`not`/`order`/`limit`: quote it.
    let expr = filter_of(r#"roles where name = "order" order by name"#);
    let ExprKind::Compare { value, .. } = expr.kind else {
        panic!()
    };
    assert_eq!(value.value, Value::Text("order".into()));
}

#[test]
fn quoted_strings_and_escapes() {
    let source = r#"show "Site \"Reliability\" \\ Engineer\n""#;
    let StatementKind::Show(node) = one(source) else {
        panic!()
    };
    assert_eq!(node.name, "Site \"Reliability\" \\ Engineer\n");
    assert!(node.quoted);
    let StatementKind::Show(node) = one(r#"show 'O\'Reilly "books"'"#) else {
        panic!()
    };
    assert_eq!(node.name, "O'Reilly \"books\"");
    // A keyword in quotes is a name.
    let StatementKind::Show(node) = one(r#"show "show""#) else {
        panic!()
    };
    assert_eq!(node.name, "show");
}

#[test]
fn comments_blank_lines_and_separators() {
    let source = "# a script\n\nshow SRE   # one node\n;;\nroles; skills ;tools\n\n  # done\n";
    let statements = script(source).statements;
    let keywords: Vec<&str> = statements.iter().map(|s| s.kind.keyword()).collect();
    assert_eq!(keywords, ["show", "roles", "skills", "tools"]);
    // A statement's span stops at its last token, before spaces and comments.
    assert_eq!(at(source, statements[0].span), "show SRE");
    assert_eq!(at(source, statements[2].span), "skills");
    assert!(script("").statements.is_empty());
    assert!(script("  # nothing\n;\n").statements.is_empty());
}

#[test]
fn hash_inside_a_word_is_not_a_comment() {
    let statements = script("show C# # the language").statements;
    let StatementKind::Show(node) = &statements[0].kind else {
        panic!()
    };
    assert_eq!(node.name, "C#");
}

#[test]
fn crlf_and_continuation_lines() {
    let source = "show SRE\r\nroles where a = 1 \\\r\n  and b = 2 \\\n  limit 3\r\n";
    let statements = script(source).statements;
    assert_eq!(statements.len(), 2);
    let StatementKind::ListNodes(list) = &statements[1].kind else {
        panic!()
    };
    assert_eq!(list.limit.as_ref().unwrap().value, 3);
}

#[test]
fn brackets_may_span_lines() {
    let source = "let me = [\n  Linux,   # the basics\n  Python,\n]\nlink A transition B {\n  effort_hours: 200,\n  note: \"x\"\n}\n";
    let statements = script(source).statements;
    assert_eq!(statements.len(), 2);
    let StatementKind::LetProfile(LetProfile { profile, .. }) = &statements[0].kind else {
        panic!()
    };
    assert_eq!(names(&profile.items), ["Linux", "Python"]);
    let StatementKind::Link(Link { props, .. }) = &statements[1].kind else {
        panic!()
    };
    assert_eq!(props.len(), 2);
}

#[test]
fn spans_point_into_multi_line_scripts() {
    let source = "show SRE\n  path DevOps -> \"Site Reliability\"";
    let statements = script(source).statements;
    assert_eq!(
        at(source, statements[1].span),
        "path DevOps -> \"Site Reliability\""
    );
    let StatementKind::Path(path) = &statements[1].kind else {
        panic!()
    };
    assert_eq!(
        skillgraph_query::line_col(source, path.to.span.start),
        (2, 18)
    );
}

#[test]
fn empty_lists_and_trailing_commas() {
    let StatementKind::LetProfile(LetProfile { profile, .. }) = one("let none = []") else {
        panic!()
    };
    assert!(profile.items.is_empty());
    let StatementKind::LetProfile(LetProfile { profile, .. }) = one("let me = [a, b,]") else {
        panic!()
    };
    assert_eq!(names(&profile.items), ["a", "b"]);
    let StatementKind::Add(Add { props, .. }) = one("add tool x {}") else {
        panic!()
    };
    assert!(props.is_empty());
}

#[test]
fn node_refs_display_as_they_parse() {
    for source in ["show skill:Git", r#"show "Site Reliability""#, "show C++"] {
        let StatementKind::Show(node) = one(source) else {
            panic!()
        };
        let again = format!("show {node}");
        let StatementKind::Show(reparsed) = one(&again) else {
            panic!()
        };
        assert_eq!(reparsed.name, node.name);
        assert_eq!(reparsed.kind, node.kind);
    }
}

#[test]
fn quote_name_round_trips() {
    use skillgraph_query::parser::quote_name;
    for name in [
        "SRE",
        "Site Reliability",
        "skill:Git",
        "a\"b\\c",
        "Node.",
        "->",
        "x->y",
        "#tag",
        "-x",
    ] {
        let StatementKind::Show(node) = one(&format!("show {}", quote_name(name))) else {
            panic!()
        };
        assert_eq!(node.name, name, "{name}");
        assert_eq!(node.kind, None, "{name}");
    }
}

#[test]
fn keywords_lists_are_consistent() {
    use skillgraph_query::reference::forms_of;
    use skillgraph_query::{KEYWORDS, STATEMENT_FORMS, STATEMENT_KEYWORDS};
    for keyword in STATEMENT_KEYWORDS {
        assert!(KEYWORDS.contains(keyword));
        assert!(!forms_of(keyword).is_empty(), "no form for `{keyword}`");
    }
    for form in STATEMENT_FORMS {
        assert!(form.usage.starts_with(form.keyword));
    }
}

#[test]
fn repl_knows_when_a_statement_is_unfinished() {
    use skillgraph_query::needs_more_input;
    for unfinished in [
        "show \"Site",
        "show 'Site",
        "let me = [Linux,",
        "add skill x {",
        "link A transition B { skills: [a,",
        "roles where a = 1 \\",
        "roles where a = 1 \\  ",
        "show \"a\\\"",
    ] {
        assert!(needs_more_input(unfinished), "{unfinished:?}");
    }
    for finished in [
        "",
        "show SRE",
        "show \"Site Reliability\"",
        "let me = [Linux]",
        "show x # [ not a bracket",
        "show C# # [ a comment",
        "learn [a) -> b",
        "roles where (a = 1",
        "show a \\ b",
        "]",
    ] {
        assert!(!needs_more_input(finished), "{finished:?}");
    }
    // What the REPL gathers parses.
    assert!(parse("let me = [Linux,\n  Python]\nroles where a = 1 \\\n and b = 2").is_ok());
}

#[test]
fn a_source_qualifier_follows_the_name_with_its_own_span() {
    let source = r#"show role:"DevOps Engineer"@esco"#;
    let StatementKind::Show(node) = one(source) else {
        panic!()
    };
    assert_node(&node, Some(NodeKind::Role), "DevOps Engineer");
    assert_eq!(at(source, node.span), r#"role:"DevOps Engineer"@esco"#);
    let src = node.source.as_ref().expect("a source");
    assert_eq!(src.value, "esco");
    assert_eq!(at(source, src.span), "esco");
    // Written back, it reads the same.
    assert_eq!(node.to_string(), r#"role:"DevOps Engineer"@esco"#);
    // A bare name, and a source id with a dot and a dash.
    let source = "learn [Kubernetes@onet-29.3] -> SRE@curated";
    let StatementKind::Learn(learn) = one(source) else {
        panic!()
    };
    assert_eq!(learn.to.source.as_ref().unwrap().value, "curated");
    let Start::Profile(profile) = &learn.from else {
        panic!()
    };
    assert_eq!(profile.items[0].source.as_ref().unwrap().value, "onet-29.3");
    // Ids keep their colons: no source there.
    let StatementKind::Show(node) = one("show onet:tech:kubernetes") else {
        panic!()
    };
    assert_eq!(node.name, "onet:tech:kubernetes");
    assert!(node.source.is_none());
}

#[test]
fn role_filters_on_lists_and_closest() {
    let source = "roles where uses(Python) from onet keep pay limit 3";
    let StatementKind::ListNodes(list) = one(source) else {
        panic!()
    };
    let from = list.roles.from.as_ref().unwrap();
    assert_eq!(
        (from.value.as_str(), at(source, from.span)),
        ("onet", "onet")
    );
    assert_eq!(list.roles.keep_pay.as_ref().unwrap().value, None);
    assert!(list.filter.is_some());
    let StatementKind::Closest(q) =
        one("closest DevOps keep pay 90% job zone within 1 from curated")
    else {
        panic!()
    };
    assert_eq!(q.roles.keep_pay.as_ref().unwrap().value, Some(0.9));
    assert_eq!(q.roles.zone_within.as_ref().unwrap().value, 1);
    assert_eq!(q.roles.from.as_ref().unwrap().value, "curated");
}
