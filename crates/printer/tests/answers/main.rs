//! Tests of the printer over real answers: statements run on the built-in graph in memory,
//! their tables and pictures written in every format and read back (SVG rasterised with
//! resvg, CSV with the csv crate, JSON with serde_json), and the SVG's layout checked as
//! geometry.

mod escaping;
mod layout;
mod pictures;

use skillgraph_query::eval::{MemoryDatabase, Session};
use skillgraph_query::result::ResultTable;

/// The answers of `statements`, run in turn in one session on the built-in graph.
pub fn answers(statements: &[&str]) -> Vec<ResultTable> {
    let graph = skillgraph_import::curated_graph().expect("the built-in graph");
    answers_on(MemoryDatabase { graph }, statements)
}

pub fn answers_on(mut db: MemoryDatabase, statements: &[&str]) -> Vec<ResultTable> {
    let mut session = Session::new();
    let mut tables = Vec::new();
    for text in statements {
        let script = skillgraph_query::parser::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {}", e.message));
        for statement in &script.statements {
            let table = session
                .execute(&mut db, statement)
                .unwrap_or_else(|e| panic!("{text}: {}", e.message));
            tables.push(table);
        }
    }
    tables
}

/// The answer of one statement.
pub fn answer(statement: &str) -> ResultTable {
    answers(&[statement]).pop().expect("an answer")
}
