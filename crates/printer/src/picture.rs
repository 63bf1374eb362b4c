//! Text formats of a [`Picture`]: Graphviz DOT and a Mermaid flowchart (fenced, to paste into
//! Markdown on GitHub). Both draw the same things the SVG of `render` draws: roles, skills,
//! tools and a profile start in distinct shapes and colours, hours or importance on the edges,
//! the route thick and orange.

use std::fmt::Write;

use skillgraph_graph::EdgeKind;
use skillgraph_query::result::{Picture, PictureEdge, PictureKind};

/// The route colour, shared by every renderer.
pub const ROUTE: &str = "#e8590c";
/// Edges off the route.
pub const EDGE: &str = "#868e96";

/// Fill and stroke of each kind of node.
pub fn colours(kind: PictureKind) -> (&'static str, &'static str) {
    match kind {
        PictureKind::Role => ("#dbe4ff", "#3b5bdb"),
        PictureKind::Skill => ("#d3f9d8", "#2b8a3e"),
        PictureKind::Tool => ("#fff3bf", "#e67700"),
        PictureKind::Profile => ("#f3d9fa", "#862e9c"),
    }
}

/// Edges that say "this helps with that" rather than "this is needed": drawn dashed.
pub fn dashed(edge: &PictureEdge) -> bool {
    !edge.highlighted
        && matches!(
            edge.kind,
            None | Some(EdgeKind::Covers) | Some(EdgeKind::Prerequisite)
        )
}

/// Columns run left to right; an edge drawn against them (from column 4 to column 2) is
/// written backwards for layout engines that rank by edge direction.
fn against_columns(picture: &Picture, edge: &PictureEdge) -> bool {
    let column = |id: &str| picture.find(id).and_then(|n| n.column);
    matches!((column(&edge.from), column(&edge.to)), (Some(a), Some(b)) if a > b)
}

fn dot_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The title with the picture's notes after it (`… — ready after 6 weeks at 10 hours/week`),
/// for the formats whose title is the one place for text about the whole picture.
fn heading(picture: &Picture, title: Option<&str>) -> Option<String> {
    let parts: Vec<&str> = title
        .into_iter()
        .chain(picture.notes.iter().map(String::as_str))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" — "))
}

/// The picture as a Graphviz `digraph`, left to right.
pub fn dot(picture: &Picture, title: Option<&str>) -> String {
    let mut out = String::from("digraph skillgraph {\n");
    out.push_str("  graph [rankdir=LR, fontname=\"Helvetica\", nodesep=0.25, ranksep=0.6");
    let title = heading(picture, title);
    if let Some(title) = title.as_deref() {
        let _ = write!(
            out,
            ", label={}, labelloc=t, fontsize=16",
            dot_string(title)
        );
    }
    out.push_str("];\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=12, style=\"filled\"];\n");
    let _ = writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=10, color=\"{EDGE}\", fontcolor=\"#495057\"];"
    );
    for node in &picture.nodes {
        let (fill, stroke) = colours(node.kind);
        let shape = match node.kind {
            PictureKind::Role => "shape=box, style=\"rounded,filled\"",
            PictureKind::Skill => "shape=ellipse",
            PictureKind::Tool => "shape=hexagon",
            PictureKind::Profile => "shape=folder",
        };
        let label = match &node.detail {
            Some(d) => format!("{}\n{d}", node.label),
            None => node.label.clone(),
        };
        let _ = write!(
            out,
            "  {} [label={}, {shape}, fillcolor=\"{fill}\", color=\"{}\"",
            dot_string(&node.id),
            dot_string(&label),
            if node.highlighted { ROUTE } else { stroke }
        );
        if node.highlighted {
            out.push_str(", penwidth=2.5");
        }
        out.push_str("];\n");
    }
    // Nodes the answer places in the same column share a rank.
    let mut columns: Vec<(usize, Vec<&str>)> = Vec::new();
    for node in &picture.nodes {
        if let Some(c) = node.column {
            match columns.iter_mut().find(|(col, _)| *col == c) {
                Some((_, ids)) => ids.push(&node.id),
                None => columns.push((c, vec![&node.id])),
            }
        }
    }
    for (_, ids) in columns.iter().filter(|(_, ids)| ids.len() > 1) {
        let list: Vec<String> = ids.iter().map(|id| dot_string(id)).collect();
        let _ = writeln!(out, "  {{ rank=same; {}; }}", list.join("; "));
    }
    for edge in &picture.edges {
        let mut attrs = Vec::new();
        if let Some(label) = &edge.label {
            attrs.push(format!("label={}", dot_string(label)));
        }
        if edge.highlighted {
            attrs.push(format!(
                "color=\"{ROUTE}\", fontcolor=\"{ROUTE}\", penwidth=3"
            ));
        } else if dashed(edge) {
            attrs.push("style=dashed".to_string());
        }
        let (from, to) = if against_columns(picture, edge) {
            attrs.push("dir=back".to_string());
            (&edge.to, &edge.from)
        } else {
            (&edge.from, &edge.to)
        };
        let _ = write!(out, "  {} -> {}", dot_string(from), dot_string(to));
        if !attrs.is_empty() {
            let _ = write!(out, " [{}]", attrs.join(", "));
        }
        out.push_str(";\n");
    }
    out.push_str("}\n");
    out
}

/// Text inside a quoted Mermaid label or an edge label: Mermaid's `#name;` entity codes for
/// the characters its parser or the HTML it makes would take as syntax.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '\n' => out.push_str("<br/>"),
            c => out.push(c),
        }
    }
    out
}

/// The picture as a Mermaid flowchart, left to right, as the Mermaid CLI (`mmdc`) and live
/// editor read it: no Markdown fence (one around it is the Markdown file's, not the picture's).
pub fn mermaid(picture: &Picture, title: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(title) = heading(picture, title).as_deref() {
        // YAML front matter; a JSON string is a valid YAML double-quoted scalar.
        let quoted = serde_json::to_string(title).unwrap_or_default();
        let _ = write!(out, "---\ntitle: {quoted}\n---\n");
    }
    out.push_str("flowchart LR\n");
    let key = |id: &str| {
        picture
            .nodes
            .iter()
            .position(|n| n.id == id)
            .map_or_else(|| "missing".to_string(), |i| format!("n{i}"))
    };
    for (i, node) in picture.nodes.iter().enumerate() {
        let mut label = mermaid_text(&node.label);
        if let Some(d) = &node.detail {
            label.push_str("<br/>");
            label.push_str(&mermaid_text(d));
        }
        let (open, close) = match node.kind {
            PictureKind::Role => ("(\"", "\")"),
            PictureKind::Skill => ("([\"", "\"])"),
            PictureKind::Tool => ("{{\"", "\"}}"),
            PictureKind::Profile => ("[/\"", "\"/]"),
        };
        let _ = writeln!(out, "    n{i}{open}{label}{close}");
    }
    let mut route_links = Vec::new();
    for (i, edge) in picture.edges.iter().enumerate() {
        let arrow = if edge.highlighted {
            route_links.push(i.to_string());
            "==>"
        } else if dashed(edge) {
            "-.->"
        } else {
            "-->"
        };
        let label = edge
            .label
            .as_deref()
            .map(|l| format!("|{}|", mermaid_text(l)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    {} {arrow}{label} {}",
            key(&edge.from),
            key(&edge.to)
        );
    }
    for kind in [
        PictureKind::Role,
        PictureKind::Skill,
        PictureKind::Tool,
        PictureKind::Profile,
    ] {
        let members: Vec<String> = picture
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == kind)
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if members.is_empty() {
            continue;
        }
        let (fill, stroke) = colours(kind);
        let _ = writeln!(
            out,
            "    classDef {} fill:{fill},stroke:{stroke},color:#212529",
            kind.as_str()
        );
        let _ = writeln!(out, "    class {} {}", members.join(","), kind.as_str());
    }
    let on_route: Vec<String> = picture
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.highlighted)
        .map(|(i, _)| format!("n{i}"))
        .collect();
    if !on_route.is_empty() {
        let _ = writeln!(out, "    classDef route stroke:{ROUTE},stroke-width:3px");
        let _ = writeln!(out, "    class {} route", on_route.join(","));
    }
    if !route_links.is_empty() {
        let _ = writeln!(
            out,
            "    linkStyle {} stroke:{ROUTE},stroke-width:3px",
            route_links.join(",")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillgraph_query::result::PictureNode;

    fn node(id: &str, label: &str, kind: PictureKind) -> PictureNode {
        PictureNode {
            id: id.into(),
            label: label.into(),
            detail: None,
            kind,
            highlighted: false,
            column: None,
        }
    }

    #[test]
    fn quotes_and_backslashes_in_names_are_escaped_in_dot() {
        let mut p = Picture::default();
        p.node(node("a", "say \"hi\" \\ C:\\", PictureKind::Skill));
        let text = dot(&p, Some("a \"title\""));
        assert!(text.contains(r#"label="say \"hi\" \\ C:\\""#), "{text}");
        assert!(text.contains(r#"label="a \"title\"""#), "{text}");
    }

    #[test]
    fn mermaid_labels_cannot_close_their_quotes() {
        let mut p = Picture::default();
        p.node(node("a", "a \"b\" <c> #1 | d", PictureKind::Tool));
        let text = mermaid(&p, None);
        assert!(
            text.contains(r#"n0{{"a #quot;b#quot; #lt;c#gt; #35;1 #124; d"}}"#),
            "{text}"
        );
    }
}
