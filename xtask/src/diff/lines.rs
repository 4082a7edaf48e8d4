//! Where a JSON pointer of the document is written: its line in the YAML (or JSON)
//! text, for annotations on the spec line of a change (`--format github`).
//!
//! The document is read as data by `serde_yaml_ng`, which keeps no positions, so the
//! index is built from a second pass over the text with `yaml-rust2`'s event parser,
//! whose events carry their position. A mapping entry is placed on the line of its
//! key, a sequence item on the line where the item starts. A pointer the index does
//! not hold (a key brought in by a YAML merge, say) gets the line of its nearest
//! ancestor that it does hold, so every pointer into the document has a line.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};

/// Appends one reference token to a JSON pointer (RFC 6901: `~` is `~0`, `/` is `~1`).
pub fn join(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// The line (1-based) of every node of the first YAML document of a text, by JSON pointer.
#[derive(Debug, Default)]
pub struct LineIndex {
    lines: HashMap<String, usize>,
}

/// What a mapping expects next.
enum Key {
    /// A key.
    Next,
    /// The value of this key.
    Value(String),
    /// The value of a key that is itself a collection: it has no pointer.
    OfComplex,
}

enum Frame {
    Map {
        pointer: String,
        key: Key,
    },
    Seq {
        pointer: String,
        next: usize,
    },
    /// A node whose children have no pointer (a mapping used as a key).
    Opaque,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut index = LineIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        // A text that does not scan keeps the lines found before the error: the
        // document itself was read by `serde_yaml_ng` already.
        while let Ok((event, mark)) = parser.next_token() {
            let line = mark.line();
            match event {
                Event::StreamEnd | Event::DocumentEnd => break,
                Event::Scalar(text, ..) => {
                    if let Some(Frame::Map { pointer, key }) = stack.last_mut()
                        && matches!(key, Key::Next)
                    {
                        let at = join(pointer, &text);
                        index.lines.entry(at).or_insert(line);
                        *key = Key::Value(text);
                    } else {
                        index.place(&mut stack, line);
                    }
                }
                Event::Alias(_) => {
                    index.place(&mut stack, line);
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let is_map = matches!(event, Event::MappingStart(..));
                    let frame = match index.place(&mut stack, line) {
                        None => Frame::Opaque,
                        Some(pointer) if is_map => Frame::Map {
                            pointer,
                            key: Key::Next,
                        },
                        Some(pointer) => Frame::Seq { pointer, next: 0 },
                    };
                    stack.push(frame);
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    if stack.is_empty() {
                        break;
                    }
                }
                Event::Nothing | Event::StreamStart | Event::DocumentStart => {}
            }
        }
        index
    }

    /// Records the line of the node that starts here and returns its pointer
    /// (`None` for a node that has none: a key that is itself a collection, its
    /// value, or anything inside them). A map value ends the entry, so the next
    /// scalar is a key.
    fn place(&mut self, stack: &mut [Frame], line: usize) -> Option<String> {
        let pointer = match stack.last_mut() {
            None => String::new(),
            Some(Frame::Map { pointer, key }) => match std::mem::replace(key, Key::Next) {
                Key::Value(k) => join(pointer, &k),
                Key::Next => {
                    *key = Key::OfComplex;
                    return None;
                }
                Key::OfComplex => return None,
            },
            Some(Frame::Seq { pointer, next }) => {
                let at = join(pointer, &next.to_string());
                *next += 1;
                at
            }
            Some(Frame::Opaque) => return None,
        };
        self.lines.entry(pointer.clone()).or_insert(line);
        Some(pointer)
    }

    /// The line of `pointer`, or of its nearest ancestor the index holds.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let mut at = pointer;
        loop {
            if let Some(&line) = self.lines.get(at) {
                return Some(line);
            }
            at = &at[..at.rfind('/')?];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = r#"openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /items/{id}:
    get:
      parameters:
        - name: id
          in: path
        - { name: tag, in: query }
      responses:
        200:
          description: ok
components:
  schemas:
    a~b: { type: string }
"#;

    #[test]
    fn mapping_entries_are_on_their_key_line() {
        let index = LineIndex::new(YAML);
        assert_eq!(index.line(""), Some(1));
        assert_eq!(index.line("/openapi"), Some(1));
        assert_eq!(index.line("/info/version"), Some(2));
        assert_eq!(index.line("/paths/~1items~1{id}/get"), Some(5));
        assert_eq!(
            index.line("/paths/~1items~1{id}/get/responses/200"),
            Some(11)
        );
        assert_eq!(
            index.line("/paths/~1items~1{id}/get/responses/200/description"),
            Some(12)
        );
        assert_eq!(index.line("/components/schemas/a~0b/type"), Some(15));
    }

    #[test]
    fn sequence_items_are_on_the_line_they_start() {
        let index = LineIndex::new(YAML);
        let params = "/paths/~1items~1{id}/get/parameters";
        assert_eq!(index.line(&format!("{params}/0")), Some(7));
        assert_eq!(index.line(&format!("{params}/0/in")), Some(8));
        assert_eq!(index.line(&format!("{params}/1")), Some(9));
        assert_eq!(index.line(&format!("{params}/1/in")), Some(9));
    }

    #[test]
    fn unknown_pointers_get_their_nearest_ancestor() {
        let index = LineIndex::new(YAML);
        assert_eq!(index.line("/info/x-missing/deeper"), Some(2));
        assert_eq!(index.line("/nowhere"), Some(1));
    }

    #[test]
    fn json_documents_are_indexed_too() {
        let json = "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\n    \"/a\": {\n      \"get\": {}\n    }\n  }\n}\n";
        let index = LineIndex::new(json);
        assert_eq!(index.line("/openapi"), Some(2));
        assert_eq!(index.line("/paths/~1a/get"), Some(5));
    }

    #[test]
    fn a_collection_used_as_a_key_does_not_shift_the_rest() {
        let index = LineIndex::new("? [a, b]\n: 1\nc: 2\n");
        assert_eq!(index.line("/c"), Some(3));
    }

    #[test]
    fn text_that_does_not_scan_keeps_what_came_before() {
        let index = LineIndex::new("a: 1\nb: [\n");
        assert_eq!(index.line("/a"), Some(1));
    }

    #[test]
    fn join_escapes_tokens() {
        assert_eq!(join("/paths", "/a/{b}~"), "/paths/~1a~1{b}~0");
    }
}
