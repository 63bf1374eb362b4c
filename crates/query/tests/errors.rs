//! One test per kind of mistake: the message, where the caret lands (line and column, checked
//! in the rendered text too) and the help. Rendering is without colour so lines can be read.

use skillgraph_query::ast::Span;
use skillgraph_query::parser::{expected_after, MAX_NESTING};
use skillgraph_query::{line_col, parse, render, ErrorKind, QueryError};

/// The error `source` gives, rendered.
struct Failure {
    error: QueryError,
    rendered: String,
    source: String,
}

#[track_caller]
fn fail(source: &str) -> Failure {
    let error = match parse(source) {
        Ok(script) => panic!("`{source}` parsed: {script:?}"),
        Err(error) => error,
    };
    let rendered = render(&error, "query", source, false);
    Failure {
        error,
        rendered,
        source: source.to_string(),
    }
}

impl Failure {
    #[track_caller]
    fn kind(&self, kind: ErrorKind) -> &Self {
        assert_eq!(self.error.kind, kind, "{}", self.rendered);
        self
    }

    #[track_caller]
    fn message(&self, message: &str) -> &Self {
        assert_eq!(self.error.message, message, "{}", self.rendered);
        assert!(
            self.rendered.contains(message),
            "message missing from:\n{}",
            self.rendered
        );
        self
    }

    #[track_caller]
    fn help(&self, help: &str) -> &Self {
        assert_eq!(self.error.help.as_deref(), Some(help), "{}", self.rendered);
        assert!(
            self.rendered.contains(&format!("help: {help}")),
            "help missing from:\n{}",
            self.rendered
        );
        self
    }

    #[track_caller]
    fn label(&self, label: &str) -> &Self {
        assert_eq!(
            self.error.label.as_deref(),
            Some(label),
            "{}",
            self.rendered
        );
        assert!(self.rendered.contains(label), "{}", self.rendered);
        self
    }

    /// The caret is at 1-based `line` and character `column`, `width` characters wide: per
    /// `line_col`, in the location line, and under the source line in the rendering.
    #[track_caller]
    fn caret(&self, line: usize, column: usize, width: usize) -> &Self {
        assert_eq!(
            line_col(&self.source, self.error.span.start),
            (line, column),
            "{}",
            self.rendered
        );
        assert!(
            self.rendered.contains(&format!("[query:{line}:{column}]")),
            "location missing from:\n{}",
            self.rendered
        );
        let (shown_line, marks) = underline(&self.rendered);
        let width = width.max(1);
        if shown_line.starts_with('…') {
            // A long line is shown as a window: the caret stands on the same text.
            let under: String = shown_line
                .chars()
                .skip(marks[0].0 - 1)
                .take(width)
                .collect();
            let expected: String = self.source[self.error.span.start..]
                .chars()
                .take(width)
                .collect();
            assert_eq!(
                under.trim_end(),
                expected,
                "caret position in:\n{}",
                self.rendered
            );
        } else {
            assert!(
                marks.iter().any(|&(c, w)| (c, w.max(1)) == (column, width)),
                "caret position {:?} in:\n{}",
                marks,
                self.rendered
            );
        }
        self
    }
}

/// The first source line shown in a rendering (without its gutter), and the column (1-based,
/// in characters) and width of each mark on the underline line below it.
fn underline(rendered: &str) -> (String, Vec<(usize, usize)>) {
    let is_mark = |c: char| matches!(c, '─' | '┬' | '┼' | '▲');
    let lines: Vec<&str> = rendered.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with('·') && l.chars().any(is_mark))
        .unwrap_or_else(|| panic!("no underline in:\n{rendered}"));
    let shown = lines[at - 1].split_once("│ ").map_or("", |(_, text)| text);
    let row: Vec<char> = lines[at].split_once("· ").unwrap().1.chars().collect();
    let mut marks = Vec::new();
    let mut i = 0;
    while i < row.len() {
        if is_mark(row[i]) {
            let start = i;
            while i < row.len() && is_mark(row[i]) {
                i += 1;
            }
            marks.push((start + 1, i - start));
        } else {
            i += 1;
        }
    }
    (shown.to_string(), marks)
}

#[test]
fn unknown_statement_suggests_the_nearest() {
    fail("pth DevOps -> SRE")
        .kind(ErrorKind::UnknownStatement)
        .message("unknown statement `pth`")
        .help("did you mean `path`?")
        .caret(1, 1, 3);
    fail("show SRE\n  lern DevOps -> SRE")
        .kind(ErrorKind::UnknownStatement)
        .message("unknown statement `lern`")
        .help("did you mean `learn`?")
        .caret(2, 3, 4);
}

#[test]
fn unknown_statement_far_from_any_lists_them() {
    let failure = fail("frobnicate x");
    failure
        .kind(ErrorKind::UnknownStatement)
        .message("unknown statement `frobnicate`")
        .caret(1, 1, 10);
    assert!(failure
        .error
        .help
        .as_deref()
        .unwrap()
        .contains("show, roles"));
}

#[test]
fn not_a_statement_at_all() {
    fail("-> SRE")
        .kind(ErrorKind::Syntax)
        .message("expected a statement such as `show`, `path` or `learn`")
        .caret(1, 1, 2);
}

#[test]
fn missing_arrow() {
    fail("path DevOps SRE")
        .kind(ErrorKind::Syntax)
        .message("expected `->` after `DevOps`")
        .label("found `SRE`")
        .help("the form is `path START -> ROLE [via ROLE, …] [avoid ROLE, …] [max N] [by effort] [max hours N] [keep pay N%] [job zone within N]`")
        .caret(1, 13, 3);
}

#[test]
fn missing_destination_at_the_end() {
    fail("path DevOps ->")
        .kind(ErrorKind::Syntax)
        .message("expected a node name or a quoted string after `->`")
        .label("found the end of the input")
        .caret(1, 15, 1);
    fail("gap DevOps →\nshow x")
        .message("expected a node name or a quoted string after `→`")
        .label("found the end of the line")
        .caret(1, 13, 1);
}

#[test]
fn missing_number() {
    fail("roles limit many")
        .kind(ErrorKind::Syntax)
        .message("expected a number after `limit`")
        .caret(1, 13, 4);
    fail("closest $me min importance")
        .message("expected a number after `importance`")
        .caret(1, 27, 1);
}

#[test]
fn unquoted_name_with_a_space() {
    fail("path Build Engineer -> SRE")
        .message("expected `->` after `Build`")
        .help(r#"if `Build Engineer` is one name, quote it: "Build Engineer""#)
        .caret(1, 12, 8);
    fail("show Site Reliability Engineer")
        .message("expected the end of the statement after `Site`")
        .help(r#"if `Site Reliability` is one name, quote it: "Site Reliability""#)
        .caret(1, 11, 11);
}

#[test]
fn unknown_clause() {
    fail("path DevOps -> SRE vai Ops")
        .kind(ErrorKind::UnknownClause)
        .message("unknown clause `vai` in `path`")
        .help("did you mean `via`?")
        .caret(1, 20, 3);
    fail("roles wher salary.avg > 1")
        .kind(ErrorKind::UnknownClause)
        .message("unknown clause `wher` in `roles`")
        .help("did you mean `where`?")
        .caret(1, 7, 4);
}

#[test]
fn clause_on_the_wrong_statement() {
    fail("path DevOps -> SRE limit 5")
        .kind(ErrorKind::MisplacedClause)
        .message("`limit` does not apply to `path`")
        .help("`path` gives the one best route; `paths … limit N` lists several")
        .caret(1, 20, 5);
    fail("paths DevOps -> SRE by effort")
        .kind(ErrorKind::MisplacedClause)
        .message("`by effort` does not apply to `paths`")
        .caret(1, 21, 9);
    fail("gap DevOps -> SRE via Ops")
        .kind(ErrorKind::MisplacedClause)
        .message("`via` does not apply to `gap`")
        .help("`gap` takes `min importance N` or `with [all] tools | without tools`")
        .caret(1, 19, 3);
    fail("roles via Ops")
        .kind(ErrorKind::MisplacedClause)
        .message("`via` does not apply to `roles`")
        .caret(1, 7, 3);
}

#[test]
fn repeated_clause_points_at_the_second() {
    let failure = fail("path A -> B max 2 via C max 3");
    failure
        .kind(ErrorKind::RepeatedClause)
        .message("`max` is given twice")
        .label("second time")
        .caret(1, 25, 5);
    // The primary span is the second clause; the first is a note.
    assert_eq!(
        &failure.source[failure.error.span.range()],
        "max 3",
        "{}",
        failure.rendered
    );
    assert_eq!(failure.error.notes[0].span, Span::new(12, 17));
    assert!(failure.rendered.contains("first given here"));
    fail("roles limit 1 limit 2")
        .kind(ErrorKind::RepeatedClause)
        .message("`limit` is given twice");
}

#[test]
fn unknown_edge_kind() {
    fail("link A requirs B")
        .kind(ErrorKind::UnknownEdgeKind)
        .message("unknown edge kind `requirs`")
        .help("did you mean `requires`?")
        .caret(1, 8, 7);
    let failure = fail("unlink A owns B");
    failure
        .kind(ErrorKind::UnknownEdgeKind)
        .message("unknown edge kind `owns`");
    assert!(failure
        .error
        .help
        .as_deref()
        .unwrap()
        .contains("prerequisite"));
}

#[test]
fn unclosed_string() {
    fail("show \"Site Reliability")
        .kind(ErrorKind::UnclosedString)
        .message("unclosed string")
        .caret(1, 6, 1);
    fail("show SRE\nlearn 'Ops -> SRE")
        .kind(ErrorKind::UnclosedString)
        .caret(2, 7, 1);
}

#[test]
fn unclosed_bracket() {
    fail("learn [Linux, Python")
        .kind(ErrorKind::UnbalancedBracket)
        .message("unclosed `[`")
        .help("close it with `]`")
        .caret(1, 7, 1);
    fail("roles where (a = 1 or b = 2")
        .kind(ErrorKind::UnbalancedBracket)
        .message("unclosed `(`")
        .caret(1, 13, 1);
}

#[test]
fn list_missing_its_comma_points_back_at_the_bracket() {
    let failure = fail("learn [Linux, Python -> SRE");
    failure
        .kind(ErrorKind::Syntax)
        .message("expected `,` or `]` after `Python`")
        .caret(1, 22, 2);
    assert_eq!(failure.error.notes[0].span, Span::new(6, 7));
    assert!(failure.rendered.contains("`[` opened here"));
}

#[test]
fn unmatched_closing_bracket() {
    fail("roles where a = 1)")
        .kind(ErrorKind::UnbalancedBracket)
        .message("unmatched `)`")
        .caret(1, 18, 1);
    fail("learn [Linux) -> SRE")
        .kind(ErrorKind::UnbalancedBracket)
        .message("`)` does not close `[`")
        .caret(1, 13, 1);
}

#[test]
fn invalid_escape() {
    fail(r#"show "C:\Tools""#)
        .kind(ErrorKind::InvalidEscape)
        .message(r"unknown escape `\T` in a string")
        .caret(1, 9, 2);
}

#[test]
fn invalid_numbers() {
    fail("closest $me limit 1.5")
        .kind(ErrorKind::InvalidNumber)
        .message("`limit` needs a whole number, not `1.5`")
        .caret(1, 19, 3);
    fail("paths A -> B max 0")
        .kind(ErrorKind::InvalidNumber)
        .message("`max` needs a number of at least 1, not `0`")
        .caret(1, 18, 1);
    fail("roles limit -3")
        .kind(ErrorKind::InvalidNumber)
        .message("`limit` needs a number of at least 1, not `-3`");
    fail("roles limit 99999999999999999999999")
        .kind(ErrorKind::InvalidNumber)
        .message("`99999999999999999999999` is too large for `limit`");
    fail("gap A -> B min importance 7")
        .kind(ErrorKind::InvalidNumber)
        .message("importance goes from 1 to 5, not `7`")
        .caret(1, 27, 1);
    fail("set A x = 1e999")
        .kind(ErrorKind::InvalidNumber)
        .message("the number `1e999` is too large");
}

#[test]
fn repeated_field() {
    let failure = fail("add skill eBPF { category: a, effort_hours: 4, category: b }");
    failure
        .kind(ErrorKind::RepeatedField)
        .message("the field `category` is given twice")
        .caret(1, 48, 8);
    assert_eq!(failure.error.notes[0].span, Span::new(17, 25));
}

#[test]
fn empty_name() {
    fail(r#"show """#)
        .kind(ErrorKind::EmptyName)
        .message("a name cannot be empty")
        .caret(1, 6, 2);
}

#[test]
fn too_deeply_nested_points_at_the_first_paren_beyond_the_limit() {
    let prefix = "roles where ";
    let source = format!("{prefix}{}a = 1{}", "(".repeat(10_000), ")".repeat(10_000));
    let failure = fail(&source);
    failure
        .kind(ErrorKind::TooDeeplyNested)
        .message("brackets nest too deeply (more than 128 levels)")
        .caret(1, prefix.len() + MAX_NESTING + 1, 1);
    // The rendering shows a short window of the long line, not all of it.
    assert!(failure.rendered.len() < 2_000, "{}", failure.rendered);

    let lists = format!("let x = {}", "[".repeat(10_000));
    fail(&lists).kind(ErrorKind::TooDeeplyNested);
}

/// What the shell asks pest while a line is typed: deep brackets get no answer rather than
/// a descent that would exhaust the stack (pest probes no stack of its own: `lib.rs`).
#[test]
fn too_deep_nesting_expects_nothing_and_returns() {
    let deep = [
        format!("roles where {}", "(".repeat(200_000)),
        format!("set x y = {}", "[".repeat(200_000)),
        format!("set x y = {}", "{a: ".repeat(200_000)),
    ];
    for source in deep {
        assert_eq!(expected_after(&source), None, "{}", &source[..15]);
    }
    let depth = MAX_NESTING;
    let source = format!("set x y = {}1", "[".repeat(depth));
    assert!(expected_after(&source).is_some());
}

#[test]
fn nesting_up_to_the_limit_parses() {
    let depth = MAX_NESTING;
    let source = format!(
        "roles where {}a = 1{}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    assert!(parse(&source).is_ok());
    let source = format!("set x y = {}1{}", "[".repeat(depth), "]".repeat(depth));
    assert!(parse(&source).is_ok());
}

#[test]
fn control_characters_outside_strings() {
    fail("show a\0")
        .kind(ErrorKind::ControlCharacter)
        .message("a NUL character is not allowed outside a string")
        .caret(1, 7, 1);
    fail("show SRE # comment \u{7}")
        .kind(ErrorKind::ControlCharacter)
        .message("the control character U+0007 is not allowed outside a string");
    fail("\u{1b}[31mshow x")
        .kind(ErrorKind::ControlCharacter)
        .caret(1, 1, 1);
    // Inside a string it is the name's business.
    assert!(parse("show \"a\u{7}b\"").is_ok());
}

#[test]
fn columns_count_characters_not_bytes() {
    fail("show Sécurité Réseau")
        .message("expected the end of the statement after `Sécurité`")
        .caret(1, 15, 6);
    assert_eq!(line_col("é\r\nab\rc", 7), (3, 1));
    assert_eq!(line_col("ab", 99), (1, 3));
}

#[test]
fn dollar_in_let_is_explained() {
    fail("let $me = [Linux]")
        .message("expected a variable name after `let`")
        .help("name the profile without `$` (`let me = [Linux, Git]`), then use it as `$me`")
        .caret(1, 5, 3);
}

#[test]
fn errors_in_conditions() {
    fail("roles where salary.avg >")
        .message("expected a value (text, a number, `true`, `false`, a list `[…]` or a record `{…}`) after `>`")
        .caret(1, 25, 1);
    fail("roles where salary.avg 3")
        .message("expected a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`, `contains`, `starts with` or `in`) after `salary.avg`")
        .caret(1, 24, 1);
    fail("roles where a = 1 order name")
        .message("expected `by` after `order`")
        .caret(1, 25, 4);
}

#[test]
fn error_on_a_megabyte_line_renders_briefly() {
    let source = format!("roles where {}x", "a = 1 and ".repeat(100_000));
    let failure = fail(&source);
    let column = source.len() + 1;
    failure.caret(1, column, 1);
    assert!(failure.rendered.len() < 2_000);
    assert!(failure.rendered.contains('…'));
}

#[test]
fn messages_never_show_pest_internals() {
    let broken = [
        "pth x",
        "path",
        "path a",
        "path a ->",
        "path a -> b max",
        "roles where",
        "roles where (",
        "roles where a",
        "roles where a =",
        "roles where requires(",
        "roles order",
        "link a",
        "link a requires",
        "add",
        "add skill",
        "add skill x {",
        "add skill x { a",
        "add skill x { a:",
        "set a",
        "set a b",
        "set a b =",
        "let",
        "let x",
        "let x =",
        "let x = [a",
        "compare a",
        "compare a,",
        "closest limit x",
        "show $",
        "learn $ -> x",
        "gap [a,,] -> b",
        "skills of",
        "show a b c",
        ";;;;x",
        "show a\\ b",
        "roles where a in 3",
        "roles where has(1)",
    ];
    for source in broken {
        let error = parse(source).unwrap_err();
        let rendered = render(&error, "query", source, false);
        for internal in ["Rule", "EOI", "node_ref", "kw_", "_clause", "positives"] {
            assert!(
                !rendered.contains(internal),
                "`{source}` shows `{internal}`:\n{rendered}"
            );
        }
        assert!(error.message.starts_with(|c: char| !c.is_uppercase()));
    }
}

#[test]
fn evaluator_errors_render_the_same_way() {
    let source = "learn DevOps -> Kubernets";
    let error = QueryError::new(16..25, "no skill is called `Kubernets`")
        .with_kind(ErrorKind::UnknownName)
        .with_label("unknown name")
        .with_help("did you mean `Kubernetes`?");
    let rendered = render(&error, "script.sgq", source, false);
    assert!(rendered.contains("no skill is called `Kubernets`"));
    assert!(rendered.contains("[script.sgq:1:17]"));
    assert!(rendered.contains("help: did you mean `Kubernetes`?"));
    assert_eq!(underline(&rendered).1, [(17, 9)]);
}

#[test]
fn render_survives_any_span() {
    let source = "show é";
    for span in [
        Span::new(0, 0),
        Span::new(6, 7),
        Span::new(5, 6),
        Span::new(7, 3),
        Span::new(100, 200),
        Span::new(usize::MAX - 1, usize::MAX),
    ] {
        let error = QueryError::new(span, "odd span").with_note(Span::new(3, 999), "note");
        let rendered = render(&error, "query", source, false);
        assert!(rendered.contains("odd span"));
    }
    let rendered = render(&QueryError::new(0..0, "nothing"), "query", "", false);
    assert!(rendered.contains("nothing"));
}

#[test]
fn colour_is_only_added_when_asked() {
    let failure = fail("pth x");
    assert!(!failure.rendered.contains('\u{1b}'));
    let coloured = render(&failure.error, "query", "pth x", true);
    assert!(coloured.contains('\u{1b}'));
}

#[test]
fn keyword_as_a_bare_value_is_explained() {
    fail("roles where category = order by name")
        .message("expected a value (text, a number, `true`, `false`, a list `[…]` or a record `{…}`) after `=`")
        .help(r#"`order` is a keyword here; to mean the text, quote it: "order""#)
        .caret(1, 24, 5);
    // A longer word that starts like a keyword is text.
    assert!(parse("roles where category = orders").is_ok());
    assert!(parse("roles where category = ord").is_ok());
}

#[test]
fn newline_inside_parentheses_ends_the_line() {
    fail("show a\nroles where requires(x\nshow d")
        .message("expected `)` after `x`")
        .label("found the end of the line")
        .caret(2, 23, 1);
}

#[test]
fn an_at_sign_without_a_source_or_after_a_space() {
    fail("show Kubernetes@")
        .kind(ErrorKind::Syntax)
        .message("`@` needs a dataset or source id after it")
        .caret(1, 16, 1);
    fail("show Kubernetes@ limit")
        .kind(ErrorKind::Syntax)
        .message("`@` needs a dataset or source id after it")
        .caret(1, 16, 1);
    fail("show Kubernetes @onet")
        .kind(ErrorKind::Syntax)
        .message("`@` goes right after the name, without a space")
        .caret(1, 17, 1);
}

#[test]
fn keep_pay_on_a_route_needs_its_share() {
    fail("path DevOps -> SRE keep pay")
        .message("`keep pay` on a route needs the share of the start's pay to keep")
        .help("e.g. `keep pay 90%`")
        .caret(1, 20, 8);
}

#[test]
fn job_zone_within_and_keep_pay_do_not_apply_to_skills() {
    fail("skills keep pay")
        .kind(ErrorKind::MisplacedClause)
        .message("`keep pay` does not apply to `skills`");
    fail("roles job zone within 1")
        .kind(ErrorKind::MisplacedClause)
        .message("`job zone within` does not apply to `roles`");
}
