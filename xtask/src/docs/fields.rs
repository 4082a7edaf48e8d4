//! Reads a page's documentation of parameters and fields, in every format the
//! vendor exports:
//!
//! - Markdown, HTML and tab-separated tables whose header names a field and a
//!   type column (`| Field | Type | Required | ... |`, `| Campo | Tipo |
//!   Obrigatório | ... |`);
//! - bullet lists that mark the name as code
//!   (`* <summary><code>name</code> - <b>string</b> - required - ...`,
//!   `` * `identifier` - int - required - ... ``), nested by indentation or `→`;
//! - plain lines (`identifier - int - required - ...`), where the name is a bare
//!   word and a known type must follow it.
//!
//! Each field gets its page line, its parents, the documented type and
//! required-ness, and where it goes (path, query, body, response) from the
//! heading or the sentence above its list ("Send the parameter below in the
//! **path** of the URL"). Which operation it documents is `field_check`'s job.
//! Only names and type words are kept: descriptions and example cells, which may
//! hold values, are never read.

/// How a field was documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Table,
    /// A list item whose name is marked as code (`<code>`, backticks).
    Bullet,
    /// A line whose name is a bare word.
    Plain,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Bullet => "bullet",
            Format::Plain => "plain",
        }
    }
}

/// Where a documented field goes, as the page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    Path,
    Query,
    Body,
    Response,
    /// A request parameter the page does not place.
    Unknown,
}

/// One documented parameter or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocField {
    /// Page line of the field's row or item.
    pub line: usize,
    /// The field's name after its parents' (`users_allowed`, `can_edit`).
    pub path: Vec<String>,
    /// The documented type as the page writes it (`array of objects`), lower case.
    pub type_text: Option<String>,
    /// The JSON types of the documented type words (`int` is `integer`); empty
    /// when the page gives no type the reader knows.
    pub types: Vec<&'static str>,
    pub required: Option<bool>,
    pub location: Location,
    pub format: Format,
}

/// Type words and the JSON type each means; longer phrases first.
const TYPES: [(&str, &str); 40] = [
    ("array of objects", "array"),
    ("array of strings", "array"),
    ("array of integers", "array"),
    ("array of object", "array"),
    ("array of string", "array"),
    ("array de objetos", "array"),
    ("lista de objetos", "array"),
    ("list of objects", "array"),
    ("array", "array"),
    ("list", "array"),
    ("lista", "array"),
    ("object", "object"),
    ("objeto", "object"),
    ("json", "object"),
    ("dict", "object"),
    ("string", "string"),
    ("str", "string"),
    ("texto", "string"),
    ("text", "string"),
    ("datetime", "string"),
    ("date-time", "string"),
    ("date", "string"),
    ("email", "string"),
    ("uuid", "string"),
    ("integer", "integer"),
    ("inteiro", "integer"),
    ("int64", "integer"),
    ("int32", "integer"),
    ("int", "integer"),
    ("long", "integer"),
    ("number", "number"),
    ("número", "number"),
    ("numero", "number"),
    ("float", "number"),
    ("double", "number"),
    ("decimal", "number"),
    ("booleano", "boolean"),
    ("boolean", "boolean"),
    ("bool", "boolean"),
    ("null", "null"),
];

/// The type phrase `text` starts with, and its JSON type.
fn type_at_start(text: &str) -> Option<(&'static str, &'static str)> {
    let lower = text.trim_start().to_lowercase();
    TYPES.iter().copied().find_map(|(phrase, ty)| {
        let rest = lower.strip_prefix(phrase)?;
        let ty = if rest.starts_with("[]") { "array" } else { ty };
        rest.chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_')
            .then_some((phrase, ty))
    })
}

/// A list item's required-ness word, as a whole segment.
fn required_word(segment: &str) -> Option<bool> {
    let word = segment
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    match word.as_str() {
        "required" | "obrigatório" | "obrigatorio" | "mandatory" => Some(true),
        "optional" | "opcional" | "not required" | "não obrigatório" | "nao obrigatorio" => {
            Some(false)
        }
        _ => None,
    }
}

/// A table cell's required-ness.
fn required_cell(cell: &str) -> Option<bool> {
    required_word(cell).or_else(|| {
        match cell
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
            .as_str()
        {
            "yes" | "sim" | "true" | "y" | "s" | "x" => Some(true),
            "no" | "não" | "nao" | "false" | "n" => Some(false),
            _ => None,
        }
    })
}

/// A piece of a line: markup or text.
#[derive(Debug, PartialEq, Eq)]
enum Tok<'a> {
    /// `<code>`, `</code>`, ...: the tag's lower-case name, and whether it closes.
    Tag(String, bool),
    /// `&nbsp;` and the like, by name (`nbsp`, `#8226`).
    Entity(&'a str),
    Text(&'a str),
}

/// Splits a line into tags, entities and text. Linear: a `<` without a `>`
/// after it, or an `&` without a near `;`, is text.
fn lex(line: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let last_gt = line.rfind('>');
    let mut text_start = 0;
    let mut i = 0;
    let bytes = line.as_bytes();
    while i < bytes.len() {
        let token = match bytes[i] {
            b'<' if last_gt.is_some_and(|g| g > i) => {
                let after = &line[i + 1..];
                let closing = after.starts_with('/');
                let name: String = after[usize::from(closing)..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let is_tag = !name.is_empty() && name.as_bytes()[0].is_ascii_alphabetic();
                match (is_tag, after.find('>')) {
                    (true, Some(end)) => Some((Tok::Tag(name, closing), i + 1 + end + 1)),
                    _ => None,
                }
            }
            b'&' => {
                let after = &line[i + 1..];
                after
                    .char_indices()
                    .take(10)
                    .find(|(_, c)| *c == ';' || !(c.is_ascii_alphanumeric() || *c == '#'))
                    .filter(|(n, c)| *c == ';' && *n > 0)
                    .map(|(n, _)| (Tok::Entity(&after[..n]), i + 1 + n + 1))
            }
            _ => None,
        };
        match token {
            Some((token, next)) => {
                if text_start < i {
                    out.push(Tok::Text(&line[text_start..i]));
                }
                out.push(token);
                i = next;
                text_start = next;
            }
            None => i += line[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    if text_start < line.len() {
        out.push(Tok::Text(&line[text_start..]));
    }
    out
}

/// The visible text of tokens: tags become spaces, spacing entities spaces.
fn plain(tokens: &[Tok<'_>]) -> String {
    let mut out = String::new();
    for token in tokens {
        match token {
            Tok::Text(text) => out.push_str(text),
            Tok::Entity("amp") => out.push('&'),
            Tok::Entity("quot") => out.push('"'),
            Tok::Entity(_) | Tok::Tag(..) => out.push(' '),
        }
    }
    out
}

fn entity_width(name: &str) -> Option<usize> {
    match name {
        "nbsp" | "ensp" | "#160" | "#8194" | "thinsp" => Some(1),
        "emsp" | "#8195" => Some(2),
        _ => None,
    }
}

fn is_bullet_entity(name: &str) -> bool {
    matches!(
        name,
        "#8226" | "bull" | "#8594" | "rarr" | "#9679" | "middot"
    )
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.len() <= 80
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c))
}

/// A bullet or plain field line: its indentation (spacing after the last tag
/// before the name), its name, format and the rest of its text.
fn list_item(line: &str) -> Option<(usize, String, Format, String)> {
    let tokens = lex(line);
    let mut indent = 0;
    let mut at = 0;
    // The lead: tags, spacing, bullets and arrows before the name.
    let (name, format, rest_from, rest_text) = loop {
        let token = tokens.get(at)?;
        match token {
            Tok::Tag(name, false) if name == "code" => {
                let close = tokens[at + 1..]
                    .iter()
                    .position(|t| matches!(t, Tok::Tag(n, true) if n == "code"))?;
                let name = plain(&tokens[at + 1..at + 1 + close]);
                break (
                    name.trim().trim_matches('`').to_owned(),
                    Format::Bullet,
                    at + close + 2,
                    String::new(),
                );
            }
            Tok::Tag(..) => indent = 0,
            Tok::Entity(e) if is_bullet_entity(e) => {}
            Tok::Entity(e) => indent += entity_width(e)?,
            Tok::Text(text) => {
                let mut chars = text.char_indices().peekable();
                let mut found = None;
                while let Some((n, c)) = chars.next() {
                    match c {
                        ' ' => indent += 1,
                        '\t' => indent += 4,
                        '*' | '-' | '+' | '•' | '·' | '→'
                            if chars.peek().is_none_or(|(_, c)| !c.is_alphanumeric()) => {}
                        '`' => {
                            let ticks = text[n..].chars().take_while(|&c| c == '`').count();
                            let inner = &text[n + ticks..];
                            let end = inner.find('`')?;
                            let after = &inner[end..];
                            let after = after.trim_start_matches('`');
                            found = Some((inner[..end].to_owned(), Format::Bullet, after));
                            break;
                        }
                        c if c.is_ascii_alphabetic() || c == '_' => {
                            let end = text[n..]
                                .find(|c: char| !(c.is_ascii_alphanumeric() || "_.[]".contains(c)))
                                .map_or(text.len(), |e| n + e);
                            found = Some((text[n..end].to_owned(), Format::Plain, &text[end..]));
                            break;
                        }
                        _ => return None,
                    }
                }
                if let Some((name, format, after)) = found {
                    break (name, format, at + 1, after.to_owned());
                }
            }
        }
        at += 1;
    };
    if !is_name(&name) {
        return None;
    }
    let rest = rest_text + &plain(&tokens[rest_from.min(tokens.len())..]);
    Some((indent, name, format, rest))
}

/// The type and required-ness of a list item's text after its name
/// (` - <b>string</b> - required - ...`), if it documents a field.
fn describe(rest: &str) -> Option<(String, Vec<&'static str>, Option<bool>)> {
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(['-', '–', '—'])?;
    let normalized = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut segments = normalized.split(" - ");
    let first = segments.next()?;
    let (phrase, ty) = type_at_start(first)?;
    let mut types = vec![ty];
    let mut required = None;
    for segment in segments {
        if let Some(word) = required_word(segment) {
            required = Some(word);
        } else if let Some((_, ty)) = type_at_start(segment)
            .filter(|(p, _)| segment.trim().trim_end_matches('.').len() == p.len())
        {
            types.push(ty);
        }
    }
    Some((phrase.to_owned(), types, required))
}

/// Where a heading or an introducing sentence sends the fields after it.
fn location_of(text: &str, heading: bool) -> Option<Location> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let starts = |prefixes: &[&str]| {
        words
            .iter()
            .any(|w| prefixes.iter().any(|p| w.starts_with(p)))
    };
    if starts(&["respon", "reponse", "respos", "retorno"])
        && (heading || has("body") || has("fields") || has("campos"))
    {
        return Some(Location::Response);
    }
    let intro = heading || words.len() <= 4 || starts(&["send", "envie", "enviar", "envia"]);
    if !intro {
        return None;
    }
    let found: Vec<Location> = [
        (has("path"), Location::Path),
        (has("query") || has("consulta"), Location::Query),
        (has("body") || has("corpo"), Location::Body),
    ]
    .into_iter()
    .filter_map(|(yes, location)| yes.then_some(location))
    .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ if heading => Some(Location::Unknown),
        _ => None,
    }
}

fn is_heading(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('#')
        || (t.len() > 4 && t.starts_with("**") && t.ends_with("**"))
        || t.to_ascii_lowercase()
            .strip_prefix("<h")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

/// Column positions of a table header.
struct Columns {
    name: usize,
    ty: usize,
    required: Option<usize>,
}

fn header(cells: &[String]) -> Option<Columns> {
    let norm: Vec<String> = cells
        .iter()
        .map(|c| {
            c.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    let find = |names: &[&str]| norm.iter().position(|c| names.contains(&c.as_str()));
    Some(Columns {
        name: find(&[
            "field",
            "campo",
            "name",
            "nome",
            "parameter",
            "parâmetro",
            "parametro",
            "key",
            "chave",
            "property",
            "propriedade",
            "attribute",
            "atributo",
        ])?,
        ty: find(&["type", "tipo", "data type", "tipo de dado"])?,
        required: find(&["required", "obrigatório", "obrigatorio", "mandatory"]),
    })
}

/// A table row as a field.
fn table_field(
    cells: &[String],
    columns: &Columns,
    line: usize,
    location: Location,
) -> Option<DocField> {
    let name = cells.get(columns.name)?;
    let name = name
        .trim()
        .trim_matches(|c: char| c == '`' || c == '*' || c == '"' || c.is_whitespace());
    let path: Vec<String> = name
        .split('.')
        .map(|part| part.trim_end_matches("[]").to_owned())
        .collect();
    if !path.iter().all(|p| is_name(p)) {
        return None;
    }
    let ty = cells
        .get(columns.ty)
        .map(String::as_str)
        .unwrap_or_default();
    let found = type_at_start(ty.trim_matches(|c: char| c == '`' || c == '*' || c.is_whitespace()));
    Some(DocField {
        line,
        path,
        type_text: found.map(|(phrase, _)| phrase.to_owned()),
        types: found.map(|(_, ty)| ty).into_iter().collect(),
        required: columns
            .required
            .and_then(|n| cells.get(n))
            .and_then(|cell| required_cell(cell)),
        location,
        format: Format::Table,
    })
}

/// The cells of a Markdown (`pipes`) or tab-separated table row, markup removed.
fn row_cells(line: &str, pipes: bool) -> Vec<String> {
    if pipes {
        pipe_cells(line)
    } else {
        line.split('\t')
            .map(|c| plain(&lex(c)).trim().to_owned())
            .collect()
    }
}

/// The cells of a Markdown table row (`| a | b |`), markup removed.
fn pipe_cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut escaped = false;
    for c in t.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => cells.push(std::mem::take(&mut cell)),
            _ => {
                escaped = false;
                cell.push(c);
            }
        }
    }
    cells.push(cell);
    cells
        .into_iter()
        .map(|c| plain(&lex(&c)).trim().to_owned())
        .collect()
}

fn is_separator_row(line: &str) -> bool {
    let t = line.trim();
    t.contains('-') && t.chars().all(|c| "|-: \t".contains(c))
}

/// The rows of an HTML table starting at line `start`: each row's line and
/// cells, and the line after the table.
fn html_rows(lines: &[&str], start: usize) -> (Vec<(usize, Vec<String>)>, usize) {
    let mut rows = Vec::new();
    let mut row: Option<(usize, Vec<String>)> = None;
    let mut cell: Option<String> = None;
    let mut i = start;
    while i < lines.len() {
        for token in lex(lines[i]) {
            match token {
                Tok::Tag(name, false) if name == "tr" => {
                    rows.extend(row.take());
                    row = Some((i + 1, Vec::new()));
                }
                Tok::Tag(name, false) if name == "td" || name == "th" => {
                    cell = Some(String::new());
                }
                Tok::Tag(name, true) if name == "td" || name == "th" => {
                    if let (Some(text), Some((_, cells))) = (cell.take(), row.as_mut()) {
                        cells.push(text.trim().to_owned());
                    }
                }
                Tok::Tag(name, true) if name == "tr" => rows.extend(row.take()),
                Tok::Tag(name, true) if name == "table" => {
                    rows.extend(row.take());
                    return (rows, i + 1);
                }
                other => {
                    if let Some(text) = cell.as_mut() {
                        text.push_str(&plain(&[other]));
                    }
                }
            }
        }
        if let Some(text) = cell.as_mut() {
            text.push(' ');
        }
        i += 1;
    }
    rows.extend(row);
    (rows, i)
}

/// How deep list items nest at most.
const MAX_NESTING: usize = 16;

/// Reads the documented fields of a page. `request_lines` are the page lines
/// that hold a request line: each starts a new context.
pub fn read(text: &str, request_lines: &[usize]) -> Vec<DocField> {
    let lines: Vec<&str> = text.lines().collect();
    let request_lines: std::collections::HashSet<usize> = request_lines.iter().copied().collect();
    let mut out: Vec<DocField> = Vec::new();
    let mut location = Location::Unknown;
    // Open list items: indentation and name, outermost first.
    let mut stack: Vec<(usize, String)> = Vec::new();
    // Where the current list started in `out`, for required-ness by convention.
    let mut list_start = 0;
    let mut i = 0;
    let mut in_fence = false;
    while i < lines.len() {
        let line = lines[i];
        let line_no = i + 1;
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            i += 1;
            continue;
        }
        if in_fence {
            i += 1;
            continue;
        }
        if request_lines.contains(&line_no) {
            close_list(&mut out, &mut list_start);
            location = Location::Unknown;
            stack.clear();
            i += 1;
            continue;
        }
        // Tables: Markdown, tab-separated, HTML.
        let pipes = line.trim_start().starts_with('|');
        let tabs = line.matches('\t').count() >= 2;
        if pipes || tabs {
            let cells = row_cells(line, pipes);
            if let Some(columns) = header(&cells) {
                close_list(&mut out, &mut list_start);
                stack.clear();
                i += 1;
                while i < lines.len() {
                    let row = lines[i];
                    let is_row = if pipes {
                        row.trim_start().starts_with('|')
                    } else {
                        row.matches('\t').count() >= 2
                    };
                    if !is_row {
                        break;
                    }
                    if !is_separator_row(row) {
                        let cells = row_cells(row, pipes);
                        // A repeated header row is not a field.
                        if header(&cells).is_none() {
                            out.extend(table_field(&cells, &columns, i + 1, location));
                        }
                    }
                    i += 1;
                }
                close_list(&mut out, &mut list_start);
                continue;
            }
        }
        if line.to_ascii_lowercase().contains("<table") {
            let (rows, next) = html_rows(&lines, i);
            let mut rows = rows.into_iter();
            let columns = rows.by_ref().find_map(|(_, cells)| header(&cells));
            if let Some(columns) = columns {
                close_list(&mut out, &mut list_start);
                for (row_line, cells) in rows {
                    out.extend(table_field(&cells, &columns, row_line, location));
                }
                close_list(&mut out, &mut list_start);
                stack.clear();
                i = next.max(i + 1);
                continue;
            }
        }
        if let Some((indent, name, format, rest)) = list_item(line)
            && let Some((phrase, types, required)) = describe(&rest)
        {
            while stack.last().is_some_and(|(open, _)| *open >= indent) {
                stack.pop();
            }
            if stack.len() >= MAX_NESTING {
                // No API nests this deep: an indentation staircase, not a field list.
                i += 1;
                continue;
            }
            let mut path: Vec<String> = stack.iter().map(|(_, n)| n.clone()).collect();
            path.extend(name.split('.').map(|p| p.trim_end_matches("[]").to_owned()));
            stack.push((indent, name));
            out.push(DocField {
                line: line_no,
                path,
                type_text: Some(phrase),
                types,
                required,
                location,
                format,
            });
            i += 1;
            continue;
        }
        let heading = is_heading(line);
        let text = plain(&lex(line));
        if let Some(found) = location_of(&text, heading) {
            close_list(&mut out, &mut list_start);
            location = found;
            stack.clear();
        } else if heading {
            close_list(&mut out, &mut list_start);
            stack.clear();
        }
        i += 1;
    }
    close_list(&mut out, &mut list_start);
    out
}

/// Ends the list that started at `list_start` in `out`.
fn close_list(out: &mut [DocField], list_start: &mut usize) {
    unmarked_are_optional(&mut out[*list_start..]);
    *list_start = out.len();
}

/// In a list (not a table) where some top-level item is marked required, the
/// unmarked top-level items are optional: the vendor marks only the required ones.
/// Nested items and lists without any mark stay "not said".
fn unmarked_are_optional(list: &mut [DocField]) {
    let marks = |f: &DocField| f.format != Format::Table && f.path.len() == 1;
    if !list.iter().any(|f| marks(f) && f.required == Some(true)) {
        return;
    }
    for field in list.iter_mut().filter(|f| marks(f) && f.required.is_none()) {
        field.required = Some(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexer_keeps_stray_brackets_and_ampersands_as_text() {
        assert_eq!(
            lex("a < b & c &nbsp;<code>x</code>"),
            [
                Tok::Text("a < b & c "),
                Tok::Entity("nbsp"),
                Tok::Tag("code".to_owned(), false),
                Tok::Text("x"),
                Tok::Tag("code".to_owned(), true),
            ]
        );
        assert_eq!(lex("<<<"), [Tok::Text("<<<")]);
        assert_eq!(lex("&&&;"), [Tok::Text("&&&;")]);
    }

    #[test]
    fn types_are_read_as_json_types() {
        assert_eq!(type_at_start("int"), Some(("int", "integer")));
        assert_eq!(
            type_at_start("Array of objects - x"),
            Some(("array of objects", "array"))
        );
        assert_eq!(type_at_start("String"), Some(("string", "string")));
        assert_eq!(type_at_start("string[]"), Some(("string", "array")));
        assert_eq!(type_at_start("stringent"), None);
        assert_eq!(type_at_start("Username used"), None);
    }
}
