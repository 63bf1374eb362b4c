//! The path of each edge between placed nodes, and where its label goes.

use skillgraph_query::result::PictureEdge;

use super::layout::{
    text_width, Grid, Placed, Point, Step, BAND_GAP, EDGE_LABEL_SIZE, MIN_COLUMN_GAP,
};

/// How an edge is drawn: a path, and the point its label is centred on.
pub struct Curve {
    pub path: Vec<Step>,
    pub label_at: Point,
}

/// A point on the cubic Bézier p0..p3 at t.
fn bezier(p: [Point; 4], t: f64) -> Point {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * p[0].0 + b * p[1].0 + c * p[2].0 + d * p[3].0,
        a * p[0].1 + b * p[1].1 + c * p[2].1 + d * p[3].1,
    )
}

/// The cubic p0..p3 with its label at its middle.
fn cubic(p: [Point; 4]) -> Curve {
    Curve {
        path: vec![Step::Move(p[0]), Step::Cubic(p[1], p[2], p[3])],
        label_at: bezier(p, 0.5),
    }
}

/// The curve of an edge from node `a` to node `b`.
pub(super) fn curve(grid: &Grid, a: usize, b: usize, e: &PictureEdge) -> Curve {
    let (p, q) = (&grid.placed[a], &grid.placed[b]);
    let (ca, cb) = (p.column, q.column);
    if grid.band(a) != grid.band(b) {
        if e.highlighted && grid.band(b) == grid.band(a) + 1 {
            return route_wrap(grid.band_bottom[grid.band(a)], p, q);
        }
        // Between bands: a plain curve from the bottom of one to the top of the other.
        let (start, end) = if grid.band(a) < grid.band(b) {
            (
                (p.x + p.width / 2.0, p.y + p.height),
                (q.x + q.width / 2.0, q.y),
            )
        } else {
            (
                (p.x + p.width / 2.0, p.y),
                (q.x + q.width / 2.0, q.y + q.height),
            )
        };
        let pull = (end.1 - start.1) * 0.4;
        return cubic([start, (start.0, start.1 + pull), (end.0, end.1 - pull), end]);
    }
    if ca == cb && q.y + q.height <= p.y {
        return up_into(grid, p, q);
    }
    if ca == cb {
        let x0 = p.right().max(q.right());
        let bulge = 28.0 + 0.2 * (q.centre_y() - p.centre_y()).abs().min(200.0);
        return cubic([
            (p.right(), p.centre_y()),
            (x0 + bulge, p.centre_y()),
            (x0 + bulge, q.centre_y()),
            (q.right(), q.centre_y()),
        ]);
    }
    let top = grid.band_top[grid.band(a)];
    let both_on_top = grid.has_route
        && p.highlighted
        && q.highlighted
        && (p.y - top).abs() < 1.0
        && (q.y - top).abs() < 1.0;
    if both_on_top && ca.abs_diff(cb) > 1 {
        // Over the top of the route, not through the nodes between.
        let (x1, x2) = (p.x + p.width / 2.0, q.x + q.width / 2.0);
        let lift = top - grid.arc_room + 4.0;
        return cubic([(x1, p.y), (x1, lift), (x2, lift), (x2, q.y)]);
    }
    across(grid.near_target(a, b), p, q, e.label.as_deref())
}

/// The route wrapping from the end of one band (its bottom at `band_bottom`) to the start of
/// the next: down, back and in, like a carriage return.
fn route_wrap(band_bottom: f64, p: &Placed, q: &Placed) -> Curve {
    let turn_y = band_bottom + BAND_GAP / 2.0 + 6.0;
    let (x1, y1) = (p.right(), p.centre_y());
    let out_x = x1 + 14.0;
    let in_x = q.x - MIN_COLUMN_GAP / 2.0 + 8.0;
    let (x2, y2) = (q.x, q.centre_y());
    let r = 10.0;
    Curve {
        path: vec![
            Step::Move((x1, y1)),
            Step::Horizontal(out_x - r),
            Step::Quad((out_x, y1), (out_x, y1 + r)),
            Step::Vertical(turn_y - r),
            Step::Quad((out_x, turn_y), (out_x - r, turn_y)),
            Step::Horizontal(in_x + r),
            Step::Quad((in_x, turn_y), (in_x, turn_y + r)),
            Step::Vertical(y2 - r),
            Step::Quad((in_x, y2), (in_x + r, y2)),
            Step::Horizontal(x2),
        ],
        label_at: ((x1 + in_x) / 2.0, turn_y),
    }
}

/// Up from `p` into the bottom of `q` above it in the same column (a tool under the skill it
/// covers), clear of the route leaving `q`'s right side: straight up where nothing is in the
/// way, else up a lane beside the column.
fn up_into(grid: &Grid, p: &Placed, q: &Placed) -> Curve {
    let column = p.column;
    let bottom = q.y + q.height;
    let tx = (q.x + q.width * 0.8)
        .max(p.right() - 8.0)
        .min(q.right() - 12.0);
    let blocked = grid.layers[column]
        .iter()
        .map(|&v| &grid.placed[v])
        .any(|n| n.y > bottom && n.y < p.y && n.right() + 4.0 > tx);
    let (cy, right) = (p.centre_y(), p.right());
    if tx > right - 2.0 && !blocked {
        return Curve {
            path: vec![
                Step::Move((right, cy)),
                Step::Horizontal(tx - 8.0),
                Step::Quad((tx, cy), (tx, cy - 8.0)),
                Step::Vertical(bottom),
            ],
            label_at: (tx, (cy + bottom) / 2.0),
        };
    }
    let lane = grid.column_x[column] + grid.column_width[column] + 10.0;
    let end = q.right() - 16.0;
    Curve {
        path: vec![
            Step::Move((right, cy)),
            Step::Horizontal(lane - 8.0),
            Step::Quad((lane, cy), (lane, cy - 8.0)),
            Step::Vertical(bottom + 26.0),
            Step::Cubic((lane, bottom + 12.0), (end, bottom + 14.0), (end, bottom)),
        ],
        label_at: (lane, (cy + bottom) / 2.0),
    }
}

/// From one column to another in the same band. A label sits on a straight stub at the end it
/// belongs to (the target's where `near_target`), where curves that fan out are apart; the
/// curve runs between the stub and the other end.
fn across(near_target: bool, p: &Placed, q: &Placed, label: Option<&str>) -> Curve {
    let rightwards = p.column < q.column;
    let (start, end) = if rightwards {
        ((p.right(), p.centre_y()), (q.x, q.centre_y()))
    } else {
        ((p.x, p.centre_y()), (q.right(), q.centre_y()))
    };
    let dir = if rightwards { 1.0 } else { -1.0 };
    let stub = label.map_or(0.0, |l| text_width(l, EDGE_LABEL_SIZE) + 24.0);
    let (curve_start, curve_end, label_at) = match label {
        None => (start, end, start),
        Some(_) if near_target => {
            let bend = (end.0 - dir * stub, end.1);
            (start, bend, ((bend.0 + end.0) / 2.0, end.1))
        }
        Some(_) => {
            let bend = (start.0 + dir * stub, start.1);
            (bend, end, ((start.0 + bend.0) / 2.0, start.1))
        }
    };
    let pull = (curve_end.0 - curve_start.0) * 0.5;
    let mut path = vec![Step::Move(start)];
    if curve_start != start {
        path.push(Step::Horizontal(curve_start.0));
    }
    path.push(Step::Line(curve_start));
    path.push(Step::Cubic(
        (curve_start.0 + pull, curve_start.1),
        (curve_end.0 - pull, curve_end.1),
        curve_end,
    ));
    if curve_end != end {
        path.push(Step::Horizontal(end.0));
    }
    Curve { path, label_at }
}
