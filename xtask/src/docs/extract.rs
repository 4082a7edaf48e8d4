//! Finds the JSON examples of a vendor doc page and the lines that give them a
//! meaning (request lines, status lines, section headings), whatever the page's
//! format: fenced Markdown, bare or mangled fences, inline HTML, or text scraped from
//! the rendered page with no fences at all.
//!
//! The page is first "cleaned" line by line (HTML tags dropped and entities decoded
//! outside code fences, MDX comments `{/* api */}` turned back into path segments),
//! keeping the line count so that every line number refers to the original page.
//! Examples are then found by their braces rather than by their fences, which is
//! what makes the unfenced and mangled formats work.

use serde_json::Value;

/// What a page says, in page order.
#[derive(Debug, Default)]
pub struct Page {
    /// The page title (`# ...`, a `## title:` metadata line, or the first line).
    pub title: Option<String>,
    pub events: Vec<Event>,
}

#[derive(Debug)]
pub enum Event {
    /// A section heading or label; it ends the reach of the status line before it.
    Heading {
        text: String,
    },
    /// `HTTP/1.1 200 OK`.
    Status {
        code: u16,
    },
    /// `POST api/mysafe/password/inactive/[identifier]`, in any of its spellings.
    Request {
        line: usize,
        method: String,
        target: String,
    },
    Example(Example),
}

/// One JSON example, as written on the page.
#[derive(Debug, Clone)]
pub struct Example {
    /// Line of the page where the example's opening brace is.
    pub line: usize,
    /// The example's text, from its opening to its closing brace.
    pub text: String,
    pub parsed: Result<Value, JsonProblem>,
}

/// Why an example's text is not JSON, with the page line it happens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The example read with its unquoted words (`"secret_key": JBSWY3DPEHPK3PXP`)
    /// put in quotes, when that is all that keeps it from being JSON: the check
    /// then also reports what the schema thinks of the rest.
    pub with_words_quoted: Option<Value>,
}

impl std::fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not valid JSON: line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// What a fence line becomes in the cleaned text: examples never cross it.
const FENCE: &str = "\u{0}";

pub const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Reads a page.
pub fn page(text: &str) -> Page {
    let lines = clean_lines(text);
    let joined = lines.join("\n");
    let mut starts = Vec::with_capacity(lines.len());
    let mut offset = 0;
    for line in &lines {
        starts.push(offset);
        offset += line.len() + 1;
    }

    let mut page = Page {
        title: title(text, &lines),
        events: Vec::new(),
    };
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        let mut at = starts[i] + (lines[i].len() - trimmed.len());
        let mut line_no = i + 1;
        let mut found = false;
        // Several examples may follow each other on one line; whatever else follows
        // the last one on its line (a trailing comment) is not part of it.
        while let Some((example, after)) = example_at(&joined, at, line_no) {
            found = true;
            line_no += example.text.matches('\n').count();
            page.events.push(Event::Example(example));
            let line_end = joined[after..]
                .find('\n')
                .map_or(joined.len(), |n| after + n);
            let tail = &joined[after..line_end];
            at = after + (tail.len() - tail.trim_start().len());
        }
        if found {
            i = line_no;
            continue;
        }
        events_of_line(&lines, i, &mut page.events);
        i += 1;
    }
    page
}

/// The lines of the page with markup that hides examples and request lines removed.
fn clean_lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    text.lines()
        .map(|raw| {
            let line = mdx_comments_to_segments(raw);
            let trimmed = line.trim();
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                in_fence = !in_fence;
                return FENCE.to_owned();
            }
            // A fence mangled to a single backtick, alone or with its language.
            if trimmed.starts_with('`') && trimmed[1..].chars().all(|c| c.is_ascii_alphabetic()) {
                return FENCE.to_owned();
            }
            if in_fence {
                line
            } else {
                decode_entities(&strip_tags(&line))
            }
        })
        .collect()
}

/// `{/* api */}{/* mysafe */}` (an MDX export of `/api/mysafe`) back to `/api/mysafe`.
fn mdx_comments_to_segments(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("{/*") {
        let inner = &rest[start + 3..];
        let Some(end) = inner.find("*/}") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push('/');
        out.push_str(inner[..end].trim());
        rest = &inner[end + 3..];
    }
    out.push_str(rest);
    out
}

/// Drops `<tag ...>` and `</tag>` (a `<` followed by a letter, `/` or `!`).
fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match (is_tag, after.find('>')) {
            (true, Some(end)) => {
                out.push_str(&rest[..start]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(&rest[..=start]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entities(line: &str) -> String {
    if !line.contains('&') {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let decoded = after.find(';').filter(|&n| n <= 8).and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "quot" => Some('"'),
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "apos" => Some('\''),
                "nbsp" | "emsp" | "ensp" => Some(' '),
                _ => name.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn title(raw: &str, lines: &[String]) -> Option<String> {
    let meta = raw
        .lines()
        .find_map(|l| l.trim().strip_prefix("## title:").map(str::trim));
    let heading = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("# ").map(str::trim));
    let first = lines
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty() && *l != FENCE);
    meta.or(heading)
        .or(first)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// An example starting at byte `at` of `joined` (the page's line `line`), and the
/// byte just after it.
fn example_at(joined: &str, at: usize, line: usize) -> Option<(Example, usize)> {
    let rest = &joined[at..];
    let first = rest.chars().next()?;
    let next = rest[first.len_utf8()..].trim_start().chars().next();
    let object = first == '{' && matches!(next, Some('"' | '}'));
    let array = first == '[' && matches!(next, Some('{' | ']'));
    if !object && !array {
        return None;
    }
    let end = matching_close(rest);
    let text = match end {
        Some(end) => &rest[..=end],
        None => rest[..fence_or_end(rest)].trim_end(),
    };
    let parsed = serde_json::from_str::<Value>(text).map_err(|e| JsonProblem {
        line: line + e.line().saturating_sub(1),
        column: e.column(),
        message: json_error_message(&e),
        with_words_quoted: end.and_then(|_| quote_bare_words(text)),
    });
    // An array that is not JSON is a Markdown link or list, not an example.
    if array && parsed.is_err() {
        return None;
    }
    let consumed = at + text.len();
    Some((
        Example {
            line,
            text: text.to_owned(),
            parsed,
        },
        consumed,
    ))
}

/// `text` made JSON by quoting the bare words where values are expected, if that
/// is enough (a few rounds at most).
fn quote_bare_words(text: &str) -> Option<Value> {
    let mut text = text.to_owned();
    for _ in 0..8 {
        let e = match serde_json::from_str::<Value>(&text) {
            Ok(value) => return Some(value),
            Err(e) => e,
        };
        if !e.to_string().starts_with("expected value") {
            return None;
        }
        let line_start: usize = text
            .split_inclusive('\n')
            .take(e.line().saturating_sub(1))
            .map(str::len)
            .sum();
        // serde_json counts columns in bytes.
        let at = line_start + e.column().saturating_sub(1);
        if at > text.len() || !text.is_char_boundary(at) {
            return None;
        }
        let word_len = text[at..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - at);
        if word_len == 0 {
            return None;
        }
        let word = text[at..at + word_len].to_owned();
        text.replace_range(at..at + word_len, &format!("\"{word}\""));
    }
    None
}

/// serde_json's message without its " at line L column C" suffix, which is
/// relative to the example rather than to the page.
fn json_error_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(n) => message[..n].to_owned(),
        None => message,
    }
}

/// Byte index of the bracket that closes the one `text` starts with, ignoring
/// brackets inside strings; `None` when the text ends (or a fence starts) first.
fn matching_close(text: &str) -> Option<usize> {
    let limit = fence_or_end(text);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[..limit].char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                '\n' => in_string = false, // a string never spans lines in JSON
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the first fence line starts in `text`, or its end.
fn fence_or_end(text: &str) -> usize {
    text.find(FENCE).unwrap_or(text.len())
}

/// The status, request and heading events of line `i` (not part of an example).
fn events_of_line(lines: &[String], i: usize, events: &mut Vec<Event>) {
    let line_no = i + 1;
    let plain = lines[i].replace(['`', '*'], " ");
    let plain = plain.trim();
    if plain.is_empty() || plain == FENCE {
        return;
    }
    if let Some(code) = status_line(plain) {
        events.push(Event::Status { code });
        return;
    }
    if let Some((method, target)) = request_line(plain) {
        events.push(Event::Request {
            line: line_no,
            method,
            target,
        });
        return;
    }
    if is_heading(lines, i) {
        let text = lines[i].trim().trim_start_matches('#').replace("**", "");
        events.push(Event::Heading {
            text: text.trim().to_owned(),
        });
    }
}

/// `HTTP/1.1 200 OK` anywhere on the line.
fn status_line(plain: &str) -> Option<u16> {
    let at = plain.find("HTTP/")?;
    let rest = &plain[at + 5..];
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let code = rest.trim_start().get(..3)?;
    let code: u16 = code.parse().ok()?;
    (100..600).contains(&code).then_some(code)
}

/// A method followed by something that looks like a URL path.
fn request_line(plain: &str) -> Option<(String, String)> {
    let tokens: Vec<&str> = plain.split_whitespace().collect();
    tokens.windows(2).find_map(|pair| {
        let method = pair[0];
        let target = pair[1].trim_end_matches([',', '.', ';', ':', ')', '-']);
        let looks_like_path = target.contains('/')
            && target
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-.[]{}?=&%~:@+".contains(c));
        (METHODS.contains(&method) && looks_like_path)
            .then(|| (method.to_owned(), target.to_owned()))
    })
}

/// Markdown headings, bold-only lines, `400 - Bad Request` labels, and the short
/// stand-alone lines that headings become in text scraped from a rendered page.
fn is_heading(lines: &[String], i: usize) -> bool {
    let line = lines[i].trim();
    if line.starts_with('#') {
        return true;
    }
    if line.len() > 4 && line.starts_with("**") && line.ends_with("**") {
        return true;
    }
    if status_section(line).is_some() {
        return true;
    }
    let blank = |j: Option<usize>| {
        j.and_then(|j| lines.get(j))
            .is_none_or(|l| l.trim().is_empty() || l == FENCE)
    };
    let words = line.split_whitespace().count();
    words <= 3
        && blank(i.checked_sub(1))
        && blank(Some(i + 1))
        && line
            .trim_end_matches(['.', ':'])
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ')
}

/// `400 - Bad Request` (a status section label) gives its status.
pub fn status_section(text: &str) -> Option<u16> {
    let text = text.trim();
    let code: u16 = text.get(..3)?.parse().ok()?;
    let rest = text[3..].trim_start();
    ((100..600).contains(&code) && rest.starts_with('-')).then_some(code)
}
