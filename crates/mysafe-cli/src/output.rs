//! How answers are printed: `--format table|json|jsonl`, secrets hidden unless
//! asked, `--field NAME` for one raw value.
//!
//! Field names are the spec's property names (the answer is serialized as the
//! client decoded it). An answer is MySafe's envelope (the status block
//! `response`, sometimes `code`) around one payload: a list (`password_on_list`) or
//! an entity (`password_entity`). Only the payload is printed: a list one entry a
//! line (jsonl), as an array (json) or as columns (table); an entity as one object
//! or as `field value` rows.

use std::io::{self, Write};

use serde_json::{Map, Value};

/// What replaces a secret value unless `--reveal`.
pub const HIDDEN: &str = "<hidden: --reveal>";

/// The envelope's status block, present in every answer (`ResponseStatus`); the
/// test `the_status_block_is_the_envelope` checks the name against the client's
/// `types::StatusResponse`.
const STATUS_BLOCK: &str = "response";

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns, for people (the default on a terminal).
    Table,
    /// One JSON document (the default when stdout is not a terminal).
    Json,
    /// One JSON object a line: a list's entries, for `--ids-from` and `jq`.
    Jsonl,
}

impl Format {
    /// Table on a terminal, JSON otherwise.
    pub fn default_for(stdout_is_terminal: bool) -> Format {
        if stdout_is_terminal {
            Format::Table
        } else {
            Format::Json
        }
    }
}

/// How to print: the format, whether secrets show, and the one field asked for.
#[derive(Clone, Debug)]
pub struct Style {
    /// The format of whole answers.
    pub format: Format,
    /// `--reveal`: print secret values.
    pub reveal: bool,
    /// `--field NAME`: print only this field's value, raw (a secret too).
    pub field: Option<String>,
}

/// An answer that cannot be printed as asked.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// `--field` names a field the answer does not have.
    #[error("the answer has no field {field:?}; its fields: {known}")]
    NoField {
        /// The field asked for.
        field: String,
        /// The payload's field names, comma separated.
        known: String,
    },
    /// stdout could not be written.
    #[error("cannot write the output: {0}")]
    Write(#[from] io::Error),
}

/// The payload of an answer: a list, an entity, or (when the answer has neither,
/// e.g. a bare status) the whole answer.
#[derive(Debug, PartialEq)]
pub enum Payload<'a> {
    /// The entries of a list.
    List(&'a [Value]),
    /// One entity.
    One(&'a Value),
}

/// Finds the payload. A list answer's payload is its one array (none: the list
/// is empty, the client leaves an empty array out). Another answer's is its one
/// object other than the status block, else the answer itself.
pub fn payload(answer: &Value, kind: Kind) -> Payload<'_> {
    let Value::Object(fields) = answer else {
        return Payload::One(answer);
    };
    if kind == Kind::List {
        let arrays: Vec<&Vec<Value>> = fields.values().filter_map(Value::as_array).collect();
        return match arrays.as_slice() {
            [list] => Payload::List(list),
            _ => Payload::List(&[]),
        };
    }
    let objects: Vec<&Value> = fields
        .iter()
        .filter(|(name, value)| name.as_str() != STATUS_BLOCK && value.is_object())
        .map(|(_, value)| value)
        .collect();
    match objects.as_slice() {
        [entity] => Payload::One(entity),
        _ => Payload::One(answer),
    }
}

/// Whether an answer is a list (the `list` verbs) or about one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The answer of a `list` verb.
    List,
    /// Any other answer.
    One,
}

/// Replaces, at any depth, the value of every property the spec marks
/// `format: password` (`mysafe_client::spec::SECRET_PROPERTIES`) with [`HIDDEN`].
pub fn hide_secrets(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                if mysafe_client::spec::is_secret_property(name) && !field.is_null() {
                    *field = Value::String(HIDDEN.to_owned());
                } else {
                    hide_secrets(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(hide_secrets),
        _ => {}
    }
}

/// Prints an answer as `style` asks.
pub fn print_answer(
    out: &mut impl Write,
    answer: &Value,
    kind: Kind,
    style: &Style,
) -> Result<(), OutputError> {
    // `--field` may print a secret: asking for it by name is the explicit request.
    if let Some(field) = &style.field {
        return print_field(out, payload(answer, kind), field);
    }
    let mut shown = answer.clone();
    if !style.reveal {
        hide_secrets(&mut shown);
    }
    match payload(&shown, kind) {
        Payload::List(items) => print_list(out, items, style.format)?,
        Payload::One(entity) => print_one(out, entity, style.format)?,
    }
    Ok(())
}

/// `--field NAME`: the raw value (a string without quotes, anything else as compact
/// JSON), one line per entry for a list.
fn print_field(out: &mut impl Write, payload: Payload<'_>, field: &str) -> Result<(), OutputError> {
    let entities: Vec<&Value> = match payload {
        Payload::List(items) => items.iter().collect(),
        Payload::One(entity) => vec![entity],
    };
    for entity in entities {
        let Some(value) = entity.get(field) else {
            return Err(OutputError::NoField {
                field: field.to_owned(),
                known: field_names(entity).join(", "),
            });
        };
        writeln!(out, "{}", raw(value))?;
    }
    Ok(())
}

fn field_names(entity: &Value) -> Vec<&str> {
    entity
        .as_object()
        .map(|fields| fields.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// A value as a table cell or a `--field` line: strings raw, null empty, the rest JSON.
fn raw(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn print_list(out: &mut impl Write, items: &[Value], format: Format) -> io::Result<()> {
    match format {
        Format::Json => writeln!(out, "{}", pretty(&Value::Array(items.to_vec()))),
        Format::Jsonl => items.iter().try_for_each(|item| writeln!(out, "{item}")),
        Format::Table => print_columns(out, items),
    }
}

fn print_one(out: &mut impl Write, entity: &Value, format: Format) -> io::Result<()> {
    match format {
        Format::Json => writeln!(out, "{}", pretty(entity)),
        Format::Jsonl => writeln!(out, "{entity}"),
        Format::Table => match entity.as_object() {
            Some(fields) => print_rows(out, fields),
            None => writeln!(out, "{}", raw(entity)),
        },
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// The field every item operation takes back as its path's ID: first column.
const IDENTIFIER: &str = "identifier";

/// A list as columns: one per field seen in any entry, `identifier` first, the
/// others in order of first sight.
fn print_columns(out: &mut impl Write, items: &[Value]) -> io::Result<()> {
    let mut columns: Vec<&str> = Vec::new();
    for item in items {
        for name in field_names(item) {
            if !columns.contains(&name) {
                columns.push(name);
            }
        }
    }
    if let Some(at) = columns.iter().position(|name| *name == IDENTIFIER) {
        columns[..=at].rotate_right(1);
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            columns
                .iter()
                .map(|name| item.get(*name).map(raw).unwrap_or_default())
                .map(|cell| one_line(&cell))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(at, name)| {
            rows.iter()
                .map(|row| row[at].chars().count())
                .chain([name.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let header: Vec<String> = columns.iter().map(|name| name.to_uppercase()).collect();
    write_row(out, &header, &widths)?;
    rows.iter().try_for_each(|row| write_row(out, row, &widths))
}

/// An entity as `field value` rows.
fn print_rows(out: &mut impl Write, fields: &Map<String, Value>) -> io::Result<()> {
    let width = fields.keys().map(|name| name.len()).max().unwrap_or(0);
    for (name, value) in fields {
        writeln!(out, "{name:<width$}  {}", one_line(&raw(value)))?;
    }
    Ok(())
}

fn write_row(out: &mut impl Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
    let line: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(cell, width)| format!("{cell:<width$}"))
        .collect();
    writeln!(out, "{}", line.join("  ").trim_end())
}

/// A cell never breaks the table or the terminal: line breaks and tabs become
/// spaces, and every other control character (an escape sequence a hostile server
/// put in a name, say) is printed escaped, e.g. `\u{1b}`.
fn one_line(text: &str) -> String {
    let mut cell = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => cell.push(' '),
            c if c.is_control() => cell.extend(c.escape_unicode()),
            c => cell.push(c),
        }
    }
    cell
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list_answer() -> Value {
        json!({
            "response": {"status": 200, "message": "OK", "error": false},
            "password_on_list": [
                {"identifier": "1", "name": "db", "password": "s3cret-one"},
                {"identifier": "2", "name": "web\nsite", "tags": "leaked"}
            ]
        })
    }

    fn print(
        answer: &Value,
        format: Format,
        reveal: bool,
        field: Option<&str>,
    ) -> Result<String, OutputError> {
        let style = Style {
            format,
            reveal,
            field: field.map(str::to_owned),
        };
        let kind = if answer
            .as_object()
            .is_some_and(|o| o.values().any(Value::is_array))
        {
            Kind::List
        } else {
            Kind::One
        };
        let mut out = Vec::new();
        print_answer(&mut out, answer, kind, &style)?;
        Ok(String::from_utf8(out).unwrap())
    }

    /// The status block's name is the one the client's bare envelope has.
    #[test]
    fn the_status_block_is_the_envelope() {
        let bare: mysafe_client::types::StatusResponse = serde_json::from_value(json!({
            "response": {"status": 200, "message": "OK", "error": false}
        }))
        .unwrap();
        let value = serde_json::to_value(bare).unwrap();
        assert!(
            value.get(STATUS_BLOCK).is_some_and(Value::is_object),
            "{value}"
        );
    }

    #[test]
    fn jsonl_prints_one_entry_a_line_with_secrets_hidden() {
        let text = print(&list_answer(), Format::Jsonl, false, None).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["identifier"], "1");
        assert_eq!(lines[0]["password"], HIDDEN);
        assert!(!text.contains("s3cret-one"));
    }

    #[test]
    fn json_prints_an_array_and_reveal_shows_the_secret() {
        let text = print(&list_answer(), Format::Json, true, None).unwrap();
        let array: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(array[0]["password"], "s3cret-one");
        assert_eq!(array.as_array().unwrap().len(), 2);
    }

    #[test]
    fn table_has_a_column_per_field_and_one_line_per_entry() {
        let text = print(&list_answer(), Format::Table, false, None).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("IDENTIFIER  NAME"), "{text}");
        let sorted = json!({"x_on_list": [{"a": 1, "identifier": "9", "b": 2}]});
        let text = print(&sorted, Format::Table, false, None).unwrap();
        assert!(
            text.starts_with("IDENTIFIER  A  B\n9           1  2\n"),
            "{text}"
        );
        assert!(lines[0].ends_with("TAGS"), "{text}");
        assert!(lines[2].contains("web site"), "{text}");
        assert!(!text.contains("s3cret-one"), "{text}");
    }

    #[test]
    fn field_prints_the_raw_value_even_a_secret() {
        let text = print(&list_answer(), Format::Table, false, Some("identifier")).unwrap();
        assert_eq!(text, "1\n2\n");
        let one =
            json!({"response": {}, "password_entity": {"identifier": "7", "password": "s3cret"}});
        assert_eq!(
            print(&one, Format::Json, false, Some("password")).unwrap(),
            "s3cret\n"
        );
        let error = print(&one, Format::Json, false, Some("pasword")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the answer has no field \"pasword\"; its fields: identifier, password"
        );
    }

    #[test]
    fn secrets_are_hidden_at_any_depth() {
        let mut value =
            json!({"a": [{"b": {"client_secret": "x", "secret_key": null, "name": "n"}}]});
        hide_secrets(&mut value);
        assert_eq!(value["a"][0]["b"]["client_secret"], HIDDEN);
        assert_eq!(
            value["a"][0]["b"]["secret_key"],
            Value::Null,
            "nothing to hide"
        );
        assert_eq!(value["a"][0]["b"]["name"], "n");
    }

    #[test]
    fn an_entity_prints_as_itself_or_as_rows() {
        let one = json!({"response": {"status": 200}, "code": 200, "note_entity": {"identifier": "3", "title": "t"}});
        assert_eq!(payload(&one, Kind::One), Payload::One(&one["note_entity"]));
        let text = print(&one, Format::Table, false, None).unwrap();
        assert_eq!(text, "identifier  3\ntitle       t\n");
        let bare = json!({"response": {"status": 200}});
        assert_eq!(payload(&bare, Kind::One), Payload::One(&bare));
    }

    #[test]
    fn control_characters_from_the_server_are_escaped_in_tables() {
        let answer = json!({
            "password_entity": {"identifier": "1", "name": "db\u{1b}]0;owned\u{7}\tx"}
        });
        let table = print(&answer, Format::Table, false, None).unwrap();
        assert!(
            !table.contains('\u{1b}') && !table.contains('\u{7}'),
            "{table:?}"
        );
        assert!(table.contains("db\\u{1b}]0;owned\\u{7} x"), "{table:?}");
    }

    #[test]
    fn an_empty_list_prints_no_entry() {
        let empty = json!({"response": {"status": 200}, "code": 200});
        assert_eq!(payload(&empty, Kind::List), Payload::List(&[]));
        let style = Style {
            format: Format::Json,
            reveal: false,
            field: None,
        };
        let mut out = Vec::new();
        print_answer(&mut out, &empty, Kind::List, &style).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[]\n");
    }

    #[test]
    fn the_default_format_follows_the_terminal() {
        assert_eq!(Format::default_for(true), Format::Table);
        assert_eq!(Format::default_for(false), Format::Json);
    }
}
