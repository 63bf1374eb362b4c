//! Data errors carry the file, line and column they were found at.

use std::fmt;

/// One problem in an input file. Loaders collect all of them before giving up, so a user fixes
/// a broken file in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    pub file: String,
    /// 1-based; 0 when the problem is the file as a whole (unreadable, empty).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl DataError {
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> DataError {
        let (line, column) = line_col(text, offset);
        DataError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    pub fn whole_file(file: &str, message: impl Into<String>) -> DataError {
        DataError {
            file: file.to_string(),
            line: 0,
            column: 0,
            message: message.into(),
        }
    }

    pub fn at_line(file: &str, line: usize, message: impl Into<String>) -> DataError {
        DataError {
            file: file.to_string(),
            line,
            column: 1,
            message: message.into(),
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for DataError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// All the errors of a failed load, for display as one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataErrors(pub Vec<DataError>);

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "\n{n} error{} found; nothing was imported",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for DataErrors {}
