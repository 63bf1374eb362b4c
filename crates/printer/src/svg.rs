//! An answer's [`Picture`] as a standalone SVG, laid out here without Graphviz: [`layout`]
//! places everything, [`write()`] writes the document.
//!
//! The layout is layered left to right. Columns come from the answer where it has an order
//! (route order, plan steps, the sides of a comparison); other nodes go in the column of the
//! node they point at (a tool under the skill it covers), and a picture without any order is
//! layered by longest path. Within a column the route comes first, the rest follow the mean
//! position of their neighbours, so edges cross less. A route too long for one band wraps onto
//! the next, like a line of text; an edge off the route between bands is not drawn across the
//! picture but noted above its target ("after Incident response"). Edges are curves; their
//! labels sit in the gap next to the end that has fewer labels, nudged apart where they would
//! overlap.

use std::fmt::Write as _;

use skillgraph_query::result::{Picture, PictureKind};

use crate::picture::{colours, dashed, EDGE, ROUTE};
use layout::{
    text_width, Layout, Placed, Step, DETAIL_SIZE, EDGE_LABEL_SIZE, LABEL_SIZE, MARGIN, NOTE_SIZE,
    TITLE_SIZE,
};

mod columns;
mod curves;
pub mod layout;

const FONT: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

/// The picture as an SVG document.
pub fn svg(picture: &Picture, title: Option<&str>) -> String {
    write(&layout::layout(picture, title), picture, title)
}

/// Text in an element or an attribute value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The layout of `picture` as an SVG document, `title` its `<title>`.
pub fn write(layout: &Layout, picture: &Picture, title: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\">",
        w = layout.width.ceil(),
        h = layout.height.ceil()
    );
    if let Some(title) = title {
        let _ = writeln!(out, "<title>{}</title>", escape(title));
    }
    let _ = writeln!(
        out,
        "<defs>\n{}\n{}\n</defs>",
        marker("arrow-route", ROUTE),
        marker("arrow", EDGE)
    );
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    for line in &layout.header {
        let (size, weight, colour) = if line.title {
            (TITLE_SIZE, " font-weight=\"bold\"", "#212529")
        } else {
            (NOTE_SIZE, "", "#495057")
        };
        let _ = writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{:.1}\" font-size=\"{size}\"{weight} fill=\"{colour}\">{}</text>",
            line.y,
            escape(&line.text)
        );
    }
    let _ = writeln!(
        out,
        "<g transform=\"translate(0 {:.1})\">",
        layout.header_height
    );
    // Edges under nodes, the route over the rest.
    for edge in &layout.edges {
        let (colour, width, arrow) = if edge.highlighted {
            (ROUTE, 3.0, "arrow-route")
        } else {
            (EDGE, 1.4, "arrow")
        };
        let dash = if edge.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash} marker-end=\"url(#{arrow})\"/>",
            path_data(&edge.path)
        );
    }
    for node in &layout.nodes {
        draw_node(&mut out, node);
    }
    for note in &layout.band_notes {
        let (x, y) = (note.x, note.y);
        let _ = writeln!(
            out,
            "<path d=\"M{x:.1},{:.1} V{y:.1}\" stroke=\"{EDGE}\" stroke-width=\"1.4\" stroke-dasharray=\"4 3\" marker-end=\"url(#arrow)\"/>",
            y - 18.0,
        );
        let _ = writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"{EDGE_LABEL_SIZE}\" font-style=\"italic\" text-anchor=\"middle\" fill=\"#495057\">{}</text>",
            y - 22.0,
            escape(&note.text)
        );
    }
    // Labels last, so no line runs over them.
    for edge in &layout.edges {
        let Some(label) = &edge.label else { continue };
        let colour = if edge.highlighted { ROUTE } else { "#495057" };
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\"/>",
            label.x - label.width / 2.0,
            label.y - label.height / 2.0,
            label.width,
            label.height
        );
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{EDGE_LABEL_SIZE}\" text-anchor=\"middle\" fill=\"{colour}\"{}>{}</text>",
            label.x,
            label.y + EDGE_LABEL_SIZE * 0.35,
            if edge.highlighted { " font-weight=\"bold\"" } else { "" },
            escape(&label.text)
        );
    }
    legend(&mut out, picture, layout.legend_y);
    out.push_str("</g>\n</svg>\n");
    out
}

/// A path's `d` attribute.
fn path_data(path: &[Step]) -> String {
    let mut out = String::new();
    for (i, step) in path.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = match *step {
            Step::Move((x, y)) => write!(out, "M{x:.1},{y:.1}"),
            Step::Line((x, y)) => write!(out, "L{x:.1},{y:.1}"),
            Step::Horizontal(x) => write!(out, "H{x:.1}"),
            Step::Vertical(y) => write!(out, "V{y:.1}"),
            Step::Quad((cx, cy), (x, y)) => write!(out, "Q{cx:.1},{cy:.1} {x:.1},{y:.1}"),
            Step::Cubic((ax, ay), (bx, by), (x, y)) => {
                write!(out, "C{ax:.1},{ay:.1} {bx:.1},{by:.1} {x:.1},{y:.1}")
            }
        };
    }
    out
}

fn marker(id: &str, colour: &str) -> String {
    format!(
        "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
    )
}

fn shape(kind: PictureKind, x: f64, y: f64, w: f64, h: f64, style: &str) -> String {
    match kind {
        PictureKind::Role => format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"6\" {style}/>"
        ),
        PictureKind::Skill => format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"{:.1}\" {style}/>",
            h / 2.0
        ),
        PictureKind::Tool => {
            let k = (h / 2.0).min(14.0);
            format!(
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" {style}/>",
                x, y + h / 2.0,
                x + k, y,
                x + w - k, y,
                x + w, y + h / 2.0,
                x + w - k, y + h,
                x + k, y + h
            )
        }
        PictureKind::Profile => {
            let k = 12.0;
            format!(
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" {style}/>",
                x + k, y,
                x + w, y,
                x + w - k, y + h,
                x, y + h
            )
        }
    }
}

fn draw_node(out: &mut String, node: &Placed) {
    let (fill, stroke) = colours(node.kind);
    let style = if node.highlighted {
        format!("fill=\"{fill}\" stroke=\"{ROUTE}\" stroke-width=\"3\"")
    } else {
        format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"")
    };
    out.push_str(&shape(
        node.kind,
        node.x,
        node.y,
        node.width,
        node.height,
        &style,
    ));
    out.push('\n');
    let cx = node.x + node.width / 2.0;
    let mut baseline = node.y + 8.0 + LABEL_SIZE;
    for line in &node.lines {
        let _ = writeln!(
            out,
            "<text x=\"{cx:.1}\" y=\"{baseline:.1}\" font-size=\"{LABEL_SIZE}\" text-anchor=\"middle\" fill=\"#212529\">{}</text>",
            escape(line)
        );
        baseline += LABEL_SIZE * 1.25;
    }
    if let Some(detail) = &node.detail {
        let _ = writeln!(
            out,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"{DETAIL_SIZE}\" text-anchor=\"middle\" fill=\"#495057\">{}</text>",
            baseline - LABEL_SIZE * 0.25 + 2.0,
            escape(detail)
        );
    }
}

/// One line at the bottom naming the shapes and lines the picture uses.
fn legend(out: &mut String, picture: &Picture, y: f64) {
    let mut x = MARGIN;
    for kind in [
        PictureKind::Role,
        PictureKind::Skill,
        PictureKind::Tool,
        PictureKind::Profile,
    ] {
        if !picture.nodes.iter().any(|n| n.kind == kind) {
            continue;
        }
        let (fill, stroke) = colours(kind);
        let style = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"");
        out.push_str(&shape(kind, x, y - 10.0, 34.0, 20.0, &style));
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#495057\">{}</text>",
            x + 40.0,
            y + 4.0,
            kind.as_str()
        );
        x += 100.0;
    }
    let mut line = |label: &str, colour: &str, width: f64, dash: &str| {
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash}/>",
            x + 34.0
        );
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#495057\">{label}</text>",
            x + 40.0,
            y + 4.0
        );
        x += 60.0 + text_width(label, 12.0);
    };
    if picture.edges.iter().any(|e| e.highlighted) {
        line("route", ROUTE, 3.0, "");
    }
    if picture.edges.iter().any(dashed) {
        line(
            "helps (covers, prerequisite, named by a move)",
            EDGE,
            1.4,
            " stroke-dasharray=\"6 4\"",
        );
    }
}
