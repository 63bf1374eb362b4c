//! `skillgraph render`: an answer's [`Picture`] as a standalone SVG, laid out here without
//! Graphviz.
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

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use skillgraph_query::result::{Picture, PictureEdge, PictureKind, ResultTable};

use crate::engine::Outcome;
use crate::picture::{colours, dashed, EDGE, ROUTE};
use crate::{EXIT_OK, EXIT_QUERY_FAILED, EXIT_USAGE_OR_IO};

const FONT: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
const LABEL_SIZE: f64 = 14.0;
const DETAIL_SIZE: f64 = 11.0;
const EDGE_LABEL_SIZE: f64 = 11.0;
/// Average advance of a character, as a share of the font size (DejaVu Sans runs wide).
const CHAR_WIDTH: f64 = 0.6;
const WRAP_AT: usize = 24;
const MARGIN: f64 = 24.0;
const ROW_GAP: f64 = 16.0;
const MIN_COLUMN_GAP: f64 = 64.0;

fn text_width(text: &str, size: f64) -> f64 {
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

/// A node with its place on the canvas.
struct Placed {
    lines: Vec<String>,
    detail: Option<String>,
    kind: PictureKind,
    highlighted: bool,
    column: usize,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

impl Placed {
    fn centre_y(&self) -> f64 {
        self.y + self.height / 2.0
    }
    fn right(&self) -> f64 {
        self.x + self.width
    }
}

/// Which column each node goes in (see the module doc), starting at 0.
fn assign_columns(picture: &Picture, index: &HashMap<&str, usize>) -> Vec<usize> {
    let n = picture.nodes.len();
    let edges: Vec<(usize, usize)> = picture
        .edges
        .iter()
        .filter_map(|e| Some((*index.get(e.from.as_str())?, *index.get(e.to.as_str())?)))
        .filter(|(a, b)| a != b)
        .collect();
    let mut column: Vec<Option<i64>> = picture
        .nodes
        .iter()
        .map(|node| node.column.map(|c| c as i64))
        .collect();
    if column.iter().all(Option::is_none) {
        // Career moves between roles would stretch the roles over many columns and push
        // everything else right; roles share the first column and moves are drawn beside it.
        let layering: Vec<(usize, usize)> = edges
            .iter()
            .copied()
            .filter(|&(a, b)| {
                !(picture.nodes[a].kind == PictureKind::Role
                    && picture.nodes[b].kind == PictureKind::Role)
            })
            .collect();
        return longest_path_layers(n, &layering);
    }
    // Spread the answer's order to the nodes around it, nearest first.
    loop {
        let mut changed = false;
        for v in 0..n {
            if column[v].is_some() {
                continue;
            }
            let before = edges
                .iter()
                .filter(|&&(a, _)| a == v)
                .filter_map(|&(_, b)| column[b])
                .min();
            let after = edges
                .iter()
                .filter(|&&(_, b)| b == v)
                .filter_map(|&(a, _)| column[a])
                .max();
            // A helper (a tool covering a step, a skill a move names) goes under what it helps.
            if let Some(c) = before.or(after.map(|c| c + 1)) {
                column[v] = Some(c);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Whatever is not joined to the ordered part goes after it, layered on its own.
    let placed_max = column.iter().flatten().copied().max().unwrap_or(0);
    let rest: Vec<usize> = (0..n).filter(|&v| column[v].is_none()).collect();
    if !rest.is_empty() {
        let local: HashMap<usize, usize> = rest.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let rest_edges: Vec<(usize, usize)> = edges
            .iter()
            .filter_map(|(a, b)| Some((*local.get(a)?, *local.get(b)?)))
            .collect();
        for (i, layer) in longest_path_layers(rest.len(), &rest_edges)
            .into_iter()
            .enumerate()
        {
            column[rest[i]] = Some(placed_max + 1 + layer as i64);
        }
    }
    let min = column.iter().flatten().copied().min().unwrap_or(0);
    column
        .into_iter()
        .map(|c| (c.unwrap_or(min) - min) as usize)
        .collect()
}

/// Layers by longest path from the sources, after turning edges that close a cycle around
/// (found by depth-first search in node order, so the first node stays leftmost).
fn longest_path_layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        out[a].push(b);
    }
    // 0 = unseen, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; n];
    let mut forward: Vec<(usize, usize)> = Vec::new();
    let mut order: Vec<usize> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if *next < out[v].len() {
                let w = out[v][*next];
                *next += 1;
                match state[w] {
                    0 => {
                        forward.push((v, w));
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => forward.push((w, v)),
                    _ => forward.push((v, w)),
                }
            } else {
                state[v] = 2;
                order.push(v);
                stack.pop();
            }
        }
    }
    // `order` is a post-order of the forward edges: reversed, a topological order.
    let mut layer = vec![0usize; n];
    let position: HashMap<usize, usize> = order
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| (v, i))
        .collect();
    let mut sorted = forward;
    sorted.sort_by_key(|&(a, _)| position[&a]);
    for (a, b) in sorted {
        if position[&a] < position[&b] {
            layer[b] = layer[b].max(layer[a] + 1);
        }
    }
    layer
}

/// Orders the nodes of each column: the route first, then by the mean row of their
/// neighbours in the columns already ordered (a few sweeps each way), ties in picture order.
fn order_columns(
    picture: &Picture,
    columns: &[usize],
    edges: &[(usize, usize)],
) -> Vec<Vec<usize>> {
    let count = columns.iter().copied().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (v, &c) in columns.iter().enumerate() {
        layers[c].push(v);
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); columns.len()];
    for &(a, b) in edges {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    for sweep in 0..4 {
        let mut row = vec![0.0f64; columns.len()];
        for layer in &layers {
            for (i, &v) in layer.iter().enumerate() {
                row[v] = i as f64;
            }
        }
        let rightwards = sweep % 2 == 0;
        let range: Vec<usize> = if rightwards {
            (1..count).collect()
        } else {
            (0..count.saturating_sub(1)).rev().collect()
        };
        for c in range {
            let mut keyed: Vec<(bool, f64, usize, usize)> = layers[c]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let near: Vec<f64> = neighbours[v]
                        .iter()
                        .filter(|&&w| {
                            if rightwards {
                                columns[w] < c
                            } else {
                                columns[w] > c
                            }
                        })
                        .map(|&w| row[w])
                        .collect();
                    let mean = if near.is_empty() {
                        i as f64
                    } else {
                        near.iter().sum::<f64>() / near.len() as f64
                    };
                    (!picture.nodes[v].highlighted, mean, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
            layers[c] = keyed.into_iter().map(|k| k.3).collect();
            for (i, &v) in layers[c].iter().enumerate() {
                row[v] = i as f64;
            }
        }
    }
    layers
}

/// A point on the cubic Bézier p0..p3 at t.
fn bezier(p: [(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * p[0].0 + b * p[1].0 + c * p[2].0 + d * p[3].0,
        a * p[0].1 + b * p[1].1 + c * p[2].1 + d * p[3].1,
    )
}

/// How an edge is drawn: a path, and the point its label is centred on.
struct Curve {
    path: String,
    label_at: (f64, f64),
}

fn cubic(p: [(f64, f64); 4]) -> String {
    format!(
        "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        p[0].0, p[0].1, p[1].0, p[1].1, p[2].0, p[2].1, p[3].0, p[3].1
    )
}

/// In a picture with an order, a helper without a place of its own that points at nodes in
/// several columns (a tool covering two plan steps) is drawn once beside each, so no edge runs
/// the length of the picture. Pictures without an order are left as they are.
fn split_shared_helpers(picture: &Picture) -> Picture {
    if picture.nodes.iter().all(|n| n.column.is_none()) {
        return picture.clone();
    }
    let column_of = |id: &str| picture.find(id).and_then(|n| n.column);
    let mut out = Picture {
        notes: picture.notes.clone(),
        ..Picture::default()
    };
    let mut moved: HashMap<(&str, &str), String> = HashMap::new();
    for node in &picture.nodes {
        let incoming = picture.edges.iter().any(|e| e.to == node.id);
        let mut targets: Vec<(usize, &str)> = picture
            .edges
            .iter()
            .filter(|e| e.from == node.id)
            .filter_map(|e| Some((column_of(&e.to)?, e.to.as_str())))
            .collect();
        targets.sort();
        let mut columns: Vec<usize> = targets.iter().map(|t| t.0).collect();
        columns.dedup();
        if node.column.is_some() || incoming || columns.len() < 2 {
            out.nodes.push(node.clone());
            continue;
        }
        for (k, column) in columns.iter().enumerate() {
            let mut copy = node.clone();
            copy.id = format!("{}#{k}", node.id);
            for (_, to) in targets.iter().filter(|t| t.0 == *column) {
                moved.insert((node.id.as_str(), to), copy.id.clone());
            }
            out.nodes.push(copy);
        }
    }
    for edge in &picture.edges {
        let mut edge = edge.clone();
        if let Some(id) = moved.get(&(edge.from.as_str(), edge.to.as_str())) {
            edge.from = id.clone();
        }
        out.edges.push(edge);
    }
    out
}

/// The widest a band of columns may grow before the rest of a route wraps onto the next band.
const BAND_WIDTH: f64 = 1500.0;
const BAND_GAP: f64 = 56.0;

/// The picture as an SVG document.
pub fn svg(picture: &Picture, title: Option<&str>) -> String {
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
    let pairs: Vec<(usize, usize)> = edges.iter().map(|&(a, b, _)| (a, b)).collect();
    let columns = assign_columns(picture, &index);
    let layers = order_columns(picture, &columns, &pairs);
    let has_route = picture.edges.iter().any(|e| e.highlighted);

    // Sizes.
    let mut placed: Vec<Placed> = picture
        .nodes
        .iter()
        .zip(&columns)
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
        .collect();

    // Which end each label sits next to: the one with fewer labels to share the space.
    let mut labels_in = vec![0usize; placed.len()];
    let mut labels_out = vec![0usize; placed.len()];
    for &(a, b, e) in &edges {
        if e.label.is_some() {
            labels_out[a] += 1;
            labels_in[b] += 1;
        }
    }
    let near_target = |a: usize, b: usize| labels_in[b] <= labels_out[a];
    // The gap before column c must hold the labels placed in it.
    let count = layers.len();
    let mut gaps = vec![MIN_COLUMN_GAP; count + 1];
    for &(a, b, e) in &edges {
        let Some(label) = &e.label else { continue };
        let (ca, cb) = (columns[a], columns[b]);
        let gap = match ca.cmp(&cb) {
            std::cmp::Ordering::Less if near_target(a, b) => cb,
            std::cmp::Ordering::Less => ca + 1,
            std::cmp::Ordering::Greater if near_target(a, b) => cb + 1,
            std::cmp::Ordering::Greater => ca,
            std::cmp::Ordering::Equal => ca + 1,
        };
        // The label's stub, and room for the curve beside it.
        let need = text_width(label, EDGE_LABEL_SIZE) + 24.0 + 48.0;
        gaps[gap] = gaps[gap].max(need);
    }
    let column_width: Vec<f64> = layers
        .iter()
        .map(|l| l.iter().map(|&v| placed[v].width).fold(0.0, f64::max))
        .collect();
    let column_height = |layer: &Vec<usize>, placed: &Vec<Placed>| {
        layer
            .iter()
            .map(|&v| placed[v].height + ROW_GAP)
            .sum::<f64>()
            - ROW_GAP
    };

    // Bands: a long route wraps onto the next band, like lines of text.
    let mut band_of = vec![0usize; count];
    if has_route {
        let mut x = MARGIN;
        let mut band = 0;
        for c in 0..count {
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
    }
    let bands = band_of.last().map_or(1, |b| b + 1);

    // Positions, below a header (title and notes) whose height is known once the width is:
    // the drawing goes in a group moved down by it.
    // Room above a band's top row for arcs between route nodes columns apart.
    // (and for the notes of edges between bands): needed where an edge off the route joins
    // two route nodes that are not neighbours.
    let arcs = edges.iter().any(|&(a, b, e)| {
        !e.highlighted
            && picture.nodes[a].highlighted
            && picture.nodes[b].highlighted
            && columns[a].abs_diff(columns[b]) > 1
    });
    let arc_room = if has_route && arcs { 60.0 } else { 0.0 };
    let mut band_top = vec![0.0; bands];
    let mut band_bottom = vec![0.0; bands];
    let mut column_x = vec![0.0; count];
    let mut right_edge: f64 = 0.0;
    let mut y0 = MARGIN;
    for band in 0..bands {
        let in_band: Vec<usize> = (0..count).filter(|&c| band_of[c] == band).collect();
        let top = y0 + arc_room;
        let tallest = in_band
            .iter()
            .map(|&c| column_height(&layers[c], &placed))
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
            column_x[c] = x;
            // Without a route, columns are centred on each other; with one, the route runs
            // along the top.
            let mut y = if has_route {
                top
            } else {
                top + (tallest - column_height(&layers[c], &placed)) / 2.0
            };
            for &v in &layers[c] {
                placed[v].x = x + (column_width[c] - placed[v].width) / 2.0;
                placed[v].y = y;
                y += placed[v].height + ROW_GAP;
            }
            x += column_width[c];
        }
        right_edge = right_edge.max(x + gaps[in_band.last().map_or(0, |&c| c + 1)] / 2.0);
        band_top[band] = top;
        band_bottom[band] = top + tallest;
        y0 = top + tallest + BAND_GAP;
    }
    let band = |v: usize| band_of[placed[v].column];

    // Curves.
    let curves: Vec<Curve> = edges
        .iter()
        .map(|&(a, b, e)| {
            let (p, q) = (&placed[a], &placed[b]);
            let (ca, cb) = (p.column, q.column);
            if band(a) != band(b) {
                if e.highlighted && band(b) == band(a) + 1 {
                    // The route wraps: down from the end of one band, back to the start of
                    // the next, like a carriage return.
                    let turn_y = band_bottom[band(a)] + BAND_GAP / 2.0 + 6.0;
                    let (x1, y1) = (p.right(), p.centre_y());
                    let out_x = x1 + 14.0;
                    let in_x = q.x - MIN_COLUMN_GAP / 2.0 + 8.0;
                    let (x2, y2) = (q.x, q.centre_y());
                    let r = 10.0;
                    let path = format!(
                        "M{x1:.1},{y1:.1} H{:.1} Q{out_x:.1},{y1:.1} {out_x:.1},{:.1} V{:.1} Q{out_x:.1},{turn_y:.1} {:.1},{turn_y:.1} H{:.1} Q{in_x:.1},{turn_y:.1} {in_x:.1},{:.1} V{:.1} Q{in_x:.1},{y2:.1} {:.1},{y2:.1} H{x2:.1}",
                        out_x - r,
                        y1 + r,
                        turn_y - r,
                        out_x - r,
                        in_x + r,
                        turn_y + r,
                        y2 - r,
                        in_x + r,
                    );
                    let mid = (x1 + in_x) / 2.0;
                    return Curve {
                        path,
                        label_at: (mid, turn_y),
                    };
                }
                // Between bands: a plain curve from the bottom of one to the top of the other.
                let (start, end) = if band(a) < band(b) {
                    ((p.x + p.width / 2.0, p.y + p.height), (q.x + q.width / 2.0, q.y))
                } else {
                    ((p.x + p.width / 2.0, p.y), (q.x + q.width / 2.0, q.y + q.height))
                };
                let pull = (end.1 - start.1) * 0.4;
                let points = [start, (start.0, start.1 + pull), (end.0, end.1 - pull), end];
                return Curve {
                    path: cubic(points),
                    label_at: bezier(points, 0.5),
                };
            }
            if ca == cb && q.y + q.height <= p.y {
                // Up into the bottom of what it helps (a tool under its skill), clear of the
                // route leaving that node's right side: straight up where nothing is in the
                // way, else up a lane beside the column.
                let bottom = q.y + q.height;
                let tx = (q.x + q.width * 0.8).max(p.right() - 8.0).min(q.right() - 12.0);
                let blocked = layers[ca]
                    .iter()
                    .map(|&v| &placed[v])
                    .any(|n| n.y > bottom && n.y < p.y && n.right() + 4.0 > tx);
                let (path, label_at) = if tx > p.right() - 2.0 && !blocked {
                    let path = format!(
                        "M{:.1},{:.1} H{:.1} Q{tx:.1},{:.1} {tx:.1},{:.1} V{bottom:.1}",
                        p.right(),
                        p.centre_y(),
                        tx - 8.0,
                        p.centre_y(),
                        p.centre_y() - 8.0
                    );
                    (path, (tx, (p.centre_y() + bottom) / 2.0))
                } else {
                    let lane = column_x[ca] + column_width[ca] + 10.0;
                    let end = q.right() - 16.0;
                    let path = format!(
                        "M{:.1},{:.1} H{:.1} Q{lane:.1},{:.1} {lane:.1},{:.1} V{:.1} C{lane:.1},{:.1} {end:.1},{:.1} {end:.1},{bottom:.1}",
                        p.right(),
                        p.centre_y(),
                        lane - 8.0,
                        p.centre_y(),
                        p.centre_y() - 8.0,
                        bottom + 26.0,
                        bottom + 12.0,
                        bottom + 14.0,
                    );
                    (path, (lane, (p.centre_y() + bottom) / 2.0))
                };
                return Curve { path, label_at };
            }
            if ca == cb {
                let x0 = p.right().max(q.right());
                let bulge = 28.0 + 0.2 * (q.centre_y() - p.centre_y()).abs().min(200.0);
                let points = [
                    (p.right(), p.centre_y()),
                    (x0 + bulge, p.centre_y()),
                    (x0 + bulge, q.centre_y()),
                    (q.right(), q.centre_y()),
                ];
                return Curve {
                    path: cubic(points),
                    label_at: bezier(points, 0.5),
                };
            }
            let top = band_top[band(a)];
            let both_on_top = has_route
                && p.highlighted
                && q.highlighted
                && (p.y - top).abs() < 1.0
                && (q.y - top).abs() < 1.0;
            if both_on_top && ca.abs_diff(cb) > 1 {
                // Over the top of the route, not through the nodes between.
                let (x1, x2) = (p.x + p.width / 2.0, q.x + q.width / 2.0);
                let lift = top - arc_room + 4.0;
                let points = [(x1, p.y), (x1, lift), (x2, lift), (x2, q.y)];
                return Curve {
                    path: cubic(points),
                    label_at: bezier(points, 0.5),
                };
            }
            let (start, end) = if ca < cb {
                ((p.right(), p.centre_y()), (q.x, q.centre_y()))
            } else {
                ((p.x, p.centre_y()), (q.right(), q.centre_y()))
            };
            // A label sits on a straight stub at the end it belongs to, where curves that fan
            // out are apart; the curve runs between the stub and the other end.
            let dir = if ca < cb { 1.0 } else { -1.0 };
            let stub = e
                .label
                .as_deref()
                .map_or(0.0, |l| text_width(l, EDGE_LABEL_SIZE) + 24.0);
            let (curve_start, curve_end, label_at) = match e.label {
                None => (start, end, start),
                Some(_) if near_target(a, b) => {
                    let bend = (end.0 - dir * stub, end.1);
                    (start, bend, ((bend.0 + end.0) / 2.0, end.1))
                }
                Some(_) => {
                    let bend = (start.0 + dir * stub, start.1);
                    (bend, end, ((start.0 + bend.0) / 2.0, start.1))
                }
            };
            let pull = (curve_end.0 - curve_start.0) * 0.5;
            let points = [
                curve_start,
                (curve_start.0 + pull, curve_start.1),
                (curve_end.0 - pull, curve_end.1),
                curve_end,
            ];
            let mut path = format!("M{:.1},{:.1} ", start.0, start.1);
            if curve_start != start {
                let _ = write!(path, "H{:.1} ", curve_start.0);
            }
            path.push_str(&cubic(points).replacen('M', "L", 1));
            if curve_end != end {
                let _ = write!(path, " H{:.1}", end.0);
            }
            Curve { path, label_at }
        })
        .collect();

    // Legend.
    let bottom = band_bottom.last().copied().unwrap_or(y0);
    let legend_y = bottom + 30.0;
    let content_width = right_edge.max(MARGIN * 2.0 + 560.0);
    // The title and notes wrap to the drawing's width rather than widen it.
    let header = Header::new(title, &picture.notes, content_width - MARGIN * 2.0);
    let width = content_width.max(MARGIN * 2.0 + header.width);
    let height = header.height + legend_y + 30.0 + MARGIN / 2.0;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\">",
        w = width.ceil(),
        h = height.ceil()
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
    header.draw(&mut out);
    let _ = writeln!(out, "<g transform=\"translate(0 {:.1})\">", header.height);
    // Edges off the route between bands become a note above their target.
    let mut noted: Vec<(usize, Vec<String>)> = Vec::new();
    for &(a, b, e) in &edges {
        if !e.highlighted && band(a) != band(b) {
            let from = picture.nodes[a].label.clone();
            match noted.iter_mut().find(|(t, _)| *t == b) {
                Some((_, list)) => list.push(from),
                None => noted.push((b, vec![from])),
            }
        }
    }
    // Edges under nodes, the route over the rest.
    let mut drawing_order: Vec<usize> = (0..edges.len())
        .filter(|&i| edges[i].2.highlighted || band(edges[i].0) == band(edges[i].1))
        .collect();
    drawing_order.sort_by_key(|&i| edges[i].2.highlighted);
    for &i in &drawing_order {
        let e = edges[i].2;
        let (colour, width, arrow) = if e.highlighted {
            (ROUTE, 3.0, "arrow-route")
        } else {
            (EDGE, 1.4, "arrow")
        };
        let dash = if dashed(e) {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash} marker-end=\"url(#{arrow})\"/>",
            curves[i].path
        );
    }
    for node in &placed {
        draw_node(&mut out, node);
    }
    for (target, sources) in &noted {
        let q = &placed[*target];
        let x = q.x + q.width / 2.0;
        let before = band_of[q.column]
            > band_of[placed[edges
                .iter()
                .find(|e| e.1 == *target && band(e.0) != band(e.1))
                .map_or(*target, |e| e.0)]
            .column];
        let text = format!(
            "{} {}",
            if before { "after" } else { "before" },
            sources.join(", ")
        );
        let _ = writeln!(
            out,
            "<path d=\"M{x:.1},{:.1} V{:.1}\" stroke=\"{EDGE}\" stroke-width=\"1.4\" stroke-dasharray=\"4 3\" marker-end=\"url(#arrow)\"/>",
            q.y - 18.0,
            q.y
        );
        let _ = writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"{EDGE_LABEL_SIZE}\" font-style=\"italic\" text-anchor=\"middle\" fill=\"#495057\">{}</text>",
            q.y - 22.0,
            escape(&text)
        );
    }
    // Labels last, so no line runs over them; moved up or down off nodes and other labels.
    let mut taken: Vec<(f64, f64, f64, f64)> = placed
        .iter()
        .map(|n| (n.x, n.y, n.width, n.height))
        .collect();
    for &i in &drawing_order {
        let e = edges[i].2;
        let Some(label) = &e.label else { continue };
        let w = text_width(label, EDGE_LABEL_SIZE) + 8.0;
        let h = EDGE_LABEL_SIZE + 6.0;
        let (cx, y0) = curves[i].label_at;
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
        taken.push((cx - w / 2.0, cy - h / 2.0, w, h));
        let colour = if e.highlighted { ROUTE } else { "#495057" };
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\"/>",
            cx - w / 2.0,
            cy - h / 2.0
        );
        let _ = writeln!(
            out,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"{EDGE_LABEL_SIZE}\" text-anchor=\"middle\" fill=\"{colour}\"{}>{}</text>",
            cy + EDGE_LABEL_SIZE * 0.35,
            if e.highlighted { " font-weight=\"bold\"" } else { "" },
            escape(label)
        );
    }
    legend(&mut out, picture, legend_y);
    out.push_str("</g>\n</svg>\n");
    out
}

const TITLE_SIZE: f64 = 16.0;
const NOTE_SIZE: f64 = 13.0;

/// The lines above the drawing: the title in bold, then the picture's notes, each wrapped at
/// spaces to the drawing's width.
struct Header {
    title: Vec<String>,
    notes: Vec<String>,
    /// The widest line, which is wider than asked only where a word is.
    width: f64,
    height: f64,
}

impl Header {
    fn new(title: Option<&str>, notes: &[String], width: f64) -> Header {
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
        Header {
            height: if lines > 0.0 { lines + 10.0 } else { 0.0 },
            title,
            notes,
            width: widest,
        }
    }

    fn draw(&self, out: &mut String) {
        let mut y = MARGIN;
        for line in &self.title {
            y += TITLE_SIZE * 1.3;
            let _ = writeln!(
                out,
                "<text x=\"{MARGIN}\" y=\"{:.1}\" font-size=\"{TITLE_SIZE}\" font-weight=\"bold\" fill=\"#212529\">{}</text>",
                y - TITLE_SIZE * 0.3,
                escape(line)
            );
        }
        for line in &self.notes {
            y += NOTE_SIZE * 1.4;
            let _ = writeln!(
                out,
                "<text x=\"{MARGIN}\" y=\"{:.1}\" font-size=\"{NOTE_SIZE}\" fill=\"#495057\">{}</text>",
                y - NOTE_SIZE * 0.4,
                escape(line)
            );
        }
    }
}

/// Breaks text at spaces into lines no wider than `width` at `size`.
fn wrap_to(text: &str, width: f64, size: f64) -> Vec<String> {
    wrap_at(
        text,
        ((width / (size * CHAR_WIDTH)).floor() as usize).max(20),
    )
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

/// `skillgraph render STATEMENT… [-o FILE.svg]`: runs the statements in one session and draws
/// the last one's answer. Exit 1 if a statement fails or the last answer has no picture.
pub fn command(
    db_path: &Path,
    options: crate::RunOptions,
    statements: &[String],
    out: Option<&Path>,
) -> u8 {
    if let Some(path) = out {
        let svg_named = path
            .extension()
            .is_none_or(|e| e.eq_ignore_ascii_case("svg"));
        if !svg_named {
            eprintln!(
                "error: `render` writes SVG, so name the file `….svg` (`query --format dot` or `--format mermaid` give the picture as text)"
            );
            return EXIT_USAGE_OR_IO;
        }
    }
    crate::with_engine(db_path, options, |engine| {
        engine.captured = Some(Vec::new());
        for (i, statement) in statements.iter().enumerate() {
            let name = if statements.len() == 1 {
                "render".to_string()
            } else {
                format!("render {}", i + 1)
            };
            if engine.run_script(&name, statement) == Outcome::Failed {
                return EXIT_QUERY_FAILED;
            }
        }
        let tables: Vec<ResultTable> = engine.captured.take().unwrap_or_default();
        let Some(table) = tables.last() else {
            eprintln!("error: nothing to draw: no statement was given");
            return EXIT_QUERY_FAILED;
        };
        let Some(picture) = &table.picture else {
            eprintln!(
                "error: {} has no picture; `render` draws path, paths, learn, compare, show and neighbourhood",
                table
                    .title
                    .as_deref()
                    .map_or("the answer".to_string(), |t| format!("`{t}`"))
            );
            return EXIT_QUERY_FAILED;
        };
        let text = svg(picture, table.heading().as_deref());
        match out {
            None => {
                crate::output::write_out(&text);
                EXIT_OK
            }
            Some(path) => match std::fs::write(path, text) {
                Ok(()) => {
                    eprintln!(
                        "wrote {}: {} nodes, {} edges",
                        path.display(),
                        picture.nodes.len(),
                        picture.edges.len()
                    );
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    EXIT_USAGE_OR_IO
                }
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_do_not_stop_the_layering() {
        let layers = longest_path_layers(3, &[(0, 1), (1, 2), (2, 0)]);
        assert_eq!(layers, vec![0, 1, 2]);
    }

    #[test]
    fn long_labels_wrap_at_spaces() {
        assert_eq!(
            wrap("Incident response and management"),
            vec!["Incident response and", "management"]
        );
        assert_eq!(wrap("Kubernetes"), vec!["Kubernetes"]);
    }
}
