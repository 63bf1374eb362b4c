//! What the skillgraph shell knows of a line while it is typed, apart from the terminal:
//! [`syntax`] says what each token of a line is, asking the query grammar; [`complete`] turns
//! that and the live graph ([`complete::Vocabulary`]) into candidates; [`highlight`] into
//! colours; [`help`] is `.help`, with [`examples`] written in the names of the open database.
//! The binary's REPL wires them into rustyline; the server's `/complete` answers with
//! [`complete::complete`]. Start reading at [`syntax::tokens`].

pub mod complete;
pub mod examples;
pub mod help;
pub mod highlight;
pub mod syntax;
