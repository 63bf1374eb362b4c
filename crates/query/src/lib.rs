//! The skillgraph query language (in progress).
