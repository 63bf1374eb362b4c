//! Pictures: DOT and Mermaid for the statements that yield a path, a plan or a subgraph, and
//! SVG, rasterised here (resvg) to check it is a real, readable drawing. Each SVG is also saved
//! as PNG under the target directory (`…/tmp/pictures/*.png`) for a person to look at.

use std::path::PathBuf;

use skillgraph_printer::picture::{dot, mermaid};
use skillgraph_printer::svg::svg;
use skillgraph_query::result::ResultTable;

use crate::{answer, answers};

/// Where PNGs of the pictures go, for looking at.
fn picture_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pictures");
    std::fs::create_dir_all(&dir).expect("picture dir");
    dir
}

/// Rasterises an SVG at its own size on white, the way a browser would show it.
pub fn rasterise(svg: &str) -> resvg::tiny_skia::Pixmap {
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    let tree = resvg::usvg::Tree::from_str(svg, &options).expect("the SVG parses");
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).expect("a non-empty picture");
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    pixmap
}

/// Pixels that are not the white background, and those in the route's orange.
fn ink(pixmap: &resvg::tiny_skia::Pixmap) -> (usize, usize) {
    let mut drawn = 0;
    let mut orange = 0;
    for p in pixmap.pixels() {
        let (r, g, b) = (p.red(), p.green(), p.blue());
        if (r, g, b) != (255, 255, 255) {
            drawn += 1;
        }
        // #e8590c, allowing for anti-aliasing.
        if r > 200 && (60..=130).contains(&g) && b < 60 {
            orange += 1;
        }
    }
    (drawn, orange)
}

/// The answer's picture as SVG, rasterised and saved as `name.png`.
fn drawn(table: &ResultTable, name: &str) -> (String, resvg::tiny_skia::Pixmap) {
    let picture = table.picture.as_ref().expect("a picture");
    let svg = svg(picture, table.heading().as_deref());
    let pixmap = rasterise(&svg);
    pixmap
        .save_png(picture_dir().join(format!("{name}.png")))
        .expect("PNG written");
    (svg, pixmap)
}

#[test]
fn a_learning_plan_is_an_svg_that_is_not_blank() {
    let (svg, pixmap) = drawn(&answer("learn DevOps -> SRE"), "plan");
    // The plan runs left to right over many steps: wide, and tall enough for the tools.
    assert!(pixmap.width() >= 1200, "width {}", pixmap.width());
    assert!(pixmap.height() >= 200, "height {}", pixmap.height());
    let (drawn, orange) = ink(&pixmap);
    let area = (pixmap.width() * pixmap.height()) as usize;
    assert!(
        drawn * 100 > area * 3,
        "only {drawn} of {area} pixels are drawn"
    );
    assert!(
        orange > 2_000,
        "the route is barely visible: {orange} orange pixels"
    );
    // Roles, skills and tools each have their shape; the hours are on the edges.
    assert!(svg.contains("<polygon"), "tools are hexagons");
    assert!(svg.contains("rx=\"6\""), "roles are rounded boxes");
    assert!(
        svg.contains(">+20 h (estimate)<"),
        "step hours label the route, marked as the project's estimate"
    );
    assert!(svg.contains("Site Reliability Engineer"));
    assert!(svg.contains("step 1 · importance 5"));
}

#[test]
fn routes_comparisons_and_neighbourhoods_are_drawn() {
    for (name, statement) in [
        ("path", "path DevOps -> \"Engineering Manager\""),
        (
            "paths",
            "paths DevOps -> \"Engineering Manager\" max 4 limit 5",
        ),
        ("compare", "compare DevOps, SRE"),
        ("show", "show Kubernetes"),
        ("show-role", "show SRE"),
        ("neighbourhood", "neighbourhood SRE depth 1"),
        (
            "by-effort",
            "path DevOps -> \"Engineering Manager\" by effort",
        ),
        (
            "plan-via",
            "learn DevOps -> \"Engineering Manager\" via SRE min importance 4",
        ),
    ] {
        let (_, pixmap) = drawn(&answer(statement), name);
        let (drawn, _) = ink(&pixmap);
        let area = (pixmap.width() * pixmap.height()) as usize;
        assert!(
            drawn * 100 > area,
            "{name}: only {drawn} of {area} pixels drawn"
        );
    }
}

#[test]
fn a_profile_starting_a_plan_is_drawn_with_its_name() {
    let tables = answers(&["let me = [Linux, Python, Docker]", "learn $me -> SRE"]);
    let (svg, _) = drawn(tables.last().unwrap(), "profile-plan");
    assert!(svg.contains(">$me<"), "the profile starts the plan");
}

/// The node ids a DOT document declares and the (from, to) pairs of its edges.
fn dot_graph(text: &str) -> (Vec<String>, Vec<(String, String)>) {
    let quoted = |s: &str| -> Vec<String> {
        s.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('"') && line.contains(" -> ") {
            let parts = quoted(line);
            edges.push((parts[0].clone(), parts[1].clone()));
        } else if line.starts_with('"') {
            nodes.push(quoted(line)[0].clone());
        }
    }
    (nodes, edges)
}

fn dot_of(statement: &str) -> String {
    let table = answer(statement);
    let picture = table.picture.as_ref().expect("a picture");
    dot(picture, table.heading().as_deref())
}

fn mermaid_of(statement: &str) -> String {
    let table = answer(statement);
    let picture = table.picture.as_ref().expect("a picture");
    mermaid(picture, table.heading().as_deref())
}

#[test]
fn every_picture_statement_gives_dot_and_mermaid() {
    for statement in [
        "path DevOps -> SRE",
        "path DevOps -> \"Engineering Manager\" by effort",
        "paths DevOps -> \"Engineering Manager\" max 4 limit 5",
        "learn DevOps -> SRE",
        "learn [Linux, Python] -> SRE via DevOps",
        "compare DevOps, SRE",
        "show SRE",
        "neighbourhood Kubernetes depth 2",
    ] {
        let text = dot_of(statement);
        assert!(text.starts_with("digraph skillgraph {"), "{statement}");
        assert!(text.trim_end().ends_with('}'), "{statement}");
        let (nodes, edges) = dot_graph(&text);
        assert!(!nodes.is_empty() && !edges.is_empty(), "{statement}");
        for (a, b) in &edges {
            assert!(
                nodes.contains(a) && nodes.contains(b),
                "{statement}: edge {a} -> {b} names an undeclared node"
            );
        }
        let text = mermaid_of(statement);
        // As `mmdc` reads it: front matter or the diagram first, no Markdown fence.
        assert!(
            text.starts_with("---\ntitle: ") || text.starts_with("flowchart LR\n"),
            "{statement}"
        );
        assert!(text.contains("flowchart LR\n"), "{statement}");
        assert!(!text.contains("```"), "{statement}");
        let declared = text
            .lines()
            .filter(|l| {
                l.trim_start().starts_with('n')
                    && !l.contains("-->")
                    && !l.contains("==>")
                    && !l.contains("-.->")
            })
            .count();
        assert_eq!(
            declared,
            nodes.len(),
            "{statement}: same nodes in both formats"
        );
    }
}

#[test]
fn the_route_is_highlighted_in_order_with_its_hours() {
    let highlighted = |statement: &str| -> Vec<String> {
        dot_of(statement)
            .lines()
            .filter(|l| l.contains(" -> ") && l.contains("penwidth=3"))
            .map(str::to_string)
            .collect()
    };
    // Through paths: every move in order, each labelled with its number.
    let route = highlighted("path Ops -> \"Engineering Manager\"");
    assert_eq!(route.len(), 2, "{route:?}");
    assert!(route[0].starts_with("  \"operations-engineer\" -> \"sre\" [label=\"move 1"));
    assert!(route[1].contains("label=\"move 2"), "{}", route[1]);
    // By effort, a route that pays off is drawn with the hours of each move.
    let route = highlighted("path Ops -> SRE by effort");
    assert_eq!(route.len(), 1, "{route:?}");
    assert!(route[0].contains("label=\"move 1 · "), "{}", route[0]);
    assert!(route[0].contains(" h\""), "{}", route[0]);
    // When learning straight beats every route of known moves, the plan is drawn instead.
    let plan = highlighted("path DevOps -> \"Engineering Manager\" by effort");
    assert!(plan.iter().any(|l| l.contains("h (estimate)")), "{plan:?}");
}

#[test]
fn the_neighbourhood_picture_has_the_tables_edges() {
    // A neighbourhood small enough to be drawn whole (the binary's tests have summarised ones).
    let table = answer("neighbourhood Kubernetes depth 1");
    let column = |name: &str| table.columns.iter().position(|c| c == name).unwrap();
    let (from, to) = (column("from"), column("to"));
    let mut pairs: Vec<(String, String)> = table
        .rows
        .iter()
        .map(|r| (r[from].display(", "), r[to].display(", ")))
        .collect();
    pairs.sort();
    pairs.dedup();
    let edges = mermaid_of("neighbourhood Kubernetes depth 1")
        .lines()
        .filter(|l| l.contains("-->") || l.contains("==>") || l.contains("-.->"))
        .count();
    assert_eq!(edges, pairs.len());
}
