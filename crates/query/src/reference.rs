//! The one list of statement forms: their shape, meaning and examples. Syntax errors quote the
//! shape ("the form is …"), `.help` shows all of it, and a test runs every example against the
//! curated graph, so the help cannot drift from the code.

/// One way to write a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementForm {
    /// The statement's first word.
    pub keyword: &'static str,
    /// The form, with UPPER CASE placeholders and `[optional]` parts.
    pub usage: &'static str,
    /// What it answers.
    pub summary: &'static str,
    /// Statements that run on the curated graph, in an order that works (writes last).
    pub examples: &'static [&'static str],
}

/// Every statement form, in the order a reference lists them.
pub const STATEMENT_FORMS: &[StatementForm] = &[
    StatementForm {
        keyword: "show",
        usage: "show NODE",
        summary: "One role, skill or tool: its fields, aliases, sources, dataset, the nodes of \
                  other datasets it is linked with (`same as`) and the edges around it. A name \
                  may say its dataset or source: `Kubernetes@onet`.",
        examples: &[
            "show SRE",
            "show \"Site Reliability Engineer\"",
            "show tool:Prometheus",
            "show Kubernetes@curated",
        ],
    },
    StatementForm {
        keyword: "roles",
        usage: "roles [where CONDITION] [from DATASET] [keep pay] [order by FIELD [asc|desc]] [limit N]",
        summary: "List roles. Conditions compare fields (= != < <= > >=, contains, starts with, \
                  in [..]), test edges (requires(X), uses(X): linked nodes of other datasets \
                  count) or fields (has(F)), and combine with and / or / not and parentheses. \
                  `from onet` keeps one dataset (or source), `keep pay` the roles whose pay is \
                  known.",
        examples: &[
            "roles",
            "roles from curated keep pay order by salary.avg desc limit 3",
            "roles where requires(Kubernetes) and salary.avg > 130000 order by salary.avg desc limit 5",
            "roles where uses(PagerDuty)",
        ],
    },
    StatementForm {
        keyword: "skills",
        usage: "skills [where CONDITION] [from DATASET] [order by FIELD [asc|desc]] [limit N]",
        summary: "List skills, with the same conditions as `roles`.",
        examples: &[
            "skills where category = \"observability\"",
            "skills where effort_hours >= 40 order by effort_hours desc limit 3",
        ],
    },
    StatementForm {
        keyword: "tools",
        usage: "tools [where CONDITION] [from DATASET] [order by FIELD [asc|desc]] [limit N]",
        summary: "List tools; `covers(X)` tests the skills a tool covers.",
        examples: &["tools where covers(\"Monitoring and logging\")"],
    },
    StatementForm {
        keyword: "skills",
        usage: "skills of ROLE",
        summary: "The skills a role requires, with importance, effort and sources.",
        examples: &["skills of SRE"],
    },
    StatementForm {
        keyword: "tools",
        usage: "tools of ROLE",
        summary: "The tools a role uses and the skills they cover.",
        examples: &["tools of DevOps"],
    },
    StatementForm {
        keyword: "path",
        usage: "path START -> ROLE [via ROLE, …] [avoid ROLE, …] [max N] [by effort] [max hours N] [keep pay N%] [job zone within N]",
        summary: "The shortest career route by number of moves; with `by effort`, the route with \
                  the fewest learning hours (a move costs its stated effort, else the hours of \
                  `learn FROM -> TO`).",
        examples: &[
            "path DevOps -> SRE",
            "path Ops -> \"Engineering Manager\" via SRE max 4",
            "path DevOps -> \"Engineering Manager\" by effort",
        ],
    },
    StatementForm {
        keyword: "paths",
        usage: "paths START -> ROLE [via ROLE, …] [avoid ROLE, …] [max N] [limit N]",
        summary: "All simple routes up to N moves (default 6), shortest first, at most `limit`.",
        examples: &["paths DevOps -> \"Engineering Manager\" max 4 limit 10"],
    },
    StatementForm {
        keyword: "compare",
        usage: "compare ROLE, ROLE",
        summary: "Two roles side by side: skills and tools only in each and shared, the overlap, \
                  and their fields (salary, metric, focus, …).",
        examples: &["compare DevOps, SRE"],
    },
    StatementForm {
        keyword: "gap",
        usage: "gap START -> ROLE [min importance N] [with [all] tools | without tools]",
        summary: "The skills ROLE requires that START lacks or holds below the level needed, \
                  with importance, levels, hours (marked when estimated) and missing \
                  prerequisites; then the tools ROLE uses that START lacks (in demand and hot \
                  ones unless told otherwise).",
        examples: &[
            "gap DevOps -> SRE",
            "gap DevOps -> SRE min importance 4",
            "gap DevOps -> SRE without tools",
        ],
    },
    StatementForm {
        keyword: "learn",
        usage: "learn START -> ROLE [via ROLE, …] [min importance N] [avoid SKILL, …] [max hours N] [at N hours/week] [with [all] tools | without tools]",
        summary: "An ordered learning plan: the gap plus its missing prerequisites, each after \
                  its prerequisites, with hours and a running total. START is a role, a list \
                  `[Linux, Docker]` or a profile `$name`.",
        examples: &[
            "learn DevOps -> SRE",
            "learn [Linux, Python, Docker] -> SRE",
            "learn SRE -> DevOps min importance 3",
            "learn SRE -> DevOps with all tools",
            "learn [Linux, Python] -> SRE min importance 5 at 10 hours/week",
        ],
    },
    StatementForm {
        keyword: "let",
        usage: "let NAME = [SKILL or TOOL, …]",
        summary: "Name a profile for this session; use it as `$NAME`. A tool counts as the \
                  skills it covers, a role as the skills it requires at its levels. No levels \
                  here: a saved `profile` takes them.",
        examples: &["let me = [Linux, Python, Docker, Git]"],
    },
    StatementForm {
        keyword: "closest",
        usage: "closest START [min importance N] [from DATASET] [keep pay [P%]] [job zone within N] [limit N] [explain]",
        summary: "From a profile or list: roles ranked by how much of what the profile holds \
                  they ask for (`shared`), then by the hours needed to qualify, with match %. \
                  From a role: the roles most like it (skills and knowledge by importance × \
                  level, titles, tools, Job Zone), with the hours to qualify. Roles without \
                  requirement data, and moves a source calls a trap, are left out, and a note \
                  says so. `from`, `keep pay` and `job zone within` (relative to the start role) \
                  filter the rows.",
        examples: &[
            "closest [Linux, Python, Docker, Git] limit 5",
            "closest DevOps limit 5",
            "closest [Linux, Python] from curated keep pay limit 3",
        ],
    },
    StatementForm {
        keyword: "profile",
        usage: "profile NAME = [SKILL: LEVEL, …] | profile NAME add SKILL: LEVEL, … | profile NAME drop SKILL, …",
        summary: "Save a personal profile in the database: skills and tools with a level 1–5 \
                  (default 3); tools count as the skills they cover, a role (without a level) \
                  as the skills it requires at its levels. Use it as `$NAME`.",
        examples: &[
            "profile me = [Linux: 4, Python: 3, Docker, Git]",
            "profile me add Kubernetes: 2",
            "profile me drop Kubernetes",
        ],
    },
    StatementForm {
        keyword: "profiles",
        usage: "profiles | show profile NAME",
        summary: "The saved profiles, or one of them entry by entry.",
        examples: &["profiles", "show profile me"],
    },
    StatementForm {
        keyword: "use",
        usage: "use NAME",
        summary: "The profile statements use when their start is left out (`learn -> SRE`), \
                  for the rest of the session.",
        examples: &["use me"],
    },
    StatementForm {
        keyword: "learnt",
        usage: "learnt NAME SKILL, …",
        summary: "Mark progress: a learnt skill counts as held in every plan, gap, route and \
                  `closest` for the profile.",
        examples: &["learnt me \"Incident response and management\""],
    },
    StatementForm {
        keyword: "learning",
        usage: "learning NAME SKILL, …",
        summary: "Mark a skill as being learnt: it stays in plans, marked in progress.",
        examples: &["learning me SLOs"],
    },
    StatementForm {
        keyword: "unlock",
        usage: "unlock START [min importance N] [limit N]",
        summary: "The single skills that, learnt next, bring most roles within reach: the roles \
                  whose gap is that one skill, then the roles whose plan has it, then the hours \
                  it takes off those plans.",
        examples: &["unlock $me limit 5"],
    },
    StatementForm {
        keyword: "why",
        usage: "why START -> ROLE [min importance N]",
        summary: "The match score broken down: each required skill held (at which level) or \
                  missing, its importance and hours.",
        examples: &["why $me -> SRE"],
    },
    StatementForm {
        keyword: "neighbourhood",
        usage: "neighbourhood NODE [depth N]",
        summary: "The subgraph around a node: every edge among the nodes within N steps \
                  (default 1), for tables and pictures.",
        examples: &["neighbourhood SRE depth 1"],
    },
    StatementForm {
        keyword: "add",
        usage: "add role|skill|tool NAME [{ FIELD: VALUE, … }]",
        summary: "Add a node (id from the name unless `id:` is given). Facts you add carry the \
                  source `user`.",
        examples: &["add skill \"eBPF\" { category: \"observability\", effort_hours: 40 }"],
    },
    StatementForm {
        keyword: "link",
        usage: "link NODE EDGE NODE [{ FIELD: VALUE, … }]",
        summary: "Add an edge: requires (importance 1–5), uses, covers, prerequisite (A is \
                  learnt before B), transition (effort_hours, skills, note).",
        examples: &["link SRE requires eBPF { importance: 3 }"],
    },
    StatementForm {
        keyword: "unlink",
        usage: "unlink NODE EDGE NODE",
        summary: "Remove the edges of that kind between the two nodes.",
        examples: &["unlink SRE requires eBPF"],
    },
    StatementForm {
        keyword: "set",
        usage: "set NODE FIELD = VALUE",
        summary: "Change a field; a dotted field changes one part of a record.",
        examples: &["set eBPF effort_hours = 30"],
    },
    StatementForm {
        keyword: "remove",
        usage: "remove NODE",
        summary: "Remove a node and its edges.",
        examples: &["remove eBPF"],
    },
];

/// The forms a keyword starts (`skills` starts two). Another spelling the grammar allows
/// (`learned`, `neighborhood`) gives the forms of the statement it starts.
pub fn forms_of(keyword: &str) -> Vec<&'static StatementForm> {
    let k = keyword.trim().to_lowercase();
    let exact: Vec<_> = STATEMENT_FORMS.iter().filter(|f| f.keyword == k).collect();
    if !exact.is_empty() {
        return exact;
    }
    let spellings: Vec<&str> = crate::parser::STATEMENT_RULES
        .iter()
        .filter(|(_, words)| words.contains(&k.as_str()))
        .flat_map(|(_, words)| words.iter().copied())
        .collect();
    STATEMENT_FORMS
        .iter()
        .filter(|f| spellings.contains(&f.keyword))
        .collect()
}
