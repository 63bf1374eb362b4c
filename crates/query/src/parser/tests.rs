/// Nothing names a keyword or a statement form that the grammar does not have: the word lists
/// are generated from it, and what the parser, the reference and the model spell out by hand is
/// checked against it here.
#[cfg(test)]
mod grammar_tests {
    use crate::ast::EdgeKind;
    use crate::forms::clauses_of;
    use crate::parser::clauses::ClauseName;
    use crate::parser::*;
    use crate::reference::STATEMENT_FORMS;

    #[test]
    fn every_statement_form_is_the_grammars_and_documented() {
        for form in STATEMENT_FORMS {
            assert!(
                STATEMENT_KEYWORDS.contains(&form.keyword),
                "the reference documents `{}`, which no statement of the grammar starts with",
                form.usage
            );
        }
        for (rule, words) in STATEMENT_RULES {
            assert!(
                STATEMENT_FORMS.iter().any(|f| words.contains(&f.keyword)),
                "the grammar's {rule:?} ({words:?}) has no form in reference::STATEMENT_FORMS"
            );
        }
    }

    /// `StatementKind::keyword` names each statement as the grammar spells it.
    #[test]
    fn every_statements_keyword_is_the_grammars() {
        for form in STATEMENT_FORMS {
            for example in form.examples {
                let script = parse(example).unwrap_or_else(|e| panic!("`{example}`: {e}"));
                for statement in script.statements {
                    let keyword = statement.kind.keyword();
                    let first = example.split(' ').next().unwrap_or_default();
                    let spellings = STATEMENT_RULES
                        .iter()
                        .find(|(_, words)| words.contains(&first))
                        .map_or(&[][..], |(_, words)| *words);
                    assert!(
                        spellings.contains(&keyword),
                        "`{example}` is a {keyword:?} statement, which the grammar spells \
                         {spellings:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_clause_is_the_grammars() {
        for &rule in CLAUSE_RULES {
            let clause = ClauseName::of_rule(rule)
                .unwrap_or_else(|| panic!("the grammar's clause {rule:?} has no ClauseName"));
            let usage_word = clause.usage().split(' ').next().unwrap_or_default();
            assert!(
                clause.starts_with(usage_word),
                "{clause:?} is written `{}`, but the grammar starts it with {:?}",
                clause.usage(),
                first_words(rule)
            );
        }
        for keyword in STATEMENT_KEYWORDS {
            for clause in clauses_of(keyword) {
                assert!(CLAUSE_RULES.contains(&clause.rule()), "{clause:?}");
            }
        }
    }

    #[test]
    fn the_models_kinds_are_the_grammars() {
        let edges: Vec<&str> = EdgeKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(first_words(Rule::edge_kind), edges);
        for word in first_words(Rule::node_kind_word) {
            assert!(NodeKind::parse(word).is_some(), "{word}");
        }
        for word in first_words(Rule::edge_predicate) {
            assert!(EdgeKind::parse(word).is_some(), "{word}");
        }
    }

    #[test]
    fn the_word_lists_hold_the_grammars_keywords() {
        for rule in [
            Rule::kw_show,
            Rule::kw_neighbourhood,
            Rule::list_kind,
            Rule::sort_direction,
        ] {
            for word in first_words(rule) {
                assert!(KEYWORDS.contains(word), "{word}");
            }
        }
        assert!(STATEMENT_KEYWORDS.contains(&"learned") && STATEMENT_KEYWORDS.contains(&"roles"));
        assert_eq!(first_words(Rule::per_week), ["hours/week", "h/week"]);
    }
}

#[cfg(test)]
mod split_tests {
    use proptest::prelude::*;

    use crate::parser::{needs_more_input, split_pieces};

    /// The definition [`split_pieces`] must agree with: ask at every line end.
    fn pieces_by_asking(source: &str) -> Vec<(usize, &str)> {
        let mut pieces = Vec::new();
        let (mut start, mut pos) = (0, 0);
        while pos < source.len() {
            pos = source[pos..]
                .find('\n')
                .map_or(source.len(), |i| pos + i + 1);
            if !needs_more_input(&source[start..pos]) {
                pieces.push((start, &source[start..pos]));
                start = pos;
            }
        }
        if start < source.len() {
            pieces.push((start, &source[start..]));
        }
        pieces
    }

    /// What changes whether a piece is complete, and what hides those from the scan.
    const PARTS: &[&str] = &[
        "(", ")", "[", "]", "{", "}", "\"", "'", "\\", "\\\"", "#", "# x", "\n", "\r\n", "\r", " ",
        "\t", "a", "C#", "C#(", "x.y", ".a", ".", "-", "->", "-1", "$x", "$x#", "→", ";", "\\\n",
        "\\ \n", "\\ \r\n", "\\\r", ":", "é", "\u{301}",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn split_pieces_agrees_with_asking_at_every_line_end(
            parts in prop::collection::vec(prop::sample::select(PARTS), 0..40)
        ) {
            let source: String = parts.concat();
            prop_assert_eq!(split_pieces(&source), pieces_by_asking(&source));
        }
    }

    #[test]
    fn a_long_open_list_is_one_piece() {
        let source = format!(
            "let me = [\n{}]\nshow SRE\n",
            "  \"Linux\",\n".repeat(50_000)
        );
        let pieces = split_pieces(&source);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[1], (source.len() - "show SRE\n".len(), "show SRE\n"));
    }
}

#[cfg(test)]
mod one_statement_tests {
    use proptest::prelude::*;

    use crate::ast::Script;
    use crate::parser::{one_statement, parse_with_grammar};

    /// Words of the plain forms, in several cases, and words next to them that the grammar
    /// reads otherwise (or not at all).
    const WORDS: &[&str] = &[
        "show",
        "SHOW",
        "skills",
        "Skills",
        "tools",
        "of",
        "OF",
        "path",
        "paths",
        "PATHS",
        "gap",
        "Gap",
        "learn",
        "why",
        "profile",
        "profiles",
        "learnt",
        "learning",
        "compare",
        "remove",
        "->",
        "-",
        ">",
        "→",
        "r1",
        "SRE",
        "_x",
        "9",
        "a1_B",
        "via",
        "max",
        "limit",
        "min",
        "importance",
        "by",
        "effort",
        "role",
        "skill:Git",
        "role:",
        "a-b",
        "C#",
        "C++",
        "x.y",
        ".NET",
        "\"Q R\"",
        "'q'",
        "$me",
        "[a]",
        "é",
        "r1->r2",
        "#",
        ";",
        "\\",
        "\u{feff}",
        "\u{1}",
    ];
    const GAPS: &[&str] = &["", " ", "  ", "\t", " \t "];
    const ENDS: &[&str] = &[
        "", "\n", "\r\n", "\r", " \n", ";", " # note", "\n\n", "\\\n",
    ];

    /// When one statement's reading answers, it is the whole grammar's reading.
    fn agrees(source: &str) -> Result<(), TestCaseError> {
        if let Some(statement) = one_statement(source) {
            let script = Script {
                statements: vec![statement],
            };
            prop_assert_eq!(
                parse_with_grammar(source).ok(),
                Some(script),
                "{:?}",
                source
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn one_statements_reading_is_the_grammars(
            lead in prop::sample::select(GAPS),
            words in prop::collection::vec(
                (prop::sample::select(WORDS), prop::sample::select(GAPS)),
                0..6,
            ),
            end in prop::sample::select(ENDS),
        ) {
            let mut source = lead.to_string();
            for (word, gap) in words {
                source.push_str(word);
                source.push_str(if gap.is_empty() { " " } else { gap });
            }
            source.push_str(end);
            agrees(&source)?;
        }

        #[test]
        fn frequent_forms_are_the_grammars(
            form in 0usize..8,
            upper in any::<bool>(),
            a in prop::sample::select(WORDS),
            b in prop::sample::select(WORDS),
            gap in prop::sample::select(&GAPS[1..]),
            end in prop::sample::select(ENDS),
        ) {
            let keyword = ["show", "skills of", "tools of", "path", "paths", "gap", "learn", "why"][form];
            let keyword = if upper { keyword.to_uppercase() } else { keyword.to_string() };
            let source = if form < 3 {
                format!("{keyword}{gap}{a}{end}")
            } else {
                format!("{keyword}{gap}{a}{gap}->{gap}{b}{end}")
            };
            agrees(&source)?;
        }
    }

    #[test]
    fn a_line_of_one_statement_is_read_by_its_form() {
        for source in [
            "show SRE",
            "skills of r10611\n",
            "SKILLS\tOf SRE \r\n",
            "tools of \"DevOps engineer\"",
            "path a -> b by effort\n",
            "paths a -> b limit 3",
            "gap r10611 -> r4943\n",
            "learn $me -> SRE at 10 hours/week",
            "why x -> y",
            "gap -> b",
            "show C#",
            "roles where salary.avg > 1 order by name desc limit 3",
            "show profile me",
            "profile me add Linux: 4, Git",
        ] {
            let statement = one_statement(source).expect(source);
            assert_eq!(
                parse_with_grammar(source).ok().map(|s| s.statements),
                Some(vec![statement]),
                "{source:?}"
            );
        }
        for source in [
            "show",
            "skills of",
            "gap a -> b limit 0",
            "path a -> b limit 3",
            "show a b",
            "show a # note",
            "show a; show b",
            "  show a",
            "learn [a] -> b",
            "path a \\\n-> b",
        ] {
            assert!(one_statement(source).is_none(), "{source:?}");
        }
    }
}
