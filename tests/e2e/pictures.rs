//! Pictures through the binary: `render`, whose SVG is rasterised here (resvg) to check it is a
//! real drawing, and `--format dot|mermaid`. How each picture is drawn and escaped is tested in
//! the printer crate (`crates/printer/tests/answers`); these test the commands around it. Each
//! rendered picture is also saved as PNG under the target directory (`…/tmp/pictures/*.png`)
//! for a person to look at.

use std::path::PathBuf;

use crate::support::TestDb;

/// Where PNGs of the pictures go, for looking at.
fn picture_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pictures");
    std::fs::create_dir_all(&dir).expect("picture dir");
    dir
}

/// Rasterises an SVG at its own size on white, the way a browser would show it.
fn rasterise(svg: &str) -> resvg::tiny_skia::Pixmap {
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
pub fn ink(pixmap: &resvg::tiny_skia::Pixmap) -> (usize, usize) {
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

pub fn render(db: &TestDb, statements: &[&str], name: &str) -> (String, resvg::tiny_skia::Pixmap) {
    let svg_path = db.dir().join(format!("{name}.svg"));
    let mut args = vec!["render"];
    args.extend_from_slice(statements);
    args.extend(["-o", svg_path.to_str().unwrap()]);
    let run = db.run(&args);
    assert_eq!(run.code, 0, "render failed: {}", run.stderr);
    assert!(run.stderr.contains("wrote "), "{}", run.stderr);
    let svg = std::fs::read_to_string(&svg_path).expect("the SVG was written");
    let pixmap = rasterise(&svg);
    pixmap
        .save_png(picture_dir().join(format!("{name}.png")))
        .expect("PNG written");
    (svg, pixmap)
}

#[test]
fn render_runs_statements_in_one_session_and_draws_the_last() {
    let db = TestDb::new();
    let (svg, pixmap) = render(
        &db,
        &["let me = [Linux, Python, Docker]", "learn $me -> SRE"],
        "profile-plan",
    );
    assert!(svg.contains(">$me<"), "the profile starts the plan");
    let (drawn, orange) = ink(&pixmap);
    assert!(
        drawn > 10_000 && orange > 1_000,
        "{drawn} drawn, {orange} orange"
    );
}

#[test]
fn render_refuses_answers_without_a_picture_and_other_file_types() {
    let db = TestDb::new();
    let run = db.run(&["render", "roles"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("has no picture"), "{}", run.stderr);
    let png = db.dir().join("plan.png");
    let run = db.run(&["render", "learn DevOps -> SRE", "-o", png.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("writes SVG"), "{}", run.stderr);
    assert!(!png.exists());
}

#[test]
fn a_statement_without_a_picture_is_an_error_in_picture_formats() {
    let db = TestDb::new();
    let run = db.run(&["query", "roles", "--format", "dot"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("has no picture; `--format dot` draws path, paths, learn"),
        "{}",
        run.stderr
    );
    // Reports of what a statement did go to stderr, so stdout stays a picture.
    let run = db.run(&[
        "query",
        "let me = [Linux, Git]",
        "learn $me -> SRE",
        "--format",
        "mermaid",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("flowchart LR"), "{}", run.stdout);
    assert!(run.stderr.contains("profile $me holds 2"), "{}", run.stderr);
    // Commands that are not statements have no pictures at all: a usage error.
    let run = db.run(&["stats", "--format", "mermaid"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
