//! The skillgraph query language, syntax half: the pest grammar (`grammar/skillgraph.pest`),
//! a typed AST with byte spans, the parser from source text to [`ast::Script`], and the
//! diagnostics that point at mistakes. It does not evaluate anything and knows nothing of the
//! store. Start reading at [`parser::parse`] and [`ast::StatementKind`].

pub mod answers;
pub mod ast;
pub mod diagnostic;
pub mod eval;
pub mod parser;
pub mod reference;
pub mod result;

pub use ast::Script;
pub use diagnostic::{line_col, render, ErrorKind, QueryError};
pub use parser::{needs_more_input, parse, KEYWORDS, STATEMENT_FORMS, STATEMENT_KEYWORDS};
