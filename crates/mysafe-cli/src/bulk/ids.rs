//! The input of a bulk run: where the ids come from, validated as a whole before any
//! call, and spooled so that the run holds no list of ids.
//!
//! ## Input forms
//!
//! `--ids-from FILE` (or `-` for stdin) takes one of two forms, and the first line
//! that holds an id decides which:
//!
//! - plain: one identifier a line, digits only (surrounding spaces allowed);
//! - JSON lines: one object a line with an `identifier` string or number, as
//!   `mysafe <noun> list --format jsonl` prints (and as the bulk commands print
//!   their results, so `grep '"error"' results.jsonl` can be fed back). Other keys
//!   are ignored.
//!
//! In both, blank lines and lines starting with `#` are skipped. A line of the other
//! form than the first is malformed: a file that mixes them is more likely the wrong
//! file than a list, and guessing per line would accept a JSON line that happens to
//! look like something else.
//!
//! ## Validation and memory
//!
//! Every line is checked before the run starts; a malformed line is reported by its
//! number and what is wrong, never by its content (a password pasted into the wrong
//! file must not end up on a terminal or in a CI log). The first [`MAX_LISTED`] are
//! listed, then "and N more".
//!
//! While the input is read, the distinct ids not done by the journal are written to
//! an anonymous temporary file (8 bytes each), which the run then reads back one at
//! a time. The set of ids already seen (for duplicates) is the one thing that grows
//! with the input, 8 bytes an id plus the table's overhead, and it is dropped before
//! the first call (`BENCHMARKS.md` has the measured peak).

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::PathBuf;

use super::BulkError;

/// How many malformed lines an error lists before "and N more".
pub(crate) const MAX_LISTED: usize = 20;

/// The longest line read whole; no id or list line comes near it, and a longer one
/// (a binary file, say) is skipped to its end rather than read into memory.
const MAX_LINE: usize = 64 * 1024;

/// The most digits an identifier may have: every 18-digit number fits in an `i64`.
const MAX_DIGITS: usize = 18;

/// A malformed input line (or argument): its number and what is wrong, never its
/// content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// 1-based line number (or argument position).
    pub line: u64,
    /// What is wrong, e.g. "not a numeric identifier".
    pub reason: &'static str,
}

/// Where the ids come from.
#[derive(Debug)]
pub(crate) enum Source {
    /// The positional arguments.
    Arguments(Vec<String>),
    /// `--ids-from FILE`.
    File(PathBuf),
    /// `--ids-from -`.
    Stdin,
    /// The identifiers a list call returned for the filters.
    Listed(Vec<i64>),
}

/// The validated input: the ids to call, in input order, and the counts.
#[derive(Debug)]
pub(crate) struct Spooled {
    /// The ids to call (distinct, not done by the journal).
    pub spool: Spool,
    /// Distinct ids in the input.
    pub total: u64,
    /// Ids seen more than once.
    pub duplicates: u64,
    /// Distinct ids the journal records as done.
    pub skipped_by_journal: u64,
}

/// The ids to call, read back one at a time from the temporary spool file.
#[derive(Debug)]
pub(crate) struct Spool {
    reader: BufReader<File>,
    remaining: u64,
}

impl Spool {
    /// The next id, or `None` at the end.
    pub fn next_id(&mut self) -> io::Result<Option<i64>> {
        if self.remaining == 0 {
            return Ok(None);
        }
        let mut bytes = [0u8; 8];
        self.reader.read_exact(&mut bytes)?;
        self.remaining -= 1;
        Ok(Some(i64::from_le_bytes(bytes)))
    }

    /// How many ids have not been read yet.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }
}

/// Reads and validates the whole input, spooling the distinct ids that `done` (the
/// journal's finished ids) does not hold.
pub(crate) fn spool(source: Source, done: &HashSet<i64>) -> Result<Spooled, BulkError> {
    let file = tempfile::tempfile().map_err(BulkError::Spool)?;
    let mut collector = Collector::new(file, done);
    let (source_name, unit) = match source {
        Source::Arguments(arguments) => {
            for (position, argument) in (1u64..).zip(&arguments) {
                collector.line(position, parse_plain(argument.trim()))?;
            }
            ("the arguments".to_owned(), "argument")
        }
        Source::Listed(ids) => {
            for (position, id) in (1u64..).zip(ids) {
                collector.line(position, Ok(Some(id)))?;
            }
            ("the list".to_owned(), "entry")
        }
        Source::Stdin => {
            read_lines(io::stdin().lock(), "stdin", &mut collector)?;
            ("stdin".to_owned(), "line")
        }
        Source::File(path) => {
            let source_name = path.display().to_string();
            let file = File::open(&path).map_err(|error| BulkError::InputUnreadable {
                source_name: source_name.clone(),
                error,
            })?;
            read_lines(BufReader::new(file), &source_name, &mut collector)?;
            (source_name, "line")
        }
    };
    collector.finish(source_name, unit)
}

/// Reads `reader` line by line into `collector`, with a bounded line length.
fn read_lines(
    mut reader: impl BufRead,
    source_name: &str,
    collector: &mut Collector<'_>,
) -> Result<(), BulkError> {
    let unreadable = |error| BulkError::InputUnreadable {
        source_name: source_name.to_owned(),
        error,
    };
    let mut form = None;
    let mut buffer = Vec::new();
    let mut number = 0u64;
    loop {
        buffer.clear();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buffer)
            .map_err(unreadable)?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        let parsed = if buffer.len() > MAX_LINE && buffer.last() != Some(&b'\n') {
            skip_rest_of_line(&mut reader).map_err(unreadable)?;
            Err("line longer than 64 KiB")
        } else {
            match std::str::from_utf8(&buffer) {
                Ok(text) => parse_line(text, &mut form),
                Err(_) => Err("not UTF-8 text"),
            }
        };
        collector.line(number, parsed)?;
    }
}

/// Consumes input up to and including the next newline.
fn skip_rest_of_line(reader: &mut impl BufRead) -> io::Result<()> {
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(());
        }
        if let Some(end) = available.iter().position(|&b| b == b'\n') {
            reader.consume(end + 1);
            return Ok(());
        }
        let length = available.len();
        reader.consume(length);
    }
}

/// The two forms an ids file may take (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Plain,
    JsonLines,
}

/// One line of an ids file: `Ok(None)` for a blank or comment line.
fn parse_line(text: &str, form: &mut Option<Form>) -> Result<Option<i64>, &'static str> {
    let text = text.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    if text.starts_with('[') || text.starts_with(']') {
        // `list --format json` prints one array over many lines.
        return Err("part of a JSON array; give the JSON lines of `list --format jsonl`");
    }
    let this = if text.starts_with('{') {
        Form::JsonLines
    } else {
        Form::Plain
    };
    match *form.get_or_insert(this) {
        first if first == this => {}
        Form::Plain => {
            return Err(
                "a JSON line in a list of plain identifiers (the first line decides the form)",
            );
        }
        Form::JsonLines => {
            return Err("a plain line in a list of JSON lines (the first line decides the form)");
        }
    }
    match this {
        Form::Plain => parse_plain(text),
        Form::JsonLines => parse_json(text),
    }
}

/// A plain identifier: digits only.
fn parse_plain(text: &str) -> Result<Option<i64>, &'static str> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a numeric identifier");
    }
    if text.len() > MAX_DIGITS {
        return Err("identifier too long (more than 18 digits)");
    }
    text.parse()
        .map(Some)
        .map_err(|_| "not a numeric identifier")
}

/// The part of a listed item the input needs.
#[derive(serde::Deserialize)]
struct Listed {
    identifier: mysafe_client::Identifier,
}

/// A JSON line: an object with an integer `identifier` (string or number).
fn parse_json(text: &str) -> Result<Option<i64>, &'static str> {
    // serde_json's message would quote the input, so only the verdict is kept.
    let listed: Listed = serde_json::from_str(text)
        .map_err(|_| "not a JSON object with an `identifier` string or number")?;
    let id = listed
        .identifier
        .to_i64()
        .map_err(|_| "its `identifier` is not an integer")?;
    parse_plain(&id.to_string()).map_err(|_| "its `identifier` is not a valid identifier")
}

/// Accumulates the ids of a validation pass: duplicates, journal skips, malformed
/// lines, and the spool file of the ids to call.
struct Collector<'a> {
    done: &'a HashSet<i64>,
    seen: HashSet<i64>,
    spool: BufWriter<File>,
    to_call: u64,
    duplicates: u64,
    skipped_by_journal: u64,
    malformed: Vec<Malformed>,
    more_malformed: u64,
}

impl<'a> Collector<'a> {
    fn new(file: File, done: &'a HashSet<i64>) -> Self {
        Self {
            done,
            seen: HashSet::new(),
            spool: BufWriter::new(file),
            to_call: 0,
            duplicates: 0,
            skipped_by_journal: 0,
            malformed: Vec::new(),
            more_malformed: 0,
        }
    }

    /// Takes one parsed line.
    fn line(
        &mut self,
        number: u64,
        parsed: Result<Option<i64>, &'static str>,
    ) -> Result<(), BulkError> {
        match parsed {
            Ok(Some(id)) => self.id(id).map_err(BulkError::Spool),
            Ok(None) => Ok(()),
            Err(reason) => {
                if self.malformed.len() < MAX_LISTED {
                    self.malformed.push(Malformed {
                        line: number,
                        reason,
                    });
                } else {
                    self.more_malformed += 1;
                }
                Ok(())
            }
        }
    }

    fn id(&mut self, id: i64) -> io::Result<()> {
        if !self.seen.insert(id) {
            self.duplicates += 1;
        } else if self.done.contains(&id) {
            self.skipped_by_journal += 1;
        } else if self.malformed.is_empty() {
            // Once a line is malformed the run will not start: spooling stops.
            self.spool.write_all(&id.to_le_bytes())?;
            self.to_call += 1;
        }
        Ok(())
    }

    fn finish(self, source_name: String, unit: &'static str) -> Result<Spooled, BulkError> {
        if !self.malformed.is_empty() {
            return Err(BulkError::MalformedInput {
                source_name,
                unit,
                malformed: self.malformed,
                more: self.more_malformed,
            });
        }
        let total = self.seen.len() as u64;
        let mut file = self
            .spool
            .into_inner()
            .map_err(|error| BulkError::Spool(error.into_error()))?;
        file.rewind().map_err(BulkError::Spool)?;
        Ok(Spooled {
            spool: Spool {
                reader: BufReader::new(file),
                remaining: self.to_call,
            },
            total,
            duplicates: self.duplicates,
            skipped_by_journal: self.skipped_by_journal,
        })
    }
}

/// The text of [`BulkError::MalformedInput`].
pub(crate) fn describe_malformed(
    source_name: &str,
    unit: &str,
    malformed: &[Malformed],
    more: &u64,
) -> String {
    let count = malformed.len() as u64 + more;
    let plural = if count == 1 { "" } else { "s" };
    let mut text =
        format!("{count} malformed {unit}{plural} in {source_name}; nothing was changed");
    for bad in malformed {
        text.push_str(&format!("\n  {unit} {}: {}", bad.line, bad.reason));
    }
    if *more > 0 {
        text.push_str(&format!("\n  and {more} more"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spool_text(text: &str, done: &[i64]) -> Result<(Vec<i64>, u64, u64, u64), BulkError> {
        let done: HashSet<i64> = done.iter().copied().collect();
        let mut collector = Collector::new(tempfile::tempfile().unwrap(), &done);
        read_lines(text.as_bytes(), "ids.txt", &mut collector).unwrap();
        let mut spooled = collector.finish("ids.txt".into(), "line")?;
        let mut ids = Vec::new();
        while let Some(id) = spooled.spool.next_id().unwrap() {
            ids.push(id);
        }
        Ok((
            ids,
            spooled.total,
            spooled.duplicates,
            spooled.skipped_by_journal,
        ))
    }

    fn malformed(text: &str) -> (Vec<Malformed>, u64, String) {
        match spool_text(text, &[]) {
            Err(error @ BulkError::MalformedInput { .. }) => {
                let message = error.to_string();
                let BulkError::MalformedInput {
                    malformed, more, ..
                } = error
                else {
                    unreachable!()
                };
                (malformed, more, message)
            }
            other => panic!("expected malformed input, got {other:?}"),
        }
    }

    #[test]
    fn plain_ids_with_comments_blanks_and_duplicates_keep_their_order() {
        let (ids, total, duplicates, skipped) =
            spool_text("# leaked on 12-01\n12\n\n  7 \r\n12\n3\n", &[]).unwrap();
        assert_eq!(ids, vec![12, 7, 3]);
        assert_eq!((total, duplicates, skipped), (3, 1, 0));
    }

    #[test]
    fn json_lines_take_string_or_number_identifiers_and_ignore_other_keys() {
        let text = "{\"identifier\":\"5\",\"name\":\"db\"}\n{\"identifier\":6}\n# c\n";
        let (ids, ..) = spool_text(text, &[]).unwrap();
        assert_eq!(ids, vec![5, 6]);
    }

    #[test]
    fn journal_done_ids_are_counted_not_spooled() {
        let (ids, total, _, skipped) = spool_text("1\n2\n3\n", &[2]).unwrap();
        assert_eq!(ids, vec![1, 3]);
        assert_eq!((total, skipped), (3, 1));
    }

    #[test]
    fn malformed_lines_are_numbered_and_never_quoted() {
        let text = "10\nhunter2-secret\n11\n{\"identifier\":\"12\"}\n-4\n99999999999999999999\n";
        let (bad, more, message) = malformed(text);
        let lines: Vec<u64> = bad.iter().map(|m| m.line).collect();
        assert_eq!(lines, vec![2, 4, 5, 6]);
        assert_eq!(more, 0);
        assert!(
            message.starts_with("4 malformed lines in ids.txt"),
            "{message}"
        );
        assert!(
            message.contains("line 2: not a numeric identifier"),
            "{message}"
        );
        assert!(
            message.contains("line 4: a JSON line in a list of plain"),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn json_lines_without_a_usable_identifier_are_malformed() {
        let text =
            "{\"identifier\":\"1\"}\n{\"id\":2}\n{\"identifier\":\"x-secret\"}\n3\n{not json\n";
        let (bad, _, message) = malformed(text);
        let lines: Vec<u64> = bad.iter().map(|m| m.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
        assert!(!message.contains("x-secret"), "{message}");
    }

    #[test]
    fn a_json_array_is_pointed_to_jsonl() {
        let (bad, ..) = malformed("[\n  {\"identifier\":\"1\"}\n]\n");
        assert_eq!(bad[0].line, 1);
        assert!(bad[0].reason.contains("list --format jsonl"), "{bad:?}");
    }

    #[test]
    fn beyond_twenty_malformed_lines_the_rest_are_counted() {
        let text = "x\n".repeat(25);
        let (bad, more, message) = malformed(&text);
        assert_eq!(bad.len(), MAX_LISTED);
        assert_eq!(more, 5);
        assert!(message.ends_with("and 5 more"), "{message}");
    }

    #[test]
    fn an_overlong_line_is_malformed_and_the_next_line_still_counts() {
        let mut text = "1\n".to_owned();
        text.push_str(&"9".repeat(MAX_LINE + 10));
        text.push_str("\n2\nx\n");
        let (bad, ..) = malformed(&text);
        let expected = vec![
            Malformed {
                line: 2,
                reason: "line longer than 64 KiB",
            },
            Malformed {
                line: 4,
                reason: "not a numeric identifier",
            },
        ];
        assert_eq!(bad, expected);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_malformed() {
        let done = HashSet::new();
        let mut collector = Collector::new(tempfile::tempfile().unwrap(), &done);
        read_lines(&[b'1', b'\n', 0xff, b'\n'][..], "ids.txt", &mut collector).unwrap();
        assert_eq!(
            collector.malformed,
            vec![Malformed {
                line: 2,
                reason: "not UTF-8 text"
            }]
        );
    }
}
