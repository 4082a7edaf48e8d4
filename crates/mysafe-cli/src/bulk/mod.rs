//! Bulk enable/disable (`mysafe <noun> enable|disable`): many items, safely.
//!
//! A run goes through fixed steps, each in its own module:
//!
//! 1. `ids`: the input (arguments, `--ids-from FILE|-`, or a list filter) is
//!    validated as a whole before any call; every malformed line is reported by its
//!    number, never its content. Unique ids go to an anonymous spool file, so the
//!    run itself holds no list of ids.
//! 2. `journal`: `--journal FILE` is read (ids with a final outcome are skipped,
//!    a torn last line is cut away), then appended to as each item finishes.
//! 3. `run`: the driver, a small state machine (running, draining, done): at most
//!    `--concurrency` calls in flight; Ctrl-C or an error that would fail every item
//!    (login refused, redirect, no route) stops launching, the calls in flight finish
//!    and are recorded.
//! 4. `report`: one result line per item on stdout, the progress bar and the
//!    summary on stderr.
//!
//! ## What the journal guarantees
//!
//! - None skipped: an id is skipped by a re-run only when its final result
//!   (`changed`, `already`, `not_found`, `no_access`) is in the journal, and a line
//!   is written only after the item's answer arrived. Failed items are done again.
//! - Each change made once: after Ctrl-C, a stopping error or the normal end, every
//!   call that was launched has its line, so a re-run calls no id twice. After a
//!   kill or a crash, the calls that were in flight (at most `--concurrency`) have
//!   no line and are called again; MySafe already made the change, so that second
//!   call answers `already` (enable and disable are idempotent, the spec's
//!   `x-idempotent`): the server may see those ids twice, each item is changed once.
//! - Lines survive a kill or crash of the process (one `write(2)` each, no buffer
//!   in the process); the file is synced to the disk once, at the end of the run,
//!   not after each line.

mod ids;
mod journal;
mod report;
mod run;

use std::io::Write;
use std::path::PathBuf;

pub use ids::Malformed;

/// The kind of item a bulk command changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// `mysafe password ...`
    Password,
    /// `mysafe note ...`
    Note,
    /// `mysafe api-secret ...`
    ApiSecret,
}

impl Resource {
    /// Every kind, for finding one by its noun.
    const ALL: [Resource; 3] = [Self::Password, Self::Note, Self::ApiSecret];

    /// The kind whose noun this is (see [`Resource::noun`]).
    pub fn from_noun(noun: &str) -> Option<Resource> {
        Self::ALL.into_iter().find(|kind| kind.noun() == noun)
    }

    /// The noun of the command line, e.g. `"api-secret"`; journals record it.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Note => "note",
            Self::ApiSecret => "api-secret",
        }
    }

    /// The plural for the summary, e.g. `"API secrets"`.
    fn plural(self) -> &'static str {
        match self {
            Self::Password => "passwords",
            Self::Note => "notes",
            Self::ApiSecret => "API secrets",
        }
    }
}

/// What a bulk command does to each item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Activate.
    Enable,
    /// Deactivate.
    Disable,
}

impl Action {
    /// The verb's action, for `enable` and `disable` (see [`Action::verb`]).
    pub fn from_verb(verb: &str) -> Option<Action> {
        [Self::Enable, Self::Disable]
            .into_iter()
            .find(|action| action.verb() == verb)
    }

    /// The verb of the command line, e.g. `"disable"`; journals record it.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Enable => "enable",
            Self::Disable => "disable",
        }
    }

    /// The past tense for the summary.
    fn past(self) -> &'static str {
        match self {
            Self::Enable => "enabled",
            Self::Disable => "disabled",
        }
    }
}

/// How the per-item result lines are printed on stdout.
///
/// All three stream: a line is printed as its item finishes. `Json` prints one
/// array, opened before the first item and closed after the last (also after an
/// interruption), so the output is a valid JSON document once the run has ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultFormat {
    /// Aligned text columns with a header line.
    Table,
    /// One JSON array of result objects.
    Json,
    /// One JSON object a line: `{"identifier":"12","result":"changed"}`.
    Jsonl,
}

/// The flags of `mysafe <noun> enable|disable`.
///
/// The ids come from exactly one place: the arguments, `--ids-from`, or the list
/// filters (`--tag`, `--name`, which may be combined).
#[derive(clap::Args, Debug, Clone)]
pub struct BulkArgs {
    /// Identifiers of the items to change.
    #[arg(value_name = "ID", conflicts_with_all = ["ids_from", "tag", "name"])]
    pub ids: Vec<String>,

    /// Read the identifiers from FILE, or from stdin with `-`: one id a line (blank
    /// lines and `#` comments skipped), or the JSON lines `list --format jsonl`
    /// prints (objects with an `identifier`); the first line decides which form.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["tag", "name"])]
    pub ids_from: Option<PathBuf>,

    /// Change every item the list operation returns for this tag.
    #[arg(long)]
    pub tag: Option<String>,

    /// Change every item the list operation returns for this name (passwords and
    /// notes; the API-secret list has no name filter).
    #[arg(long)]
    pub name: Option<String>,

    /// How many calls may be in flight at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,

    /// List what would change; make no write call and write no journal.
    #[arg(long)]
    pub dry_run: bool,

    /// Record each finished item in FILE; a re-run with the same FILE skips the
    /// items already done (a run interrupted by Ctrl-C, a kill or a crash resumes).
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,

    /// No progress bar on stderr (there is none anyway when stderr is not a
    /// terminal).
    #[arg(long)]
    pub no_progress: bool,
}

/// `--concurrency` when not given.
pub const DEFAULT_CONCURRENCY: u16 = 8;

/// What the command line gives when only the ids are set (concurrency 8).
impl Default for BulkArgs {
    fn default() -> Self {
        Self {
            ids: Vec::new(),
            ids_from: None,
            tag: None,
            name: None,
            concurrency: DEFAULT_CONCURRENCY,
            dry_run: false,
            journal: None,
            no_progress: false,
        }
    }
}

impl BulkArgs {
    /// Whether the ids come from stdin (`--ids-from -`).
    pub fn reads_stdin(&self) -> bool {
        self.ids_from
            .as_deref()
            .is_some_and(crate::stdin::reads_stdin)
    }
}

/// What a run did, for the exit code: 130 when `interrupted`, else 3 when
/// [`BulkReport::failed`] is not zero, else 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BulkReport {
    /// Distinct ids in the input.
    pub total: u64,
    /// Ids given more than once; each is done once.
    pub duplicates: u64,
    /// Items switched to the requested state.
    pub changed: u64,
    /// Items that already were in it.
    pub already: u64,
    /// Items the journal records as done, not called again.
    pub skipped_by_journal: u64,
    /// Of [`BulkReport::failed`]: MySafe's 1005.
    pub not_found: u64,
    /// Of [`BulkReport::failed`]: MySafe's 1006 (another application's item, not shared for edit).
    pub no_access: u64,
    /// Of [`BulkReport::failed`]: any other error (gateway, timeout, transport, ...).
    pub errors: u64,
    /// Items never launched because the run stopped (Ctrl-C or a stopping error),
    /// and after a second Ctrl-C the calls abandoned in flight (they have no
    /// journal line, so a re-run does them).
    pub not_started: u64,
    /// With `--dry-run`: the items that would be called.
    pub would_change: u64,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Ctrl-C stopped the run (the calls in flight finished and are recorded).
    pub interrupted: bool,
}

impl BulkReport {
    /// Items that did not reach the requested state: `not_found + no_access + errors`.
    pub fn failed(&self) -> u64 {
        self.not_found + self.no_access + self.errors
    }
}

/// A problem that stops a bulk run before or during it.
///
/// No message quotes an input line, a journal line or a secret: they name the
/// file, the line number and what is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BulkError {
    /// Neither ids, `--ids-from` nor a filter.
    #[error(
        "no identifiers given: pass them as arguments, with --ids-from FILE (or - for stdin), or select them with --tag/--name"
    )]
    NoIds,
    /// A filter the resource's list operation does not have.
    #[error("the {noun} list has no --{filter} filter; use {available}")]
    UnsupportedFilter {
        /// The command's noun.
        noun: &'static str,
        /// The flag, without dashes.
        filter: &'static str,
        /// The filters it has.
        available: &'static str,
    },
    /// The ids file could not be read.
    #[error("cannot read identifiers from {source_name}: {error}")]
    InputUnreadable {
        /// The file, or "stdin".
        source_name: String,
        /// Why (an I/O error names no content).
        error: std::io::Error,
    },
    /// Some input lines (or arguments) are not identifiers; nothing was called.
    #[error("{}", ids::describe_malformed(source_name, unit, malformed, more))]
    MalformedInput {
        /// The file, "stdin" or "the arguments".
        source_name: String,
        /// What `Malformed::line` counts: "line" or "argument".
        unit: &'static str,
        /// The first malformed lines, with their numbers.
        malformed: Vec<Malformed>,
        /// How many more there are beyond those listed.
        more: u64,
    },
    /// The temporary spool file for the ids could not be written or read.
    #[error("cannot spool the identifiers to a temporary file: {0}")]
    Spool(std::io::Error),
    /// The journal could not be opened, read or written.
    #[error("journal {}: {error}", path.display())]
    JournalIo {
        /// The journal file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// Another `mysafe` run holds the journal (each run locks its journal for as
    /// long as it runs, so two runs never do the same items).
    #[error("journal {} is in use by another mysafe run; nothing was changed", path.display())]
    JournalInUse {
        /// The journal file.
        path: PathBuf,
    },
    /// A complete journal line that is not a journal entry (the file was edited or
    /// is not a journal).
    #[error("journal {}: line {line} is not a journal entry ({reason}); nothing was changed", path.display())]
    JournalCorrupt {
        /// The journal file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The journal belongs to another command.
    #[error(
        "journal {} was written by `{found}`, not `{expected}`; use another --journal file",
        path.display()
    )]
    JournalMismatch {
        /// The journal file.
        path: PathBuf,
        /// The command it records, e.g. "password disable".
        found: String,
        /// This command.
        expected: String,
    },
    /// Writing the result lines failed (e.g. stdout closed).
    #[error("cannot write the results: {0}")]
    Output(std::io::Error),
    /// The list call behind `--tag`/`--name` failed.
    #[error("listing the {noun} to change failed: {error}")]
    List {
        /// The plural noun.
        noun: &'static str,
        /// The client's error (redacted by the client).
        error: mysafe_client::Error,
    },
    /// The list named an item by an identifier that is not an integer.
    #[error("the list answered entry {position} with an identifier that is not an integer")]
    ListedIdentifier {
        /// 1-based position in the list.
        position: usize,
    },
    /// An error that would fail every item stopped the run (calls in flight were
    /// finished and recorded; the summary says how many were not started).
    #[error("stopped: {error}")]
    Stopped {
        /// The client's error (redacted by the client).
        error: mysafe_client::Error,
    },
}

impl BulkError {
    /// true for local/usage problems (bad id file, journal), exit 1; false for API or
    /// network problems, exit 2.
    pub fn is_local(&self) -> bool {
        !matches!(
            self,
            Self::List { .. } | Self::ListedIdentifier { .. } | Self::Stopped { .. }
        )
    }
}

/// Runs a bulk change: result lines on stdout (format as asked), progress bar and
/// summary on stderr. Errors that stop the run before or during it (bad input file
/// with its line numbers, unwritable journal, login failure) are [`BulkError`].
pub async fn run(
    client: &mysafe_client::Client,
    resource: Resource,
    action: Action,
    args: &BulkArgs,
    format: ResultFormat,
) -> Result<BulkReport, BulkError> {
    // `Stdout` (not its lock) so the future stays `Send`; it is line-buffered,
    // which is what streaming one line per item wants.
    let mut stdout = std::io::stdout();
    run_to(client, resource, action, args, format, &mut stdout).await
}

/// [`run`] with the result lines written to `out` instead of stdout (the summary
/// and progress bar still go to stderr); the benchmark passes a sink.
pub async fn run_to(
    client: &mysafe_client::Client,
    resource: Resource,
    action: Action,
    args: &BulkArgs,
    format: ResultFormat,
    out: &mut (dyn Write + Send),
) -> Result<BulkReport, BulkError> {
    run::execute(client, resource, action, args, format, out).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The journal's "each change made once" and the retries of a run rest on
    /// enable and disable being idempotent: the spec says so for every pair.
    #[test]
    fn every_bulk_operation_is_idempotent_in_the_spec() {
        for resource in Resource::ALL {
            for action in [Action::Enable, Action::Disable] {
                let id = format!("{}_{}", action.verb(), resource.noun().replace('-', "_"));
                let operation = mysafe_client::spec::operation(&id)
                    .unwrap_or_else(|| panic!("{id} is not in the spec"));
                assert!(operation.idempotent, "{id}");
            }
        }
    }

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        bulk: BulkArgs,
    }

    #[test]
    fn the_default_is_what_the_command_line_gives() {
        let parsed = Command::try_parse_from(["mysafe", "12"]).unwrap().bulk;
        let default = BulkArgs {
            ids: vec!["12".into()],
            ..BulkArgs::default()
        };
        assert_eq!(format!("{parsed:?}"), format!("{default:?}"));
        assert!(!parsed.reads_stdin());
        let stdin = Command::try_parse_from(["mysafe", "--ids-from", "-"]).unwrap();
        assert!(stdin.bulk.reads_stdin());
    }
}
