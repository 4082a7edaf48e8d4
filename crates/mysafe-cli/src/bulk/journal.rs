//! `--journal FILE`: which items a run finished, so that a re-run skips them.
//!
//! ## Format
//!
//! JSON lines. The first is a header naming the command, so that a journal of
//! `password disable` is refused by `note enable` (or by `password enable`):
//!
//! ```text
//! {"mysafe_bulk_journal":1,"resource":"password","action":"disable"}
//! {"identifier":"12","result":"changed"}
//! {"identifier":"13","result":"error","class":"gateway","message":"..."}
//! ```
//!
//! then one line per finished item, the same line the JSONL output prints.
//!
//! ## What a re-run does
//!
//! An id whose line has a final result (`changed`, `already`, `not_found`,
//! `no_access`) is skipped. An id whose only lines are `error` is done again, as
//! is every id without a line. A last line without its newline is what a process
//! killed in the middle of a write leaves: it is cut away (the item is done again),
//! not an error, when it starts like a journal line (`{`); otherwise the file is
//! not a journal (an ids file given by mistake) and is refused, untouched. Any other line that is not an entry is an error naming its number.
//!
//! ## Guarantees
//!
//! - **None skipped**: an id is only skipped when its final line is in the file,
//!   and a line is written only after the item's answer arrived.
//! - **Each change made once**: an item whose call was in flight when the process
//!   was killed has no line and is called again; MySafe already made the change,
//!   so the second call answers `already` (enable and disable are idempotent, the
//!   spec's `x-idempotent`). The server may thus see up to `--concurrency` ids
//!   twice after a kill, but each item is *changed* exactly once. Ctrl-C, an
//!   error that stops the run, and the normal end let the calls in flight finish
//!   and record them, so then no id is called twice.
//!
//! ## Durability
//!
//! Each line goes to the file with one `write(2)` as its item finishes (no buffer
//! in the process), so a killed or crashed process loses nothing it recorded: the
//! kernel has the bytes. The file is `fdatasync`ed once, at the end of the run, so
//! that a finished run's journal is on the disk when the command returns; not
//! after each line: a sync per line would bound the run by the disk's flush
//! latency (`BENCHMARKS.md` has the measured cost), and what it would add,
//! surviving a power loss or kernel crash mid-run, is only that fewer idempotent
//! calls are done again.
//!
//! ## One run at a time
//!
//! A run that writes a journal holds an exclusive lock on it (`flock(2)` through
//! `File::try_lock`) from before it reads the journal until it ends, so a second run
//! with the same journal is refused at once instead of doing the items the first is
//! doing (`a_journal_in_use_is_refused_until_its_run_ends`). The lock goes with the
//! process: a killed run leaves none behind. A dry run writes nothing and takes no lock.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use super::{Action, BulkError, Resource};

/// The format version in the header.
const VERSION: u64 = 1;

/// The longest line a journal holds: an entry is an id, a result and an error
/// message the client already cut short, far below this.
const MAX_LINE_BYTES: u64 = 64 * 1024;

/// The results after which an item is not done again.
const FINAL_RESULTS: [&str; 4] = ["changed", "already", "not_found", "no_access"];

#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    mysafe_bulk_journal: u64,
    resource: String,
    action: String,
}

#[derive(serde::Deserialize)]
struct Entry {
    identifier: String,
    result: String,
}

/// What an existing journal says.
#[derive(Debug, Default)]
pub(crate) struct Previous {
    /// Ids with a final result.
    pub done: HashSet<i64>,
    /// Whether the file has its header (else the writer writes one).
    has_header: bool,
    /// Where a torn last line starts, to cut it away before appending.
    torn_at: Option<u64>,
}

impl Previous {
    /// The same without the set of done ids, which is only needed while the input
    /// is spooled: the run keeps no set that grows with the ids.
    pub fn forget_done(self) -> Self {
        Self {
            done: HashSet::new(),
            ..self
        }
    }
}

/// Reads the journal at `path`, if there is one, for `resource` and `action`.
pub(crate) fn read(path: &Path, resource: Resource, action: Action) -> Result<Previous, BulkError> {
    let io_error = |error| BulkError::JournalIo {
        path: path.to_owned(),
        error,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Previous::default()),
        Err(error) => return Err(io_error(error)),
    };
    let corrupt = |line, reason| BulkError::JournalCorrupt {
        path: path.to_owned(),
        line,
        reason,
    };
    let mut reader = BufReader::new(file);
    let mut previous = Previous::default();
    let mut buffer = Vec::new();
    let (mut offset, mut number) = (0u64, 0u64);
    loop {
        buffer.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut buffer)
            .map_err(io_error)?;
        if read == 0 {
            return Ok(previous);
        }
        number += 1;
        if buffer.last() != Some(&b'\n') {
            if read as u64 > MAX_LINE_BYTES {
                return Err(corrupt(number, "longer than any journal line"));
            }
            // Only the start of a journal line is a torn one: the journal writes
            // JSON objects. Anything else means the file is not a journal (an ids
            // file given as the journal by mistake), which must not be cut.
            if buffer.first() != Some(&b'{') {
                return Err(corrupt(number, "not a journal entry"));
            }
            previous.torn_at = Some(offset);
            return Ok(previous);
        }
        offset += read as u64;
        let text = std::str::from_utf8(&buffer).map_err(|_| corrupt(number, "not UTF-8 text"))?;
        if number == 1 {
            check_header(path, text, resource, action)
                .map_err(|e| e.unwrap_or_else(|| corrupt(1, "not a journal header")))?;
            previous.has_header = true;
            continue;
        }
        let entry: Entry =
            serde_json::from_str(text).map_err(|_| corrupt(number, "not a JSON entry"))?;
        let id: i64 = entry
            .identifier
            .parse()
            .map_err(|_| corrupt(number, "its identifier is not an integer"))?;
        if FINAL_RESULTS.contains(&entry.result.as_str()) {
            previous.done.insert(id);
        } else if entry.result != "error" {
            return Err(corrupt(number, "unknown result"));
        }
    }
}

/// `Err(None)` when the line is no header at all, `Err(Some)` when it is another
/// command's or another version's.
fn check_header(
    path: &Path,
    text: &str,
    resource: Resource,
    action: Action,
) -> Result<(), Option<BulkError>> {
    let header: Header = serde_json::from_str(text).map_err(|_| None)?;
    let expected = format!("{} {}", resource.noun(), action.verb());
    if header.mysafe_bulk_journal != VERSION {
        return Err(Some(BulkError::JournalMismatch {
            path: path.to_owned(),
            found: format!("journal format {}", header.mysafe_bulk_journal),
            expected: format!("journal format {VERSION}"),
        }));
    }
    if header.resource != resource.noun() || header.action != action.verb() {
        return Err(Some(BulkError::JournalMismatch {
            path: path.to_owned(),
            // Only a noun and a verb that this version knows are quoted back.
            found: known_command(&header).unwrap_or_else(|| "another command".to_owned()),
            expected,
        }));
    }
    Ok(())
}

fn known_command(header: &Header) -> Option<String> {
    let nouns = ["password", "note", "api-secret"];
    let verbs = ["enable", "disable"];
    (nouns.contains(&header.resource.as_str()) && verbs.contains(&header.action.as_str()))
        .then(|| format!("{} {}", header.resource, header.action))
}

/// The journal, opened for appending (created if missing) and locked against other
/// runs; held from before the journal is read until the run ends.
#[derive(Debug)]
pub(crate) struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    /// Opens and locks the journal at `path`, or says that another run holds it.
    pub fn acquire(path: &Path) -> Result<Self, BulkError> {
        let io_error = |error| BulkError::JournalIo {
            path: path.to_owned(),
            error,
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io_error)?;
        match file.try_lock() {
            Ok(()) => Ok(Self {
                file,
                path: path.to_owned(),
            }),
            Err(std::fs::TryLockError::WouldBlock) => Err(BulkError::JournalInUse {
                path: path.to_owned(),
            }),
            Err(std::fs::TryLockError::Error(error)) => Err(io_error(error)),
        }
    }
}

/// The journal being appended to during a run.
#[derive(Debug)]
pub(crate) struct Writer {
    file: File,
    path: PathBuf,
}

impl Writer {
    /// Opens (or creates) the journal for appending: cuts a torn last line away and
    /// writes the header a new journal needs.
    pub fn open(
        lock: Lock,
        previous: &Previous,
        resource: Resource,
        action: Action,
    ) -> Result<Self, BulkError> {
        let Lock { file, path } = lock;
        if let Some(end) = previous.torn_at
            && let Err(error) = file.set_len(end)
        {
            return Err(BulkError::JournalIo { path, error });
        }
        let mut writer = Self { file, path };
        if !previous.has_header {
            let header = Header {
                mysafe_bulk_journal: VERSION,
                resource: resource.noun().to_owned(),
                action: action.verb().to_owned(),
            };
            let mut line = serde_json::to_string(&header).expect("a header serializes");
            line.push('\n');
            // Not synced: a lost header loses no finished item's line.
            writer.record(&line)?;
        }
        Ok(writer)
    }

    /// Appends one line (ending in a newline) with a single write.
    pub fn record(&mut self, line: &str) -> Result<(), BulkError> {
        self.file
            .write_all(line.as_bytes())
            .map_err(|error| self.error(error))
    }

    /// Flushes the journal to the disk at the end of a run.
    pub fn finish(self) -> Result<(), BulkError> {
        self.file.sync_data().map_err(|error| self.error(error))
    }

    fn error(&self, error: io::Error) -> BulkError {
        BulkError::JournalIo {
            path: self.path.clone(),
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "{\"mysafe_bulk_journal\":1,\"resource\":\"password\",\"action\":\"disable\"}\n";

    fn journal(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn done(previous: &Previous) -> Vec<i64> {
        let mut ids: Vec<i64> = previous.done.iter().copied().collect();
        ids.sort();
        ids
    }

    #[test]
    fn final_results_are_done_and_errors_are_redone() {
        let text = format!(
            "{HEADER}{{\"identifier\":\"1\",\"result\":\"changed\"}}\n\
             {{\"identifier\":\"2\",\"result\":\"error\",\"class\":\"gateway\",\"message\":\"m\"}}\n\
             {{\"identifier\":\"3\",\"result\":\"already\"}}\n\
             {{\"identifier\":\"4\",\"result\":\"not_found\"}}\n\
             {{\"identifier\":\"5\",\"result\":\"no_access\"}}\n\
             {{\"identifier\":\"6\",\"result\":\"error\",\"class\":\"timeout\",\"message\":\"m\"}}\n\
             {{\"identifier\":\"6\",\"result\":\"changed\"}}\n"
        );
        let (_dir, path) = journal(&text);
        let previous = read(&path, Resource::Password, Action::Disable).unwrap();
        assert_eq!(done(&previous), vec![1, 3, 4, 5, 6]);
        assert!(previous.has_header);
        assert_eq!(previous.torn_at, None);
    }

    #[test]
    fn a_torn_last_line_is_cut_away_before_appending() {
        let text = format!(
            "{HEADER}{{\"identifier\":\"1\",\"result\":\"changed\"}}\n{{\"identifier\":\"2\",\"res"
        );
        let (_dir, path) = journal(&text);
        let previous = read(&path, Resource::Password, Action::Disable).unwrap();
        assert_eq!(done(&previous), vec![1]);
        let mut writer = Writer::open(
            Lock::acquire(&path).unwrap(),
            &previous,
            Resource::Password,
            Action::Disable,
        )
        .unwrap();
        writer
            .record("{\"identifier\":\"2\",\"result\":\"changed\"}\n")
            .unwrap();
        writer.finish().unwrap();
        let again = read(&path, Resource::Password, Action::Disable).unwrap();
        assert_eq!(done(&again), vec![1, 2]);
        assert_eq!(again.torn_at, None);
    }

    #[test]
    fn a_torn_header_starts_a_new_journal() {
        let (_dir, path) = journal("{\"mysafe_bulk_jou");
        let previous = read(&path, Resource::Note, Action::Enable).unwrap();
        assert!(!previous.has_header);
        Writer::open(
            Lock::acquire(&path).unwrap(),
            &previous,
            Resource::Note,
            Action::Enable,
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "{\"mysafe_bulk_journal\":1,\"resource\":\"note\",\"action\":\"enable\"}\n"
        );
    }

    #[test]
    fn another_commands_journal_is_refused() {
        let (_dir, path) = journal(HEADER);
        let error = read(&path, Resource::Note, Action::Enable).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "journal {} was written by `password disable`, not `note enable`; use another --journal file",
                path.display()
            )
        );
        assert!(error.is_local());
    }

    #[test]
    fn a_bad_complete_line_is_an_error_with_its_number_not_its_content() {
        let (_dir, path) = journal(&format!(
            "{HEADER}{{\"identifier\":\"1\",\"result\":\"changed\"}}\nmy-secret-pw\n"
        ));
        let error = read(&path, Resource::Password, Action::Disable).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("line 3 is not a journal entry"),
            "{message}"
        );
        assert!(!message.contains("my-secret-pw"), "{message}");
        let (_dir, path) = journal("12\n13\n");
        let message = read(&path, Resource::Password, Action::Disable)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("line 1 is not a journal entry (not a journal header)"),
            "{message}"
        );
    }

    #[test]
    fn a_journal_in_use_is_refused_until_its_run_ends() {
        let (_dir, path) = journal(HEADER);
        let held = Lock::acquire(&path).unwrap();
        let refused = Lock::acquire(&path).unwrap_err();
        assert!(
            matches!(refused, BulkError::JournalInUse { .. }),
            "{refused:?}"
        );
        assert!(refused.is_local());
        assert!(refused.to_string().contains("in use by another mysafe run"));
        drop(held);
        Lock::acquire(&path).expect("free again once the first run ended");
    }

    #[test]
    fn a_file_that_is_not_a_journal_is_refused_and_left_as_it_is() {
        // An ids file given as the journal: one id and no final newline.
        let (_dir, path) = journal("312");
        let error = read(&path, Resource::Password, Action::Disable).unwrap_err();
        assert!(
            matches!(error, BulkError::JournalCorrupt { line: 1, .. }),
            "{error:?}"
        );
        assert!(!error.to_string().contains("312"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "312");
        let (_dir, path) = journal(&format!("{HEADER}{}", "{".repeat(70_000)));
        let error = read(&path, Resource::Password, Action::Disable).unwrap_err();
        assert!(
            matches!(error, BulkError::JournalCorrupt { line: 2, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn no_file_is_an_empty_journal() {
        let dir = tempfile::tempdir().unwrap();
        let previous = read(
            &dir.path().join("none"),
            Resource::Password,
            Action::Disable,
        )
        .unwrap();
        assert!(previous.done.is_empty() && !previous.has_header);
    }
}
