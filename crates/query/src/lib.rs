//! The skillgraph query language: the pest grammar (`grammar/skillgraph.pest`), a typed AST
//! with byte spans ([`ast`]), the parser ([`parser::parse`]), the statement forms ([`forms`]: a
//! module per statement rule, which builds and evaluates it), diagnostics that point at mistakes
//! ([`diagnostic`]), and evaluation over the graph into [`result`] tables. It never touches the
//! store and never prints. Start reading at [`ast::StatementKind`] and one form, `forms::gap`.

// pest without its `std` feature names `alloc` from the generated parser. That feature only adds a
// probe of the native stack on every rule call (~15 % of parsing a statement), which the parser
// does not need: only brackets recurse in the grammar, and their depth is refused past
// `parser::MAX_NESTING` before pest reads any text.
extern crate alloc;

pub mod answers;
pub mod ast;
pub mod diagnostic;
pub mod eval;
pub mod forms;
pub mod parser;
pub mod reference;
pub mod result;

pub use ast::Script;
pub use diagnostic::{line_col, render, ErrorKind, QueryError};
pub use parser::{needs_more_input, parse, KEYWORDS, STATEMENT_KEYWORDS};
pub use reference::STATEMENT_FORMS;
