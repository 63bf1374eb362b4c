//! Reading `export --format json` back: the JSON document has the shape of the graphdata TOML
//! format, so it is rewritten, token for token, into TOML text that the TOML reader loads with
//! every check it makes — and each error it finds still points at the JSON file's own line and
//! column.
//!
//! The rewrite keeps byte offsets: `:` becomes `=`, the outer braces become spaces, the commas
//! between top-level keys become newlines, and every other byte stays. A JSON object inside is
//! a TOML 1.1 inline table (which may span lines), an array an array, a string a basic string
//! (the two share their escapes). The only exceptions grow the text: JSON's `\/` and a raw DEL,
//! which TOML writes as `\u002F` and `\u007F`; [`Shifts`] maps offsets back across them.

use crate::error::DataError;

/// Where the TOML text grew past the JSON text: (offset in the TOML text after which
/// the growth lies, bytes added there).
#[derive(Debug, Default, Clone)]
pub(crate) struct Shifts(Vec<(usize, usize)>);

impl Shifts {
    /// The offset in the original text of an offset in the rewritten one.
    pub(crate) fn original(&self, offset: usize) -> usize {
        let added: usize = self
            .0
            .iter()
            .take_while(|(at, _)| *at < offset)
            .map(|(_, n)| n)
            .sum();
        offset.saturating_sub(added)
    }
}

/// The JSON text as TOML text with the same layout, or the error at the JSON's position.
pub(crate) fn json_as_toml(name: &str, json: &str) -> Result<(String, Shifts), DataError> {
    // serde_json first, for JSON's own syntax errors in JSON's words.
    match serde_json::from_str::<serde_json::Value>(json) {
        Err(e) => {
            let message = e.to_string();
            // serde_json appends " at line L column C"; the position is said once, in front.
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m)
                .to_string();
            return Err(DataError {
                file: name.to_string(),
                line: e.line().max(1),
                column: e.column().max(1),
                message,
            });
        }
        Ok(serde_json::Value::Object(_)) => {}
        Ok(_) => {
            let start = json.len() - json.trim_start().len();
            return Err(DataError::at(
                name,
                json,
                start,
                "a JSON graph is one object with the keys `source`, `role`, `skill`, … (as `export --format json` writes it)",
            ));
        }
    }
    let bytes = json.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() + 16);
    let mut shifts = Shifts::default();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                // A string, copied with the two rewrites TOML needs.
                out.push(b'"');
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    match bytes[i] {
                        b'\\' if bytes.get(i + 1) == Some(&b'/') => {
                            out.extend_from_slice(b"\\u002F");
                            shifts.0.push((out.len() - 6, 4));
                            i += 2;
                        }
                        b'\\' => {
                            out.extend_from_slice(&bytes[i..i + 2]);
                            i += 2;
                        }
                        0x7f => {
                            out.extend_from_slice(b"\\u007F");
                            shifts.0.push((out.len() - 6, 5));
                            i += 1;
                        }
                        other => {
                            out.push(other);
                            i += 1;
                        }
                    }
                }
                out.push(b'"');
                i += 1;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                out.push(if depth == 1 { b' ' } else { b });
            }
            b'}' | b']' => {
                out.push(if depth == 1 { b' ' } else { b });
                depth -= 1;
            }
            b':' => out.push(b'='),
            b',' if depth == 1 => out.push(b'\n'),
            b'n' => {
                let at = json.len() - (bytes.len() - i);
                return Err(DataError::at(
                    name,
                    json,
                    at,
                    "`null` has no place in a graph file: leave the key out",
                ));
            }
            other => out.push(other),
        }
        i += 1;
    }
    let toml = String::from_utf8(out).expect("only ASCII bytes were replaced");
    Ok((toml, shifts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_survive_the_rewrite() {
        let json = "{\n  \"role\": [\n    {\"id\": \"a\\/b\", \"name\": \"x\"}\n  ],\n  \"skill\": []\n}\n";
        let (toml, shifts) = json_as_toml("g.json", json).unwrap();
        let value: toml::Value = toml::from_str(&toml).unwrap();
        assert_eq!(value["role"][0]["id"].as_str(), Some("a/b"));
        let name_at = toml.find("\"name\"").unwrap();
        assert_eq!(shifts.original(name_at), json.find("\"name\"").unwrap());
    }

    #[test]
    fn null_and_syntax_errors_name_their_line() {
        let e = json_as_toml("g.json", "{\n \"role\": null\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 10), "{e}");
        let e = json_as_toml("g.json", "{\n \"role\": [,]\n}").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(!e.message.contains("at line"), "{e}");
        let e = json_as_toml("g.json", "[1]").unwrap_err();
        assert!(e.message.contains("one object"), "{e}");
    }
}
