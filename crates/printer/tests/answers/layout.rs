//! The SVG's layout as geometry, without SVG: nodes apart and on the canvas, a route in order
//! along the top of its band, a long route wrapped onto bands, labels clear of the nodes.

use skillgraph_printer::svg::layout::{layout, Layout, Placed, Step};

use crate::{answer, answers};

const PICTURES: &[&str] = &[
    "learn DevOps -> SRE",
    "learn [Linux, Python] -> SRE via DevOps",
    "path DevOps -> \"Engineering Manager\"",
    "paths DevOps -> \"Engineering Manager\" max 4 limit 5",
    "compare DevOps, SRE",
    "show SRE",
    "neighbourhood Kubernetes depth 2",
];

fn laid_out(statement: &str) -> Layout {
    let table = answer(statement);
    let picture = table.picture.as_ref().expect("a picture");
    layout(picture, table.heading().as_deref())
}

fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

fn frame(n: &Placed) -> (f64, f64, f64, f64) {
    (n.x, n.y, n.width, n.height)
}

#[test]
fn nodes_are_apart_and_on_the_canvas() {
    for statement in PICTURES {
        let layout = laid_out(statement);
        let drawing_height = layout.height - layout.header_height;
        for (i, a) in layout.nodes.iter().enumerate() {
            assert!(
                a.x >= 0.0 && a.right() <= layout.width,
                "{statement}: {a:?}"
            );
            assert!(
                a.y >= 0.0 && a.y + a.height <= drawing_height,
                "{statement}: {a:?}"
            );
            for b in &layout.nodes[i + 1..] {
                assert!(!overlap(frame(a), frame(b)), "{statement}: {a:?} on {b:?}");
            }
        }
    }
}

#[test]
fn edges_start_and_end_on_the_canvas() {
    for statement in PICTURES {
        let layout = laid_out(statement);
        for edge in &layout.edges {
            let Some(Step::Move((x, y))) = edge.path.first() else {
                panic!("{statement}: a path starts with a move: {:?}", edge.path);
            };
            assert!(*x >= 0.0 && *x <= layout.width && *y >= 0.0, "{statement}");
        }
    }
}

#[test]
fn a_route_runs_in_order_along_the_top() {
    let layout = laid_out("path Ops -> \"Engineering Manager\"");
    let route: Vec<&Placed> = layout.nodes.iter().filter(|n| n.highlighted).collect();
    assert_eq!(route.len(), 3, "{route:?}");
    let top = layout.nodes.iter().map(|n| n.y).fold(f64::MAX, f64::min);
    for pair in route.windows(2) {
        assert!(pair[0].right() < pair[1].x, "{pair:?}");
    }
    for node in &route {
        assert_eq!(node.y, top, "{node:?}");
    }
    assert_eq!(route[0].lines, vec!["Operations engineer"]);
}

#[test]
fn a_long_plan_wraps_onto_bands_and_notes_what_crosses_them() {
    let tables = answers(&["let me = [Linux, Python, Docker]", "learn $me -> SRE"]);
    let table = tables.last().unwrap();
    let layout = layout(table.picture.as_ref().unwrap(), table.heading().as_deref());
    let route: Vec<&Placed> = layout.nodes.iter().filter(|n| n.highlighted).collect();
    // The route goes on below once a band is full, never further right than a band's width.
    assert!(route.windows(2).any(|p| p[1].y > p[0].y + p[0].height));
    assert!(layout.width <= 1600.0, "{}", layout.width);
    assert!(!layout.band_notes.is_empty());
    for note in &layout.band_notes {
        assert!(
            note.text.starts_with("after ") || note.text.starts_with("before "),
            "{note:?}"
        );
    }
}

#[test]
fn edge_labels_are_clear_of_nodes_and_of_each_other() {
    for statement in PICTURES {
        let layout = laid_out(statement);
        let labels: Vec<(f64, f64, f64, f64)> = layout
            .edges
            .iter()
            .filter_map(|e| e.label.as_ref())
            .map(|l| (l.x - l.width / 2.0, l.y - l.height / 2.0, l.width, l.height))
            .collect();
        for (i, label) in labels.iter().enumerate() {
            for node in &layout.nodes {
                assert!(!overlap(*label, frame(node)), "{statement}: {label:?}");
            }
            for other in &labels[i + 1..] {
                assert!(!overlap(*label, *other), "{statement}: {label:?}");
            }
        }
    }
}

#[test]
fn the_title_wraps_to_the_drawing_rather_than_widen_it() {
    let table = answer("path DevOps -> SRE");
    let picture = table.picture.as_ref().unwrap();
    let short = layout(picture, Some("short"));
    let long = layout(picture, Some(&"a long title ".repeat(40)));
    assert_eq!(short.width, long.width);
    assert!(long.header.len() > 2, "{:?}", long.header);
    assert!(long.header_height > short.header_height);
}
