//! What a run prints: one result line per item on stdout, the progress bar and the
//! summary on stderr.

use std::io::{self, IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Action, BulkReport, Resource, ResultFormat};

/// The result of one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ItemResult {
    /// Switched to the requested state.
    Changed,
    /// Already was in it.
    Already,
    /// MySafe's 1005.
    NotFound,
    /// MySafe's 1006.
    NoAccess,
    /// Any other failure: its class (e.g. `gateway`, `timeout`, `api_1009`) and the
    /// client's message (which the client has redacted).
    Failed {
        class: &'static str,
        message: String,
    },
    /// `--dry-run`: would be called.
    WouldChange,
}

impl ItemResult {
    /// The `result` field.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Changed => "changed",
            Self::Already => "already",
            Self::NotFound => "not_found",
            Self::NoAccess => "no_access",
            Self::Failed { .. } => "error",
            Self::WouldChange => "would_change",
        }
    }

    /// Counts it in `report`.
    pub fn count(&self, report: &mut BulkReport) {
        let counter = match self {
            Self::Changed => &mut report.changed,
            Self::Already => &mut report.already,
            Self::NotFound => &mut report.not_found,
            Self::NoAccess => &mut report.no_access,
            Self::Failed { .. } => &mut report.errors,
            Self::WouldChange => &mut report.would_change,
        };
        *counter += 1;
    }
}

/// One result as a JSON object, the line of the JSONL output and of the journal.
#[derive(serde::Serialize)]
struct Line<'a> {
    identifier: String,
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

/// `{"identifier":"12","result":"changed"}` with its newline.
pub(crate) fn json_line(id: i64, result: &ItemResult) -> String {
    let (class, message) = match result {
        ItemResult::Failed { class, message } => (Some(*class), Some(message.as_str())),
        _ => (None, None),
    };
    let line = Line {
        identifier: id.to_string(),
        result: result.name(),
        class,
        message,
    };
    let mut text = serde_json::to_string(&line).expect("a result line serializes");
    text.push('\n');
    text
}

/// Width of the identifier column of the table; longer ids push the row right.
const ID_WIDTH: usize = 12;
/// Width of the result column (`would_change`).
const RESULT_WIDTH: usize = 12;

/// Writes the result lines in the chosen format, around the progress bar.
pub(crate) struct Printer<'o> {
    out: &'o mut (dyn Write + Send),
    format: ResultFormat,
    printed: u64,
    progress: Option<ProgressBar>,
}

impl<'o> Printer<'o> {
    /// A printer; the progress bar (of `to_call` items) only when stderr is a
    /// terminal and `show_progress`.
    pub fn new(
        out: &'o mut (dyn Write + Send),
        format: ResultFormat,
        to_call: u64,
        show_progress: bool,
    ) -> Self {
        let progress = (show_progress && io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(to_call), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} eta {eta}")
            {
                bar.set_style(style);
            }
            bar
        });
        Self {
            out,
            format,
            printed: 0,
            progress,
        }
    }

    /// What comes before the first item: the table's header, the array's `[`.
    pub fn begin(&mut self) -> io::Result<()> {
        let text = match self.format {
            ResultFormat::Table => format!(
                "{:<ID_WIDTH$} {:<RESULT_WIDTH$} DETAIL\n",
                "IDENTIFIER", "RESULT"
            ),
            ResultFormat::Json => "[".to_owned(),
            ResultFormat::Jsonl => return Ok(()),
        };
        self.write(&text)
    }

    /// One item's line; `json` is its [`json_line`].
    pub fn item(&mut self, id: i64, result: &ItemResult, json: &str) -> io::Result<()> {
        self.printed += 1;
        if let Some(bar) = &self.progress {
            bar.inc(1);
        }
        let text = match self.format {
            // The journal's line as it is: no copy.
            ResultFormat::Jsonl => return self.write(json),
            ResultFormat::Json => {
                let separator = if self.printed == 1 { "\n  " } else { ",\n  " };
                format!("{separator}{}", json.trim_end())
            }
            ResultFormat::Table => {
                let detail = match result {
                    ItemResult::Failed { class, message } => format!("{class}: {message}"),
                    _ => String::new(),
                };
                let row = format!("{id:<ID_WIDTH$} {:<RESULT_WIDTH$} {detail}", result.name());
                format!("{}\n", row.trim_end())
            }
        };
        self.write(&text)
    }

    /// What comes after the last item (the array's `]`), and the bar is cleared.
    pub fn end(&mut self) -> io::Result<()> {
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
        match self.format {
            ResultFormat::Json if self.printed == 0 => self.write("]\n"),
            ResultFormat::Json => self.write("\n]\n"),
            _ => self.out.flush(),
        }
    }

    fn write(&mut self, text: &str) -> io::Result<()> {
        match &self.progress {
            // Lines to a terminal would cross the bar: it steps aside for them.
            Some(bar) if io::stdout().is_terminal() => {
                bar.suspend(|| self.out.write_all(text.as_bytes()))
            }
            _ => self.out.write_all(text.as_bytes()),
        }
    }
}

/// The summary line for stderr, e.g. "disabled 9,998 of 10,000 passwords: 9,990
/// changed, 8 already, 2 failed, 0 skipped (journal)".
pub(crate) fn summary(report: &BulkReport, resource: Resource, action: Action) -> String {
    let noun = resource.plural();
    let total = thousands(report.total);
    if report.dry_run {
        return format!(
            "dry run: would {} {} of {total} {noun}, {} skipped (journal){}; nothing was changed",
            action.verb(),
            thousands(report.would_change),
            thousands(report.skipped_by_journal),
            duplicates(report),
        );
    }
    let reached = report.changed + report.already + report.skipped_by_journal;
    let mut text = format!(
        "{} {} of {total} {noun}: {} changed, {} already, {} failed",
        action.past(),
        thousands(reached),
        thousands(report.changed),
        thousands(report.already),
        thousands(report.failed()),
    );
    if report.failed() > 0 {
        text.push_str(&format!(
            " ({} not_found, {} no_access, {} error)",
            thousands(report.not_found),
            thousands(report.no_access),
            thousands(report.errors)
        ));
    }
    text.push_str(&format!(
        ", {} skipped (journal)",
        thousands(report.skipped_by_journal)
    ));
    text.push_str(&duplicates(report));
    if report.not_started > 0 {
        text.push_str(&format!(", {} not started", thousands(report.not_started)));
    }
    if report.interrupted {
        text = format!("interrupted: {text}");
    }
    text
}

fn duplicates(report: &BulkReport) -> String {
    match report.duplicates {
        0 => String::new(),
        n => format!(", {} duplicate ids done once", thousands(n)),
    }
}

/// `9998` as `9,998`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        let shown: Vec<String> = [0, 7, 999, 1000, 9998, 100_000, 1_234_567]
            .into_iter()
            .map(thousands)
            .collect();
        assert_eq!(
            shown,
            ["0", "7", "999", "1,000", "9,998", "100,000", "1,234,567"]
        );
    }

    #[test]
    fn the_summary_of_the_issue() {
        let report = BulkReport {
            total: 10_000,
            changed: 9_990,
            already: 8,
            errors: 2,
            ..BulkReport::default()
        };
        assert_eq!(
            summary(&report, Resource::Password, Action::Disable),
            "disabled 9,998 of 10,000 passwords: 9,990 changed, 8 already, 2 failed \
             (0 not_found, 0 no_access, 2 error), 0 skipped (journal)"
        );
    }

    #[test]
    fn json_lines_carry_the_class_and_message_of_errors_only() {
        assert_eq!(
            json_line(12, &ItemResult::Changed),
            "{\"identifier\":\"12\",\"result\":\"changed\"}\n"
        );
        let failed = ItemResult::Failed {
            class: "gateway",
            message: "bad".into(),
        };
        assert_eq!(
            json_line(13, &failed),
            "{\"identifier\":\"13\",\"result\":\"error\",\"class\":\"gateway\",\"message\":\"bad\"}\n"
        );
    }

    fn printed(format: ResultFormat, items: &[(i64, ItemResult)]) -> String {
        let mut out = Vec::new();
        let mut printer = Printer::new(&mut out, format, items.len() as u64, false);
        printer.begin().unwrap();
        for (id, result) in items {
            printer.item(*id, result, &json_line(*id, result)).unwrap();
        }
        printer.end().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_output_is_one_array_also_when_empty() {
        let items = [(1, ItemResult::Changed), (2, ItemResult::Already)];
        let text = printed(ResultFormat::Json, &items);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value[1]["result"], "already");
        assert_eq!(value.as_array().unwrap().len(), 2);
        assert_eq!(printed(ResultFormat::Json, &[]), "[]\n");
    }

    #[test]
    fn table_rows_are_aligned() {
        let items = [
            (1, ItemResult::Changed),
            (
                22,
                ItemResult::Failed {
                    class: "timeout",
                    message: "timed out".into(),
                },
            ),
        ];
        assert_eq!(
            printed(ResultFormat::Table, &items),
            "IDENTIFIER   RESULT       DETAIL\n\
             1            changed\n\
             22           error        timeout: timed out\n"
        );
    }
}
