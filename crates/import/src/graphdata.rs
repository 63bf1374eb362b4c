//! Loads `graphdata/*.toml` files into a validated [`Graph`].
//!
//! Every problem is reported with file, line and column, all of them in one run; a load with any
//! error yields no graph, so an import built on it writes nothing.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use skillgraph_graph::{
    Change, Edge, EdgeKind, Graph, Node, NodeKind, Source, SourceId, Value, FIELD_SOURCES,
};
use skillgraph_graph::{Profile, ProfileEntry, SkillState, DEFAULT_LEVEL};
use toml::Spanned;

use crate::error::{DataError, DataErrors};
use crate::json_format::Shifts;
use crate::toml_format::*;

/// A data file's name (for messages) and its text. A name ending in `.json` marks the JSON form
/// that `export --format json` writes (the same tables, read through [`crate::json_format`]);
/// any other is TOML.
pub struct DataText<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

struct Parsed<'a> {
    name: &'a str,
    /// The text as the user wrote it, which positions refer to.
    text: &'a str,
    /// How offsets in the text that was parsed map back to `text` (for JSON).
    shifts: Shifts,
    data: DataFile,
}

struct Loader<'a> {
    files: Vec<Parsed<'a>>,
    graph: Graph,
    errors: Vec<DataError>,
    /// Where each node id was first defined: (file index, span).
    defined_at: HashMap<String, (usize, Range<usize>)>,
}

/// Parses and validates the given files as one graph.
pub fn load_graphdata(texts: &[DataText<'_>]) -> Result<Graph, DataErrors> {
    let mut loader = Loader {
        files: Vec::new(),
        graph: Graph::new(),
        errors: Vec::new(),
        defined_at: HashMap::new(),
    };
    for t in texts {
        let is_json = t.name.to_ascii_lowercase().ends_with(".json");
        let (toml_text, shifts) = if is_json {
            match crate::json_format::json_as_toml(t.name, t.text) {
                Ok((toml_text, shifts)) => (std::borrow::Cow::Owned(toml_text), shifts),
                Err(e) => {
                    loader.errors.push(e);
                    continue;
                }
            }
        } else {
            (std::borrow::Cow::Borrowed(t.text), Shifts::default())
        };
        match toml::from_str::<DataFile>(&toml_text) {
            Ok(data) => loader.files.push(Parsed {
                name: t.name,
                text: t.text,
                shifts,
                data,
            }),
            Err(e) => loader.errors.push(toml_error(t.name, t.text, &shifts, &e)),
        }
    }
    loader.load_sources();
    loader.load_nodes();
    loader.load_edges();
    loader.load_profiles();
    if loader.errors.is_empty() {
        Ok(loader.graph)
    } else {
        Err(DataErrors(loader.errors))
    }
}

fn toml_error(name: &str, text: &str, shifts: &Shifts, e: &toml::de::Error) -> DataError {
    // toml's message repeats the snippet; keep its first line, which says what is wrong.
    let message = e
        .message()
        .lines()
        .next()
        .unwrap_or("malformed TOML")
        .to_string();
    match e.span() {
        Some(span) => DataError::at(name, text, shifts.original(span.start), message),
        None => DataError::whole_file(name, message),
    }
}

/// A field only one kind of node carries: its name, that kind, where it was written, its value.
type KindField = (&'static str, NodeKind, Range<usize>, Value);

impl<'a> Loader<'a> {
    fn error(&mut self, file: usize, span: Range<usize>, message: impl Into<String>) {
        let f = &self.files[file];
        let at = f.shifts.original(span.start);
        self.errors.push(DataError::at(f.name, f.text, at, message));
    }

    fn source_ids(&mut self, file: usize, keys: &[Spanned<String>]) -> Vec<SourceId> {
        let mut ids = Vec::new();
        if keys.is_empty() {
            return ids;
        }
        for key in keys {
            match self.graph.source_id(key.get_ref()) {
                Some(id) => ids.push(id),
                None => {
                    let msg = format!(
                        "unknown source `{}`; sources are declared in a [[source]] table",
                        key.get_ref()
                    );
                    self.error(file, key.span(), msg);
                }
            }
        }
        ids
    }

    fn check_source(&mut self, file: usize, key: &Spanned<String>) -> Value {
        if self.graph.source_id(key.get_ref()).is_none() {
            let msg = format!("unknown source `{}`", key.get_ref());
            self.error(file, key.span(), msg);
        }
        Value::Text(key.get_ref().clone())
    }

    fn load_sources(&mut self) {
        let mut seen: HashMap<String, ()> = HashMap::new();
        for fi in 0..self.files.len() {
            let sources = std::mem::take(&mut self.files[fi].data.source);
            for s in sources {
                let key = s.key.get_ref().clone();
                if seen.insert(key.clone(), ()).is_some() {
                    self.error(
                        fi,
                        s.key.span(),
                        format!("source `{key}` is declared twice"),
                    );
                    continue;
                }
                self.graph.add_source(Source {
                    key,
                    title: s.title,
                    url: s.url,
                    author: s.author,
                    publisher: s.publisher,
                    date: s.date,
                    licence: s.licence,
                });
            }
        }
    }

    fn load_nodes(&mut self) {
        for fi in 0..self.files.len() {
            for kind in NodeKind::ALL {
                let entries = match kind {
                    NodeKind::Role => std::mem::take(&mut self.files[fi].data.role),
                    NodeKind::Skill => std::mem::take(&mut self.files[fi].data.skill),
                    NodeKind::Tool => std::mem::take(&mut self.files[fi].data.tool),
                };
                for entry in entries {
                    self.load_node(fi, kind, entry);
                }
            }
        }
    }

    fn load_node(&mut self, fi: usize, kind: NodeKind, mut e: NodeEntry) {
        let errors_before = self.errors.len();
        let id = e.id.get_ref().clone();
        if let Some((other_file, other_span)) = self.defined_at.get(&id).cloned() {
            let other = &self.files[other_file];
            let at = other.shifts.original(other_span.start);
            let (line, _) = crate::error::line_col(other.text, at);
            let msg = format!(
                "duplicate id `{id}`: already defined at {}:{line}",
                other.name
            );
            self.error(fi, e.id.span(), msg);
            return;
        }
        if !is_slug(&id) {
            let msg = format!(
                "the id `{id}` must be a slug: lower-case letters, digits, `-`, `_`, `.`, `:`, `+` or `#`"
            );
            self.error(fi, e.id.span(), msg);
        }
        if e.sources.is_empty() {
            self.error(fi, e.id.span(), format!("`{id}` lists no sources"));
        }
        let sources = self.source_ids(fi, &e.sources);
        let mut node = Node::new(id.clone(), kind, e.name.get_ref().clone());
        if node.name.trim().is_empty() {
            self.error(fi, e.name.span(), "the name is empty");
        }
        node.aliases = std::mem::take(&mut e.aliases);
        node.category = e.category.take();
        node.sources = sources;
        if let Some(d) = e.description.take() {
            node.fields.insert("description".into(), Value::Text(d));
        }
        match e.effort_hours.take() {
            Some(h) if kind != NodeKind::Skill => self.error(
                fi,
                h.span(),
                format!("`effort_hours` is for skills, not a {kind}"),
            ),
            Some(h) if *h.get_ref() < 0.0 || !h.get_ref().is_finite() => self.error(
                fi,
                h.span(),
                format!("effort hours cannot be negative (got {})", h.get_ref()),
            ),
            Some(h) => node.effort_hours = Some(*h.get_ref()),
            None => {}
        }
        let mut kind_fields = self.plain_fields(fi, &mut e);
        self.record_fields(fi, &mut e, &mut kind_fields);
        for (name, owner, span, value) in kind_fields {
            if kind != owner {
                self.error(fi, span, format!("`{name}` is for {owner}s, not a {kind}"));
            } else {
                node.fields.insert(name.to_string(), value);
            }
        }
        if !e.field_sources.is_empty() {
            let mut per_field = BTreeMap::new();
            for (field, keys) in e.field_sources {
                if !node.fields.contains_key(&field) {
                    let at = keys.first().map_or(e.id.span(), |k| k.span());
                    self.error(
                        fi,
                        at,
                        format!("`field_sources` names `{field}`, which this {kind} does not have"),
                    );
                    continue;
                }
                let keys = keys.iter().map(|k| self.check_source(fi, k)).collect();
                per_field.insert(field, Value::List(keys));
            }
            node.fields
                .insert(FIELD_SOURCES.to_string(), Value::Record(per_field));
        }
        self.defined_at.insert(id, (fi, e.id.span()));
        if self.errors.len() > errors_before {
            // Already reported, more precisely than `check` would (an empty name at the name,
            // not at the id), and the load will fail; keeping the node stops every edge to it
            // being reported as naming a missing node.
            self.graph.add_node(node);
        } else if let Err(err) = self.graph.check(&Change::AddNode(node.clone())) {
            self.error(fi, e.id.span(), err.to_string());
        } else {
            self.graph.add_node(node);
        }
    }

    /// The fields of one kind of node that are plain values (texts, lists of text, numbers,
    /// flags), taken from the entry; whether the node's kind carries them is checked after.
    fn plain_fields(&mut self, fi: usize, e: &mut NodeEntry) -> Vec<KindField> {
        use NodeKind::{Role, Skill, Tool};
        let texts = [
            ("focus", Role, e.focus.take()),
            ("primary_metric", Role, e.primary_metric.take()),
            ("core_activity", Role, e.core_activity.take()),
            ("risk_tolerance", Role, e.risk_tolerance.take()),
            ("team_structure", Role, e.team_structure.take()),
            ("skill_type", Skill, e.skill_type.take()),
            ("reuse_level", Skill, e.reuse_level.take()),
        ];
        let mut kind_fields: Vec<KindField> = Vec::new();
        for (name, owner, value) in texts {
            if let Some(v) = value {
                kind_fields.push((name, owner, v.span(), Value::Text(v.into_inner())));
            }
        }
        for (name, value) in [
            ("background", e.background.take()),
            ("education", e.education.take()),
        ] {
            if let Some(v) = value {
                let span = v.span();
                let list = v.into_inner().into_iter().map(Value::Text).collect();
                kind_fields.push((name, Role, span, Value::List(list)));
            }
        }
        if let Some(v) = e.job_zone.take() {
            kind_fields.push(("job_zone", Role, v.span(), Value::Number(v.into_inner())));
        }
        if let Some(v) = e.hours_per_level.take() {
            let h = *v.get_ref();
            if h < 0.0 || !h.is_finite() {
                self.error(
                    fi,
                    v.span(),
                    format!("hours per level cannot be negative (got {h})"),
                );
            } else {
                kind_fields.push(("hours_per_level", Skill, v.span(), Value::Number(h)));
            }
        }
        if let Some(v) = e.hot_technology.take() {
            kind_fields.push((
                "hot_technology",
                Tool,
                v.span(),
                Value::Bool(v.into_inner()),
            ));
        }
        kind_fields
    }

    /// The record fields (`salary`, `job_openings`, `city_pay`), taken from the entry, each
    /// source they name checked.
    fn record_fields(&mut self, fi: usize, e: &mut NodeEntry, kind_fields: &mut Vec<KindField>) {
        if let Some(s) = e.salary.take() {
            let span = s.span();
            let s = s.into_inner();
            let mut rec = BTreeMap::new();
            for (k, v) in [("min", s.min), ("avg", s.avg), ("max", s.max)] {
                if let Some(v) = v {
                    rec.insert(k.to_string(), Value::Number(v));
                }
            }
            if let Some(y) = s.year {
                rec.insert("year".into(), Value::Number(y as f64));
            }
            rec.insert("currency".into(), Value::Text(s.currency));
            rec.insert("source".into(), self.check_source(fi, &s.source));
            if let Some(n) = s.note {
                rec.insert("note".into(), Value::Text(n));
            }
            kind_fields.push(("salary", NodeKind::Role, span, Value::Record(rec)));
        }
        if let Some(list) = e.job_openings.take() {
            let span = list.span();
            let mut items = Vec::new();
            for j in list.into_inner() {
                let mut rec = BTreeMap::new();
                rec.insert("platform".into(), Value::Text(j.platform));
                rec.insert("count".into(), Value::Number(j.count));
                rec.insert("source".into(), self.check_source(fi, &j.source));
                if let Some(n) = j.note {
                    rec.insert("note".into(), Value::Text(n));
                }
                items.push(Value::Record(rec));
            }
            kind_fields.push(("job_openings", NodeKind::Role, span, Value::List(items)));
        }
        if let Some(list) = e.city_pay.take() {
            let span = list.span();
            let mut items = Vec::new();
            for c in list.into_inner() {
                let mut rec = BTreeMap::new();
                rec.insert("city".into(), Value::Text(c.city));
                let numbers = [
                    ("monthly_salary", c.monthly_salary),
                    ("after_taxes", c.after_taxes),
                    ("rent_1br", c.rent_1br),
                    ("cost_of_living", c.cost_of_living),
                    ("take_home", c.take_home),
                    ("yearly_salary", c.yearly_salary),
                ];
                for (k, v) in numbers {
                    if let Some(v) = v {
                        rec.insert(k.to_string(), Value::Number(v));
                    }
                }
                rec.insert("source".into(), self.check_source(fi, &c.source));
                if let Some(n) = c.note {
                    rec.insert("note".into(), Value::Text(n));
                }
                items.push(Value::Record(rec));
            }
            kind_fields.push(("city_pay", NodeKind::Role, span, Value::List(items)));
        }
    }

    fn load_edges(&mut self) {
        for fi in 0..self.files.len() {
            let data = &mut self.files[fi].data;
            let requires = std::mem::take(&mut data.requires);
            let uses = std::mem::take(&mut data.uses);
            let covers = std::mem::take(&mut data.covers);
            let prerequisites = std::mem::take(&mut data.prerequisite);
            let transitions = std::mem::take(&mut data.transition);
            // An entry with a bad value still has its ends and sources checked (`valid` only
            // keeps it out of the graph), so one run reports every mistake in it.
            for r in requires {
                let mut edge = Edge::new(EdgeKind::Requires);
                set_fields(&mut edge, &r.fields);
                let importance = *r.importance.get_ref();
                let valid = (1..=5).contains(&importance);
                if valid {
                    edge.importance = Some(importance as u8);
                } else {
                    self.error(
                        fi,
                        r.importance.span(),
                        format!("importance must be between 1 and 5, not {importance}"),
                    );
                }
                let mut valid = valid;
                if let Some(level) = &r.level {
                    let l = *level.get_ref();
                    if (0.0..=7.0).contains(&l) {
                        edge.extra_mut()
                            .fields
                            .insert("level".to_string(), Value::Number(l));
                    } else {
                        self.error(
                            fi,
                            level.span(),
                            format!("a level goes from 0 to 7 (O*NET's scale), not {l}"),
                        );
                        valid = false;
                    }
                }
                self.add_edge(fi, &r.role, &r.skill, edge, &r.sources, r.note, valid);
            }
            for u in uses {
                let mut edge = Edge::new(EdgeKind::Uses);
                set_fields(&mut edge, &u.fields);
                self.add_edge(fi, &u.role, &u.tool, edge, &u.sources, u.note, true);
            }
            for c in covers {
                let mut edge = Edge::new(EdgeKind::Covers);
                set_fields(&mut edge, &c.fields);
                self.add_edge(fi, &c.tool, &c.skill, edge, &c.sources, c.note, true);
            }
            for p in prerequisites {
                let mut edge = Edge::new(EdgeKind::Prerequisite);
                set_fields(&mut edge, &p.fields);
                self.add_edge(fi, &p.first, &p.then, edge, &p.sources, p.note, true);
            }
            for t in transitions {
                let mut edge = Edge::new(EdgeKind::Transition);
                let mut valid = true;
                if let Some(h) = &t.effort_hours {
                    edge.effort_hours = Some(*h.get_ref());
                    if *h.get_ref() < 0.0 || !h.get_ref().is_finite() {
                        let msg = format!("effort hours cannot be negative (got {})", h.get_ref());
                        self.error(fi, h.span(), msg);
                        valid = false;
                    }
                }
                for s in &t.skills {
                    if !self.expect_kind(fi, s, NodeKind::Skill) {
                        valid = false;
                    }
                }
                let fields: BTreeMap<String, Value> = t
                    .fields
                    .iter()
                    .map(|(k, v)| (k.clone(), toml_value(v)))
                    .collect();
                if !t.skills.is_empty() || !fields.is_empty() {
                    let extra = edge.extra_mut();
                    extra.skills = t.skills.iter().map(|s| s.get_ref().clone()).collect();
                    extra.fields = fields;
                }
                self.add_edge(fi, &t.from, &t.to, edge, &t.sources, t.note, valid);
            }
        }
    }

    fn load_profiles(&mut self) {
        for fi in 0..self.files.len() {
            let tables = std::mem::take(&mut self.files[fi].data.profile);
            for t in tables {
                let mut profile = Profile::new(t.name.get_ref().clone());
                let mut ok = true;
                for e in &t.entries {
                    let level = e
                        .level
                        .as_ref()
                        .map_or(i64::from(DEFAULT_LEVEL), |l| *l.get_ref());
                    if !(1..=5).contains(&level) {
                        let span = e.level.as_ref().map_or(e.id.span(), |l| l.span());
                        self.error(fi, span, format!("a level goes from 1 to 5, not {level}"));
                        ok = false;
                        continue;
                    }
                    let state = match e.state.as_ref().map(|s| s.get_ref().as_str()) {
                        None | Some("held") => SkillState::Held,
                        Some("learnt") => SkillState::Learnt,
                        Some("learning") => SkillState::Learning,
                        Some(other) => {
                            let span = e.state.as_ref().map_or(e.id.span(), |s| s.span());
                            let msg = format!(
                                "unknown state `{other}`; expected held, learnt or learning"
                            );
                            self.error(fi, span, msg);
                            ok = false;
                            continue;
                        }
                    };
                    let found = self
                        .graph
                        .by_id(e.id.get_ref())
                        .map(|ix| self.graph.node(ix).kind);
                    match found {
                        Some(_) => {}
                        None => {
                            let msg = format!("there is no node with id `{}`", e.id.get_ref());
                            self.error(fi, e.id.span(), msg);
                            ok = false;
                            continue;
                        }
                    }
                    profile.entries.insert(
                        e.id.get_ref().clone(),
                        ProfileEntry {
                            level: level as u8,
                            state,
                        },
                    );
                }
                if self.graph.profile(&profile.name).is_some() {
                    let msg = format!("profile `{}` is defined twice", profile.name);
                    self.error(fi, t.name.span(), msg);
                    continue;
                }
                if ok {
                    if let Err(e) = self.graph.apply(Change::SetProfile(profile)) {
                        self.error(fi, t.name.span(), e.to_string());
                    }
                }
            }
        }
    }

    /// Checks that `id` names a node of `kind`, reporting at its span otherwise.
    fn expect_kind(&mut self, fi: usize, id: &Spanned<String>, kind: NodeKind) -> bool {
        match self.graph.by_id(id.get_ref()) {
            Some(ix) if self.graph.node(ix).kind == kind => true,
            Some(ix) => {
                let found = self.graph.node(ix).kind;
                let msg = format!(
                    "`{}` is a {found}, but a {kind} is needed here",
                    id.get_ref()
                );
                self.error(fi, id.span(), msg);
                false
            }
            None => {
                let mut msg = format!("there is no node with id `{}`", id.get_ref());
                let near = self.graph.suggest(Some(kind), id.get_ref(), 1);
                if let Some(name) = near.first() {
                    let near_id = self
                        .graph
                        .resolve(Some(kind), name)
                        .map(|ix| self.graph.node(ix).id.clone())
                        .unwrap_or_else(|_| name.clone());
                    msg.push_str(&format!("; did you mean `{near_id}`?"));
                }
                self.error(fi, id.span(), msg);
                false
            }
        }
    }

    /// Checks an edge's ends and sources, and adds it when those and the caller's checks
    /// (`valid`) pass.
    #[allow(clippy::too_many_arguments)]
    fn add_edge(
        &mut self,
        fi: usize,
        from: &Spanned<String>,
        to: &Spanned<String>,
        mut edge: Edge,
        sources: &[Spanned<String>],
        note: Option<String>,
        valid: bool,
    ) {
        let (want_from, want_to) = edge.kind.endpoints();
        let from_ok = self.expect_kind(fi, from, want_from);
        let to_ok = self.expect_kind(fi, to, want_to);
        if sources.is_empty() {
            let msg = format!("this `{}` edge lists no sources", edge.kind);
            self.error(fi, from.span(), msg);
        }
        edge.sources = self.source_ids(fi, sources);
        if !valid || !from_ok || !to_ok || edge.sources.is_empty() {
            return;
        }
        if let Some(n) = note {
            edge.extra_mut().note = Some(n);
        }
        let change = Change::AddEdge {
            from: from.get_ref().clone(),
            to: to.get_ref().clone(),
            edge,
        };
        if let Err(err) = self.graph.apply(change) {
            self.error(fi, from.span(), err.to_string());
        }
    }
}

/// Whether `id` may be a node id: what `add` makes of a name (`c++`, `c#`, `データ`) must
/// pass, or an export of a graph a user added to would not import back.
fn is_slug(id: &str) -> bool {
    !id.is_empty() && id.chars().all(skillgraph_graph::change::is_id_char)
}

/// An entry's free-form `fields` on its edge (none: the edge stays without extra parts).
fn set_fields(edge: &mut Edge, fields: &BTreeMap<String, toml::Value>) {
    if !fields.is_empty() {
        edge.extra_mut().fields = fields
            .iter()
            .map(|(k, v)| (k.clone(), toml_value(v)))
            .collect();
    }
}

fn toml_value(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::Text(s.clone()),
        toml::Value::Integer(i) => Value::Number(*i as f64),
        toml::Value::Float(f) => Value::Number(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::Text(d.to_string()),
        toml::Value::Array(a) => Value::List(a.iter().map(toml_value).collect()),
        toml::Value::Table(t) => {
            Value::Record(t.iter().map(|(k, v)| (k.clone(), toml_value(v))).collect())
        }
    }
}
