//! What the skillgraph shell knows of a line while it is typed, apart from the terminal:
//! [`syntax`] says what each token of a line is, asking the query grammar; [`complete`] turns
//! that and the live graph ([`complete::Vocabulary`]) into candidates; [`highlight`] into
//! colours. The binary's REPL wires them into rustyline; the server's `/complete` answers with
//! [`complete::complete`]. Start reading at [`syntax::tokens`].

pub mod complete;
pub mod highlight;
pub mod syntax;
