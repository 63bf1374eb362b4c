//! The statement reference behind `.help`: each statement's shape, meaning and examples.
//! A test runs every example against the curated graph, so the help cannot drift from the code.

/// One statement form.
pub struct StatementDoc {
    pub keyword: &'static str,
    pub syntax: &'static str,
    pub summary: &'static str,
    pub examples: &'static [&'static str],
}

pub const STATEMENTS: &[StatementDoc] = &[
    StatementDoc {
        keyword: "show",
        syntax: "show NODE",
        summary: "One node: its fields, aliases, sources and the edges around it.",
        examples: &["show SRE", "show \"Site Reliability Engineer\"", "show tool:Prometheus"],
    },
    StatementDoc {
        keyword: "roles",
        syntax: "roles | skills | tools [where CONDITION] [order by FIELD [asc|desc]] [limit N]",
        summary: "List the nodes of a kind. Conditions compare fields (= != < <= > >=, contains, \
                  starts with, in [..]), test edges (requires(X), uses(X), covers(X)) or fields \
                  (has(F)), and combine with and / or / not and parentheses.",
        examples: &[
            "roles",
            "roles where requires(Kubernetes) and salary.avg > 130000 order by salary.avg desc limit 5",
            "skills where category = \"observability\"",
            "tools where covers(\"Monitoring\")",
            "roles where uses(PagerDuty)",
            "skills where effort_hours >= 40 order by effort_hours desc limit 3",
        ],
    },
    StatementDoc {
        keyword: "skills",
        syntax: "skills of ROLE | tools of ROLE",
        summary: "The skills a role requires (with importance and sources), or the tools it uses.",
        examples: &["skills of SRE", "tools of DevOps"],
    },
    StatementDoc {
        keyword: "path",
        syntax: "path FROM -> TO [via ROLE, …] [avoid ROLE, …] [max N] [by effort]",
        summary: "The shortest career route by number of moves; with `by effort`, the route with \
                  the fewest learning hours (a move costs its stated effort, else the hours of \
                  `learn FROM -> TO`).",
        examples: &[
            "path DevOps -> SRE",
            "path Ops -> \"Engineering Manager\" via SRE max 4",
            "path DevOps -> \"Engineering Manager\" by effort",
        ],
    },
    StatementDoc {
        keyword: "paths",
        syntax: "paths FROM -> TO [via ROLE, …] [avoid ROLE, …] [max N] [limit N]",
        summary: "All simple routes up to N moves (default 6), shortest first, at most `limit`.",
        examples: &["paths DevOps -> \"Engineering Manager\" max 4 limit 10"],
    },
    StatementDoc {
        keyword: "compare",
        syntax: "compare ROLE, ROLE",
        summary: "Two roles side by side: skills and tools only in each and shared, the overlap, \
                  and their fields (salary, metric, focus, …).",
        examples: &["compare DevOps, SRE"],
    },
    StatementDoc {
        keyword: "gap",
        syntax: "gap FROM -> ROLE [min importance N]",
        summary: "The skills ROLE requires that FROM does not have, with importance, hours and \
                  missing prerequisites.",
        examples: &["gap DevOps -> SRE", "gap DevOps -> SRE min importance 4"],
    },
    StatementDoc {
        keyword: "learn",
        syntax: "learn FROM -> ROLE [via ROLE, …] [min importance N]",
        summary: "An ordered learning plan: the gap plus its missing prerequisites, each after \
                  its prerequisites, with hours and a running total. FROM is a role, a list \
                  `[Linux, Docker]` or a profile `$name`.",
        examples: &[
            "learn DevOps -> SRE",
            "learn [Linux, Python, Docker] -> SRE",
            "learn SRE -> DevOps min importance 3",
        ],
    },
    StatementDoc {
        keyword: "let",
        syntax: "let NAME = [SKILL or TOOL, …]",
        summary: "Name a profile for this session; use it as `$NAME`. A tool counts as the \
                  skills it covers.",
        examples: &["let me = [Linux, Python, Docker, Git]"],
    },
    StatementDoc {
        keyword: "closest",
        syntax: "closest PROFILE [min importance N] [limit N]",
        summary: "Roles ranked by the hours needed to qualify from a profile, with match %.",
        examples: &["closest [Linux, Python, Docker, Git] limit 5"],
    },
    StatementDoc {
        keyword: "add",
        syntax: "add role|skill|tool NAME [{ FIELD: VALUE, … }]",
        summary: "Add a node (id from the name unless `id:` is given). Facts you add carry the \
                  source `user`.",
        examples: &["add skill \"eBPF\" { category: \"observability\", effort_hours: 40 }"],
    },
    StatementDoc {
        keyword: "link",
        syntax: "link FROM requires|uses|covers|prerequisite|transition TO [{ … }]",
        summary: "Add an edge: requires takes importance 1–5; transition takes effort_hours, \
                  skills and note; prerequisite A → B means A is learnt before B.",
        examples: &["link SRE requires eBPF { importance: 3 }"],
    },
    StatementDoc {
        keyword: "unlink",
        syntax: "unlink FROM EDGE TO",
        summary: "Remove the edges of that kind between the two nodes.",
        examples: &["unlink SRE requires eBPF"],
    },
    StatementDoc {
        keyword: "set",
        syntax: "set NODE FIELD = VALUE",
        summary: "Change a field; dotted fields change one part of a record.",
        examples: &["set eBPF effort_hours = 30"],
    },
    StatementDoc {
        keyword: "remove",
        syntax: "remove NODE",
        summary: "Remove a node and its edges.",
        examples: &["remove eBPF"],
    },
];

/// The doc of a statement keyword (`tools` finds the list statement).
pub fn statement_doc(keyword: &str) -> Option<&'static StatementDoc> {
    let k = keyword.trim().to_lowercase();
    let k = match k.as_str() {
        "skills" | "tools" => "roles",
        "of" => "skills",
        other => other,
    };
    STATEMENTS.iter().find(|d| d.keyword == k)
}
