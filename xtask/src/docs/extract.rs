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
//!
//! Every step is linear in the page's size, whatever the page holds (a test counts
//! the work, `docs/hostile_tests.rs`): fences are found and brackets matched once
//! for the whole page, and each search within a line either moves past what it
//! looked at or ends the line's scan.

use std::borrow::Cow;

use serde_json::Value;

use super::work;

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
        /// The number of `#` of a Markdown heading; 0 for the other kinds.
        level: usize,
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
    /// A line that starts like a request line (a method, then something with a `/`)
    /// whose method and path still cannot be read once its markup is unwrapped, e.g.
    /// prose glued to the path.
    UnreadableRequest {
        line: usize,
        text: String,
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
    work::add(joined.len());
    let mut starts = Vec::with_capacity(lines.len());
    let mut firsts = Vec::with_capacity(lines.len());
    let mut offset = 0;
    for line in &lines {
        starts.push(offset);
        let indent = line.len() - line.trim_start().len();
        work::add(indent);
        firsts.push(offset + indent);
        offset += line.len() + 1;
    }
    let layout = Layout::of(&joined, &starts, &firsts);

    let mut page = Page {
        title: title(text, &lines),
        events: Vec::new(),
    };
    let mut i = 0;
    while i < lines.len() {
        let close = layout.line_closes[i];
        let Some((example, mut after)) = example_at(&joined, firsts[i], i + 1, close, &layout)
        else {
            events_of_line(&lines, i, &mut page.events);
            i += 1;
            continue;
        };
        let mut line_no = i + 1 + newlines(&example.text);
        page.events.push(Event::Example(example));
        // More examples may follow on the same line; whatever else follows the last
        // one on its line (a trailing comment) is not part of it.
        loop {
            let line_end = find_char(&joined[after..], '\n').map_or(joined.len(), |n| after + n);
            let tail = &joined[after..line_end];
            let at = after + (tail.len() - tail.trim_start().len());
            let Some((example, next)) = tail_example_at(&joined, at, line_no, &layout) else {
                break;
            };
            line_no += newlines(&example.text);
            page.events.push(Event::Example(example));
            after = next;
        }
        i = line_no;
    }
    page
}

fn newlines(text: &str) -> usize {
    work::add(text.len());
    text.bytes().filter(|&b| b == b'\n').count()
}

/// The lines of the page with markup that hides examples and request lines removed.
fn clean_lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    text.lines()
        .map(|raw| {
            // The fence checks below look at the line once more.
            work::add(raw.len());
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
    while let Some(start) = find_str(rest, "{/*") {
        let inner = &rest[start + 3..];
        // No end on the rest of the line: no later comment can have one either.
        let Some(end) = find_str(inner, "*/}") else {
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
    while let Some(start) = find_char(rest, '<') {
        let after = &rest[start + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        if !is_tag {
            out.push_str(&rest[..=start]);
            rest = after;
            continue;
        }
        // No `>` on the rest of the line: no later `<` starts a tag either.
        let Some(end) = find_char(after, '>') else {
            break;
        };
        out.push_str(&rest[..start]);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The longest entity name looked for after a `&` (`&nbsp;`, `&#x1F600;`).
const ENTITY_MAX: usize = 8;

fn decode_entities(line: &str) -> String {
    if find_char(line, '&').is_none() {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = find_char(rest, '&') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        // Only the few bytes an entity can have are looked at, so a line of `&`s
        // is read once.
        let end = after.bytes().take(ENTITY_MAX + 1).position(|b| b == b';');
        work::add(end.map_or(after.len().min(ENTITY_MAX + 1), |n| n + 1));
        let decoded = end.and_then(|end| {
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

/// `haystack.find(c)`, counting the bytes looked at.
fn find_char(haystack: &str, c: char) -> Option<usize> {
    let found = haystack.find(c);
    work::add(found.map_or(haystack.len(), |n| n + c.len_utf8()));
    found
}

/// `haystack.find(needle)`, counting the bytes looked at.
fn find_str(haystack: &str, needle: &str) -> Option<usize> {
    let found = haystack.find(needle);
    work::add(found.map_or(haystack.len(), |n| n + needle.len()));
    found
}

fn title(raw: &str, lines: &[String]) -> Option<String> {
    // Three passes at most, each over the page once.
    work::add(3 * raw.len());
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// `{` followed by `"` or `}`.
    Object,
    /// `[` followed by `{` or `]`.
    Array,
}

/// Whether `text` starts like an example.
fn opening(text: &str) -> Option<Opening> {
    let first = text.chars().next()?;
    let after = &text[first.len_utf8()..];
    let next = after.trim_start();
    work::add(after.len() - next.len() + 1);
    match (first, next.chars().next()) {
        ('{', Some('"' | '}')) => Some(Opening::Object),
        ('[', Some('{' | ']')) => Some(Opening::Array),
        _ => None,
    }
}

/// An example starting at byte `at` of `joined` (the page's line `line`), whose
/// opening bracket closes at byte `close` (`None`: not before the next fence), and
/// the byte just after it.
fn example_at(
    joined: &str,
    at: usize,
    line: usize,
    close: Option<usize>,
    layout: &Layout,
) -> Option<(Example, usize)> {
    let kind = opening(&joined[at..])?;
    let text = match close {
        Some(close) => &joined[at..=close],
        // An array that is not closed is not JSON, so not an example (below); an
        // object is, up to the fence, so that the report says where it breaks.
        None if kind == Opening::Array => return None,
        None => joined[at..layout.next_fence(at)].trim_end(),
    };
    work::add(text.len());
    let parsed = serde_json::from_str::<Value>(text).map_err(|e| JsonProblem {
        line: line + e.line().saturating_sub(1),
        column: e.column(),
        message: json_error_message(&e),
        with_words_quoted: close.and_then(|_| quote_bare_words(text)),
    });
    // An array that is not JSON is a Markdown link or list, not an example.
    if kind == Opening::Array && parsed.is_err() {
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

/// An example that follows another on its line. Only an object can: an array that
/// turns out not to be JSON is not an example, and a line of them after examples
/// would each be searched for its end again (objects are always taken, so each
/// part of the page is searched once).
fn tail_example_at(
    joined: &str,
    at: usize,
    line: usize,
    layout: &Layout,
) -> Option<(Example, usize)> {
    if opening(&joined[at..])? != Opening::Object {
        return None;
    }
    example_at(
        joined,
        at,
        line,
        matching_close(&joined[at..]).map(|n| at + n),
        layout,
    )
}

/// `text` made JSON by quoting the bare words where values are expected, if that
/// is enough (a few rounds at most).
fn quote_bare_words(text: &str) -> Option<Value> {
    let mut text = text.to_owned();
    for _ in 0..8 {
        // A parse, a search for the line, and a copy for the quotes.
        work::add(3 * text.len());
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

#[derive(Clone, Copy)]
enum Bracket {
    Open,
    Close,
    /// A fence line: examples never cross it.
    Fence,
}

/// The brackets of `text` outside JSON strings, and its fence lines, in order. A
/// string never spans lines in JSON, so a line break ends one.
fn brackets(text: &str) -> impl Iterator<Item = (usize, Bracket)> + '_ {
    let mut in_string = false;
    let mut escaped = false;
    text.bytes().enumerate().filter_map(move |(i, b)| {
        // Both bytes are ASCII, so never part of a longer character.
        if b == b'\n' || b == FENCE.as_bytes()[0] {
            in_string = false;
            escaped = false;
            return (b != b'\n').then_some((i, Bracket::Fence));
        }
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            return None;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => return Some((i, Bracket::Open)),
            b'}' | b']' => return Some((i, Bracket::Close)),
            _ => {}
        }
        None
    })
}

/// Byte index of the bracket that closes the one `text` starts with, ignoring
/// brackets inside strings; `None` when the text ends (or a fence starts) first.
fn matching_close(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, bracket) in brackets(text) {
        match bracket {
            Bracket::Open => depth += 1,
            Bracket::Close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    work::add(i + 1);
                    return Some(i);
                }
            }
            Bracket::Fence => {
                work::add(i + 1);
                return None;
            }
        }
    }
    work::add(text.len());
    None
}

/// What the examples' search needs of the whole page, found in one pass over it:
/// where the fences are, and where the bracket each line starts with closes.
struct Layout {
    /// Byte offsets of the fence lines.
    fences: Vec<usize>,
    /// For each line that starts with a bracket, the byte of the bracket that closes
    /// it (as `matching_close` from there would find it).
    line_closes: Vec<Option<usize>>,
    len: usize,
}

impl Layout {
    /// `starts` and `firsts` are each line's first byte and first non-blank byte.
    fn of(joined: &str, starts: &[usize], firsts: &[usize]) -> Self {
        work::add(joined.len());
        let mut fences = Vec::new();
        let mut line_closes = vec![None; starts.len()];
        // The depth of brackets since the last fence, and the lines whose first
        // bracket is still open, with the depth before it (increasing).
        let mut depth = 0usize;
        let mut open: Vec<(usize, usize)> = Vec::new();
        let mut line = 0;
        for (at, bracket) in brackets(joined) {
            match bracket {
                Bracket::Fence => {
                    fences.push(at);
                    depth = 0;
                    open.clear();
                }
                Bracket::Open => {
                    while starts.get(line + 1).is_some_and(|&next| next <= at) {
                        line += 1;
                    }
                    if firsts[line] == at {
                        open.push((line, depth));
                    }
                    depth += 1;
                }
                Bracket::Close => {
                    depth = depth.saturating_sub(1);
                    if let Some(&(line, _)) = open.last().filter(|(_, before)| *before == depth) {
                        line_closes[line] = Some(at);
                        open.pop();
                    }
                }
            }
        }
        Self {
            fences,
            line_closes,
            len: joined.len(),
        }
    }

    /// Where the first fence at or after byte `at` starts, or the page's end.
    fn next_fence(&self, at: usize) -> usize {
        let next = self.fences.partition_point(|&f| f < at);
        self.fences.get(next).copied().unwrap_or(self.len)
    }
}

/// The status, request and heading events of line `i` (not part of an example).
fn events_of_line(lines: &[String], i: usize, events: &mut Vec<Event>) {
    let line_no = i + 1;
    // Each check below reads the line (or a neighbour) a few times at most.
    work::add(6 * lines[i].len());
    let unwrapped = unwrap_links(&lines[i]);
    let plain = unwrapped.replace(['`', '*'], " ");
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
    if starts_like_request_line(plain) {
        events.push(Event::UnreadableRequest {
            line: line_no,
            text: lines[i]
                .replace('`', "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        });
        return;
    }
    if is_heading(lines, i) {
        let line = lines[i].trim();
        let level = line.bytes().take_while(|&b| b == b'#').count();
        let text = line.trim_start_matches('#').replace("**", "");
        events.push(Event::Heading {
            text: text.trim().to_owned(),
            level,
        });
    }
}

/// `line` with its Markdown links and images unwrapped before it is read:
/// `[text](url)` becomes ` text ` (spaced, so that a path glued to the link stands
/// on its own) and `![alt](url)` goes. A link's text may hold brackets
/// (`[GET | List a password by [identifier]](...)`).
fn unwrap_links(line: &str) -> Cow<'_, str> {
    if find_str(line, "](").is_none() {
        return Cow::Borrowed(line);
    }
    work::add(line.len());
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    // The `[`s not closed yet, since the last link.
    let mut opens = Vec::new();
    // No `)` after this byte: no later link can end.
    let mut no_paren_after = bytes.len();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => opens.push(i),
            b']' => {
                let open = opens.pop();
                let url = i + 2;
                if let Some(open) =
                    open.filter(|_| bytes.get(i + 1) == Some(&b'(') && url < no_paren_after)
                {
                    match find_char(&line[url..], ')') {
                        None => no_paren_after = url,
                        Some(n) => {
                            let image = open > 0 && bytes[open - 1] == b'!';
                            out.push_str(&line[copied..open - usize::from(image)]);
                            out.push(' ');
                            if !image {
                                out.push_str(&line[open + 1..i]);
                                out.push(' ');
                            }
                            copied = url + n + 1;
                            opens.clear();
                            i = copied;
                            continue;
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&line[copied..]);
    Cow::Owned(out)
}

/// A method, then something with a `/`: a request line, whether it can be read or not.
fn starts_like_request_line(plain: &str) -> bool {
    let mut words = plain.split_whitespace();
    words.next().is_some_and(|w| METHODS.contains(&w)) && words.any(|w| w.contains('/'))
}

/// `HTTP/1.1 200 OK` anywhere on the line.
fn status_line(plain: &str) -> Option<u16> {
    let at = find_str(plain, "HTTP/")?;
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
