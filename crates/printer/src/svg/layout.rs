//! The layout of a picture: where each node, edge, label and line of text goes, and how big
//! the drawing is. Pure geometry, no SVG: [`super::write()`] turns a [`Layout`] into a document,
//! and tests can ask it where things are.

use std::collections::HashMap;

use skillgraph_query::result::{Picture, PictureEdge, PictureKind};

use super::columns::{assign_columns, order_columns, split_shared_helpers};
use super::curves::{self, Curve};
use crate::picture::dashed;

pub const LABEL_SIZE: f64 = 14.0;
pub const DETAIL_SIZE: f64 = 11.0;
pub const EDGE_LABEL_SIZE: f64 = 11.0;
pub const TITLE_SIZE: f64 = 16.0;
pub const NOTE_SIZE: f64 = 13.0;
/// Average advance of a character, as a share of the font size (DejaVu Sans runs wide).
const CHAR_WIDTH: f64 = 0.6;
const WRAP_AT: usize = 24;
pub const MARGIN: f64 = 24.0;
const ROW_GAP: f64 = 16.0;
pub const MIN_COLUMN_GAP: f64 = 64.0;
/// The widest a band of columns may grow before the rest of a route wraps onto the next band.
const BAND_WIDTH: f64 = 1500.0;
pub const BAND_GAP: f64 = 56.0;

/// A point on the canvas, x to the right and y down.
pub type Point = (f64, f64);

/// One step of an edge's path, in absolute coordinates (SVG's path commands).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Step {
    Move(Point),
    Line(Point),
    Horizontal(f64),
    Vertical(f64),
    /// A quadratic Bézier: control point, end.
    Quad(Point, Point),
    /// A cubic Bézier: two control points, end.
    Cubic(Point, Point, Point),
}

/// The width of `text` at font `size`, estimated from the average advance of a character.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_WIDTH
}

/// Breaks a label into lines of at most [`WRAP_AT`] characters where it has spaces.
fn wrap(text: &str) -> Vec<String> {
    wrap_at(text, WRAP_AT)
}

/// Breaks text at spaces into lines of at most `per_line` characters (a longer word keeps a
/// line of its own).
fn wrap_at(text: &str, per_line: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// Breaks text at spaces into lines no wider than `width` at `size`.
fn wrap_to(text: &str, width: f64, size: f64) -> Vec<String> {
    wrap_at(
        text,
        ((width / (size * CHAR_WIDTH)).floor() as usize).max(20),
    )
}

/// A node with its place on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    /// The label, wrapped.
    pub lines: Vec<String>,
    pub detail: Option<String>,
    pub kind: PictureKind,
    pub highlighted: bool,
    pub column: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Placed {
    pub fn centre_y(&self) -> f64 {
        self.y + self.height / 2.0
    }
    pub fn right(&self) -> f64 {
        self.x + self.width
    }
}

/// An edge as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnEdge {
    pub path: Vec<Step>,
    pub highlighted: bool,
    pub dashed: bool,
    pub label: Option<EdgeLabel>,
}

/// An edge's label on its white box, `x`, `y` the box's centre.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeLabel {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Edges off the route between bands, drawn as a short arrow down onto their target with
/// the names of where they come from ("after Incident response") at `x`, `y`.
#[derive(Clone, Debug, PartialEq)]
pub struct BandNote {
    pub text: String,
    pub x: f64,
    /// The top of the target node, where the arrow ends.
    pub y: f64,
}

/// A line of the header, its baseline at `y`.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderLine {
    pub text: String,
    /// The title (bold, larger) rather than a note.
    pub title: bool,
    pub y: f64,
}

/// The whole drawing. The header sits at the top; everything else is placed in a drawing
/// that starts `header_height` below it.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub header: Vec<HeaderLine>,
    pub header_height: f64,
    pub nodes: Vec<Placed>,
    /// In drawing order: edges off the route first, the route over them.
    pub edges: Vec<DrawnEdge>,
    pub band_notes: Vec<BandNote>,
    /// The baseline of the legend under the drawing.
    pub legend_y: f64,
}

/// What the edge routing needs to know of the placed nodes, columns and bands.
pub(super) struct Grid {
    pub placed: Vec<Placed>,
    pub layers: Vec<Vec<usize>>,
    pub band_of: Vec<usize>,
    pub band_top: Vec<f64>,
    pub band_bottom: Vec<f64>,
    pub column_x: Vec<f64>,
    pub column_width: Vec<f64>,
    pub has_route: bool,
    /// Room above a band's top row for arcs between route nodes columns apart.
    pub arc_room: f64,
    /// The right edge of the widest band, half a gap past its last column.
    right_edge: f64,
    labels_in: Vec<usize>,
    labels_out: Vec<usize>,
}

impl Grid {
    pub fn band(&self, v: usize) -> usize {
        self.band_of[self.placed[v].column]
    }

    /// Whether the label of an edge a → b sits next to b: the end with fewer labels to share
    /// the space.
    pub fn near_target(&self, a: usize, b: usize) -> bool {
        self.labels_in[b] <= self.labels_out[a]
    }
}

/// Lays out `picture` with `title` above it (see the [`svg`](super) module doc).
pub fn layout(picture: &Picture, title: Option<&str>) -> Layout {
    let picture = &split_shared_helpers(picture);
    let index: HashMap<&str, usize> = picture
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let edges: Vec<(usize, usize, &PictureEdge)> = picture
        .edges
        .iter()
        .filter_map(|e| Some((*index.get(e.from.as_str())?, *index.get(e.to.as_str())?, e)))
        .collect();
    let grid = place(picture, &index, &edges);
    let curves: Vec<Curve> = edges
        .iter()
        .map(|&(a, b, e)| curves::curve(&grid, a, b, e))
        .collect();
    let drawn = drawn_edges(&grid, &edges, &curves);
    let band_notes = band_notes(&grid, picture, &edges);

    let bottom = grid.band_bottom.last().copied().unwrap_or(MARGIN);
    let legend_y = bottom + 30.0;
    let content_width = grid.right_edge.max(MARGIN * 2.0 + 560.0);
    // The title and notes wrap to the drawing's width rather than widen it.
    let (header, header_width, header_height) =
        header(title, &picture.notes, content_width - MARGIN * 2.0);
    Layout {
        width: content_width.max(MARGIN * 2.0 + header_width),
        height: header_height + legend_y + 30.0 + MARGIN / 2.0,
        header,
        header_height,
        nodes: grid.placed,
        edges: drawn,
        band_notes,
        legend_y,
    }
}

/// Sizes the nodes, orders the columns, wraps them into bands and places every node.
fn place(
    picture: &Picture,
    index: &HashMap<&str, usize>,
    edges: &[(usize, usize, &PictureEdge)],
) -> Grid {
    let pairs: Vec<(usize, usize)> = edges.iter().map(|&(a, b, _)| (a, b)).collect();
    let columns = assign_columns(picture, index);
    let layers = order_columns(picture, &columns, &pairs);
    let has_route = picture.edges.iter().any(|e| e.highlighted);
    let placed = sized_nodes(picture, &columns);
    let mut labels_in = vec![0usize; placed.len()];
    let mut labels_out = vec![0usize; placed.len()];
    for &(a, b, e) in edges {
        if e.label.is_some() {
            labels_out[a] += 1;
            labels_in[b] += 1;
        }
    }
    let column_width: Vec<f64> = layers
        .iter()
        .map(|l| l.iter().map(|&v| placed[v].width).fold(0.0, f64::max))
        .collect();
    let count = layers.len();
    // Room above a band's top row (and for the notes of edges between bands): needed where an
    // edge off the route joins two route nodes that are not neighbours.
    let arcs = edges.iter().any(|&(a, b, e)| {
        !e.highlighted
            && picture.nodes[a].highlighted
            && picture.nodes[b].highlighted
            && columns[a].abs_diff(columns[b]) > 1
    });
    let mut grid = Grid {
        placed,
        layers,
        band_of: vec![0usize; count],
        band_top: Vec::new(),
        band_bottom: Vec::new(),
        column_x: vec![0.0; count],
        column_width,
        has_route,
        arc_room: if has_route && arcs { 60.0 } else { 0.0 },
        right_edge: 0.0,
        labels_in,
        labels_out,
    };
    let gaps = column_gaps(&grid, &columns, edges);
    if has_route {
        grid.band_of = bands(&grid.column_width, &gaps);
    }
    position(&mut grid, &gaps);
    grid
}

/// Each node's size, from its wrapped label, its detail and the padding its shape needs.
fn sized_nodes(picture: &Picture, columns: &[usize]) -> Vec<Placed> {
    picture
        .nodes
        .iter()
        .zip(columns)
        .map(|(node, &column)| {
            let lines = wrap(&node.label);
            let text = lines
                .iter()
                .map(|l| text_width(l, LABEL_SIZE))
                .fold(0.0, f64::max)
                .max(
                    node.detail
                        .as_deref()
                        .map_or(0.0, |d| text_width(d, DETAIL_SIZE)),
                );
            let padding = match node.kind {
                PictureKind::Role => 24.0,
                PictureKind::Skill => 32.0,
                PictureKind::Tool | PictureKind::Profile => 44.0,
            };
            let height = 16.0
                + lines.len() as f64 * LABEL_SIZE * 1.25
                + node.detail.as_ref().map_or(0.0, |_| DETAIL_SIZE * 1.4);
            Placed {
                lines,
                detail: node.detail.clone(),
                kind: node.kind,
                highlighted: node.highlighted,
                column,
                x: 0.0,
                y: 0.0,
                width: (text + padding).max(72.0),
                height,
            }
        })
        .collect()
}

/// The gap before each column (and after the last): wide enough for the labels placed in it.
fn column_gaps(grid: &Grid, columns: &[usize], edges: &[(usize, usize, &PictureEdge)]) -> Vec<f64> {
    let mut gaps = vec![MIN_COLUMN_GAP; grid.layers.len() + 1];
    for &(a, b, e) in edges {
        let Some(label) = &e.label else { continue };
        let (ca, cb) = (columns[a], columns[b]);
        let gap = match ca.cmp(&cb) {
            std::cmp::Ordering::Less if grid.near_target(a, b) => cb,
            std::cmp::Ordering::Less => ca + 1,
            std::cmp::Ordering::Greater if grid.near_target(a, b) => cb + 1,
            std::cmp::Ordering::Greater => ca,
            std::cmp::Ordering::Equal => ca + 1,
        };
        // The label's stub, and room for the curve beside it.
        let need = text_width(label, EDGE_LABEL_SIZE) + 24.0 + 48.0;
        gaps[gap] = gaps[gap].max(need);
    }
    gaps
}

/// The band of each column: a long route wraps onto the next band, like lines of text.
fn bands(column_width: &[f64], gaps: &[f64]) -> Vec<usize> {
    let mut band_of = vec![0usize; column_width.len()];
    let mut x = MARGIN;
    let mut band = 0;
    for c in 0..column_width.len() {
        if c > 0 {
            x += gaps[c];
        }
        if c > 0 && x + column_width[c] > BAND_WIDTH {
            band += 1;
            x = MARGIN + MIN_COLUMN_GAP / 2.0;
        }
        band_of[c] = band;
        x += column_width[c];
    }
    band_of
}

fn column_height(layer: &[usize], placed: &[Placed]) -> f64 {
    layer
        .iter()
        .map(|&v| placed[v].height + ROW_GAP)
        .sum::<f64>()
        - ROW_GAP
}

/// Places the columns of each band side by side and the bands one under another.
fn position(grid: &mut Grid, gaps: &[f64]) {
    let count = grid.layers.len();
    let bands = grid.band_of.last().map_or(1, |b| b + 1);
    grid.band_top = vec![0.0; bands];
    grid.band_bottom = vec![0.0; bands];
    let mut y0 = MARGIN;
    for band in 0..bands {
        let in_band: Vec<usize> = (0..count).filter(|&c| grid.band_of[c] == band).collect();
        let top = y0 + grid.arc_room;
        let tallest = in_band
            .iter()
            .map(|&c| column_height(&grid.layers[c], &grid.placed))
            .fold(0.0, f64::max);
        let mut x = if band == 0 {
            MARGIN
        } else {
            MARGIN + MIN_COLUMN_GAP / 2.0
        };
        for (i, &c) in in_band.iter().enumerate() {
            if i > 0 {
                x += gaps[c];
            }
            grid.column_x[c] = x;
            // Without a route, columns are centred on each other; with one, the route runs
            // along the top.
            let mut y = if grid.has_route {
                top
            } else {
                top + (tallest - column_height(&grid.layers[c], &grid.placed)) / 2.0
            };
            for &v in &grid.layers[c] {
                let node = &mut grid.placed[v];
                node.x = x + (grid.column_width[c] - node.width) / 2.0;
                node.y = y;
                y += node.height + ROW_GAP;
            }
            x += grid.column_width[c];
        }
        let after = in_band.last().map_or(0, |&c| c + 1);
        grid.right_edge = grid.right_edge.max(x + gaps[after] / 2.0);
        grid.band_top[band] = top;
        grid.band_bottom[band] = top + tallest;
        y0 = top + tallest + BAND_GAP;
    }
}

/// The edges drawn as lines, in drawing order (the route over the rest), with their labels
/// moved up or down off nodes and other labels. Edges off the route between bands are not
/// drawn but noted ([`band_notes`]).
fn drawn_edges(
    grid: &Grid,
    edges: &[(usize, usize, &PictureEdge)],
    curves: &[Curve],
) -> Vec<DrawnEdge> {
    let mut order: Vec<usize> = (0..edges.len())
        .filter(|&i| edges[i].2.highlighted || grid.band(edges[i].0) == grid.band(edges[i].1))
        .collect();
    order.sort_by_key(|&i| edges[i].2.highlighted);
    let mut taken: Vec<(f64, f64, f64, f64)> = grid
        .placed
        .iter()
        .map(|n| (n.x, n.y, n.width, n.height))
        .collect();
    order
        .into_iter()
        .map(|i| {
            let e = edges[i].2;
            let label = e.label.as_ref().map(|text| {
                let label = place_label(text, curves[i].label_at, &taken);
                taken.push((
                    label.x - label.width / 2.0,
                    label.y - label.height / 2.0,
                    label.width,
                    label.height,
                ));
                label
            });
            DrawnEdge {
                path: curves[i].path.clone(),
                highlighted: e.highlighted,
                dashed: dashed(e),
                label,
            }
        })
        .collect()
}

/// An edge label centred near `at`: there if it is clear of every box `taken`, else 1, 2, …
/// label heights below or above, alternately.
fn place_label(text: &str, at: Point, taken: &[(f64, f64, f64, f64)]) -> EdgeLabel {
    let w = text_width(text, EDGE_LABEL_SIZE) + 8.0;
    let h = EDGE_LABEL_SIZE + 6.0;
    let (cx, y0) = at;
    let cx = cx.max(w / 2.0 + 2.0);
    let clash = |cy: f64| {
        taken.iter().any(|&(x, y, tw, th)| {
            (cx - w / 2.0) < x + tw
                && x < cx + w / 2.0
                && (cy - h / 2.0) < y + th
                && y < cy + h / 2.0
        })
    };
    // 0, +1, -1, +2, -2, … label heights away.
    let cy = (0..24)
        .map(|k| {
            let step = f64::from((k + 1) / 2) * (h + 1.0);
            if k % 2 == 1 {
                y0 + step
            } else {
                y0 - step
            }
        })
        .find(|&cy| !clash(cy))
        .unwrap_or(y0);
    EdgeLabel {
        text: text.to_string(),
        x: cx,
        y: cy,
        width: w,
        height: h,
    }
}

/// Edges off the route between bands, as a note above each target naming their sources.
fn band_notes(
    grid: &Grid,
    picture: &Picture,
    edges: &[(usize, usize, &PictureEdge)],
) -> Vec<BandNote> {
    let mut noted: Vec<(usize, Vec<String>)> = Vec::new();
    for &(a, b, e) in edges {
        if !e.highlighted && grid.band(a) != grid.band(b) {
            let from = picture.nodes[a].label.clone();
            match noted.iter_mut().find(|(t, _)| *t == b) {
                Some((_, list)) => list.push(from),
                None => noted.push((b, vec![from])),
            }
        }
    }
    noted
        .into_iter()
        .map(|(target, sources)| {
            let q = &grid.placed[target];
            let source = edges
                .iter()
                .find(|e| e.1 == target && grid.band(e.0) != grid.band(e.1))
                .map_or(target, |e| e.0);
            let before = grid.band(target) > grid.band(source);
            BandNote {
                text: format!(
                    "{} {}",
                    if before { "after" } else { "before" },
                    sources.join(", ")
                ),
                x: q.x + q.width / 2.0,
                y: q.y,
            }
        })
        .collect()
}

/// The lines above the drawing: the title in bold, then the picture's notes, each wrapped at
/// spaces to `width`. Returns the lines, the widest (wider than asked only where a word is)
/// and the header's height.
fn header(title: Option<&str>, notes: &[String], width: f64) -> (Vec<HeaderLine>, f64, f64) {
    let title = title.map_or_else(Vec::new, |t| wrap_to(t, width, TITLE_SIZE * 1.05));
    let notes: Vec<String> = notes
        .iter()
        .flat_map(|n| wrap_to(n, width, NOTE_SIZE))
        .collect();
    let widest = title
        .iter()
        .map(|l| text_width(l, TITLE_SIZE) * 1.05)
        .chain(notes.iter().map(|l| text_width(l, NOTE_SIZE)))
        .fold(0.0, f64::max);
    let lines = title.len() as f64 * TITLE_SIZE * 1.3 + notes.len() as f64 * NOTE_SIZE * 1.4;
    let height = if lines > 0.0 { lines + 10.0 } else { 0.0 };
    let mut y = MARGIN;
    let mut out = Vec::new();
    for text in title {
        y += TITLE_SIZE * 1.3;
        out.push(HeaderLine {
            text,
            title: true,
            y: y - TITLE_SIZE * 0.3,
        });
    }
    for text in notes {
        y += NOTE_SIZE * 1.4;
        out.push(HeaderLine {
            text,
            title: false,
            y: y - NOTE_SIZE * 0.4,
        });
    }
    (out, widest, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_wrap_at_spaces() {
        assert_eq!(
            wrap("Incident response and management"),
            vec!["Incident response and", "management"]
        );
        assert_eq!(wrap("Kubernetes"), vec!["Kubernetes"]);
    }
}
