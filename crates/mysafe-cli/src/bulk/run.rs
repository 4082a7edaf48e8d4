//! The driver of a bulk run.
//!
//! A state machine over a bounded set of calls in flight ([`FuturesUnordered`],
//! one task: no list of ids, no channel, memory bounded by `--concurrency`):
//!
//! - **running**: keep `--concurrency` calls in flight, taking ids from the spool;
//!   record each answer (journal line, then result line) as it arrives;
//! - **draining**: after Ctrl-C or an error that would fail every item (login
//!   refused, a redirect, the gateway's "no route", a configuration error), launch
//!   nothing more and record the calls in flight as they finish (a second Ctrl-C
//!   stops waiting for them; they have no journal line and are done again by a
//!   re-run);
//! - **done**: no call in flight and nothing more to launch.

use futures::stream::{FuturesUnordered, StreamExt};
use mysafe_client::{Client, Error, GatewayKind, Outcome};

use super::ids::{self, Source, Spool};
use super::journal::{self, Lock, Writer};
use super::report::{self, ItemResult, Printer};
use super::{Action, BulkArgs, BulkError, BulkReport, Resource, ResultFormat};

/// A whole run: input, journal, calls, summary.
pub(crate) async fn execute(
    client: &Client,
    resource: Resource,
    action: Action,
    args: &BulkArgs,
    format: ResultFormat,
    out: &mut (dyn std::io::Write + Send),
) -> Result<BulkReport, BulkError> {
    let source = source(client, resource, args).await?;
    let journal_path = args.journal.clone();
    // Reading files (or stdin) blocks: it runs off the runtime's threads.
    let is_dry_run = args.dry_run;
    let (lock, previous, spooled) = tokio::task::spawn_blocking(move || {
        // Locked before it is read, so no other run can add to it in between.
        let lock = match &journal_path {
            Some(path) if !is_dry_run => Some(Lock::acquire(path)?),
            _ => None,
        };
        let previous = match &journal_path {
            Some(path) => journal::read(path, resource, action)?,
            None => journal::Previous::default(),
        };
        let spooled = ids::spool(source, &previous.done)?;
        Ok::<_, BulkError>((lock, previous.forget_done(), spooled))
    })
    .await
    .unwrap_or_else(|join| std::panic::resume_unwind(join.into_panic()))?;

    let mut report = BulkReport {
        total: spooled.total,
        duplicates: spooled.duplicates,
        skipped_by_journal: spooled.skipped_by_journal,
        dry_run: args.dry_run,
        ..BulkReport::default()
    };
    let mut spool = spooled.spool;
    let show_progress = !args.no_progress && !args.dry_run;
    let mut printer = Printer::new(out, format, spool.remaining(), show_progress);
    let stop = if args.dry_run {
        dry_run(&mut spool, &mut printer, &mut report)
            .err()
            .map(Stop::Fatal)
    } else {
        let journal = match lock {
            Some(lock) => Some(Writer::open(lock, &previous, resource, action)?),
            None => None,
        };
        let mut recorder = Recorder {
            printer,
            journal,
            report: &mut report,
            output_failed: false,
        };
        let concurrency = usize::from(args.concurrency.max(1));
        let stop = drive(
            client,
            resource,
            action,
            &mut spool,
            concurrency,
            &mut recorder,
        )
        .await;
        let stop = recorder.finish(stop);
        printer = recorder.printer;
        stop
    };
    let ended = printer.end().map_err(BulkError::Output);
    report.not_started += spool.remaining();
    eprintln!("{}", report::summary(&report, resource, action));
    match stop {
        Some(Stop::Fatal(error)) => Err(error),
        Some(Stop::Interrupted) | None => ended.map(|()| report),
    }
}

/// Where the ids come from, listing them first for `--tag`/`--name`.
async fn source(client: &Client, resource: Resource, args: &BulkArgs) -> Result<Source, BulkError> {
    if !args.ids.is_empty() {
        return Ok(Source::Arguments(args.ids.clone()));
    }
    if let Some(path) = &args.ids_from {
        return Ok(if args.reads_stdin() {
            Source::Stdin
        } else {
            Source::File(path.clone())
        });
    }
    if args.tag.is_none() && args.name.is_none() {
        return Err(BulkError::NoIds);
    }
    let listed = list(client, resource, args.tag.as_deref(), args.name.as_deref()).await?;
    let ids = listed
        .iter()
        .enumerate()
        .map(|(index, id)| {
            id.to_i64().map_err(|_| BulkError::ListedIdentifier {
                position: index + 1,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Source::Listed(ids))
}

/// The identifiers the resource's list operation returns for the filters. Which
/// list has which filter is the generated builders' (from the spec): a filter
/// that is not there does not compile.
async fn list(
    client: &Client,
    resource: Resource,
    tag: Option<&str>,
    name: Option<&str>,
) -> Result<Vec<mysafe_client::Identifier>, BulkError> {
    let failed = |error| BulkError::List {
        noun: resource.plural(),
        error,
    };
    Ok(match resource {
        Resource::Password => {
            let mut call = client.list_passwords();
            if let Some(tag) = tag {
                call = call.tag(tag);
            }
            if let Some(name) = name {
                call = call.name(name);
            }
            let answer = call.send().await.map_err(failed)?.into_inner();
            answer
                .password_on_list
                .into_iter()
                .map(|e| e.identifier)
                .collect()
        }
        Resource::Note => {
            let mut call = client.list_notes();
            if let Some(tag) = tag {
                call = call.tag(tag);
            }
            if let Some(name) = name {
                call = call.name(name);
            }
            let answer = call.send().await.map_err(failed)?.into_inner();
            answer
                .note_on_list
                .into_iter()
                .map(|e| e.identifier)
                .collect()
        }
        Resource::ApiSecret => {
            if name.is_some() {
                return Err(BulkError::UnsupportedFilter {
                    noun: resource.noun(),
                    filter: "name",
                    available: "--tag",
                });
            }
            let mut call = client.list_api_secrets();
            if let Some(tag) = tag {
                call = call.tag(tag);
            }
            let answer = call.send().await.map_err(failed)?.into_inner();
            answer
                .api_secret_on_list
                .into_iter()
                .map(|e| e.identifier)
                .collect()
        }
    })
}

/// Why launching stopped early.
enum Stop {
    /// Ctrl-C.
    Interrupted,
    /// An error that would fail every item, or a local failure (journal, output).
    Fatal(BulkError),
}

/// `--dry-run`: every id to call is listed as `would_change`; no call, no journal.
fn dry_run(
    spool: &mut Spool,
    printer: &mut Printer<'_>,
    report: &mut BulkReport,
) -> Result<(), BulkError> {
    printer.begin().map_err(BulkError::Output)?;
    while let Some(id) = spool.next_id().map_err(BulkError::Spool)? {
        let result = ItemResult::WouldChange;
        result.count(report);
        printer
            .item(id, &result, &report::json_line(id, &result))
            .map_err(BulkError::Output)?;
    }
    Ok(())
}

/// The running and draining states; returns why it stopped early, if it did.
async fn drive(
    client: &Client,
    resource: Resource,
    action: Action,
    spool: &mut Spool,
    concurrency: usize,
    recorder: &mut Recorder<'_, '_>,
) -> Option<Stop> {
    if let Err(error) = recorder.printer.begin() {
        return Some(Stop::Fatal(BulkError::Output(error)));
    }
    let mut interrupt = Interrupt::new();
    let mut in_flight = FuturesUnordered::new();
    let mut stop = None;
    loop {
        while stop.is_none() && in_flight.len() < concurrency {
            match spool.next_id() {
                Ok(Some(id)) => in_flight.push(apply(client, resource, action, id)),
                Ok(None) => break,
                Err(error) => stop = Some(Stop::Fatal(BulkError::Spool(error))),
            }
        }
        if in_flight.is_empty() {
            return stop;
        }
        tokio::select! {
            Some((id, answer)) = in_flight.next() => {
                let (result, stopping) = classify(answer);
                if let Err(error) = recorder.record(id, &result) {
                    stop.get_or_insert(Stop::Fatal(error));
                }
                if let Some(error) = stopping {
                    stop.get_or_insert(Stop::Fatal(BulkError::Stopped { error }));
                }
            }
            () = interrupt.recv() => {
                if stop.is_some() {
                    // A second Ctrl-C: stop waiting. The calls in flight have no
                    // journal line, so a re-run does them again.
                    recorder.report.not_started += in_flight.len() as u64;
                    recorder.report.interrupted = true;
                    return stop;
                }
                recorder.report.interrupted = true;
                stop = Some(Stop::Interrupted);
            }
        }
    }
}

/// One item's call.
async fn apply(
    client: &Client,
    resource: Resource,
    action: Action,
    id: i64,
) -> (i64, Result<Outcome, Error>) {
    use {Action::*, Resource::*};
    let answer = match (resource, action) {
        (Password, Disable) => client.disable_password().identifier(id).send().await,
        (Password, Enable) => client.enable_password().identifier(id).send().await,
        (Note, Disable) => client.disable_note().identifier(id).send().await,
        (Note, Enable) => client.enable_note().identifier(id).send().await,
        (ApiSecret, Disable) => client.disable_api_secret().identifier(id).send().await,
        (ApiSecret, Enable) => client.enable_api_secret().identifier(id).send().await,
    };
    (id, answer.map(|answer| answer.outcome()))
}

/// The item's result, and the error again when it would fail every other item too.
fn classify(answer: Result<Outcome, Error>) -> (ItemResult, Option<Error>) {
    let error = match answer {
        Ok(Outcome::Changed) => return (ItemResult::Changed, None),
        Ok(Outcome::AlreadySo) => return (ItemResult::Already, None),
        Err(error) if error.is_not_found() => return (ItemResult::NotFound, None),
        Err(error) if error.is_access_denied() => return (ItemResult::NoAccess, None),
        Err(error) => error,
    };
    let result = ItemResult::Failed {
        class: error_class(&error),
        message: error.to_string(),
    };
    (result, stops_the_run(&error).then_some(error))
}

/// Errors that say the connection itself is wrong, not the item.
fn stops_the_run(error: &Error) -> bool {
    matches!(
        error,
        Error::Auth { .. }
            | Error::Redirected { .. }
            | Error::Config(_)
            | Error::Gateway {
                kind: GatewayKind::NoRoute,
                ..
            }
    )
}

/// The `class` of a failed item: a stable name per kind of error.
fn error_class(error: &Error) -> &'static str {
    match error {
        Error::Api { code, .. } => api_class(code.code()),
        Error::Gateway {
            kind: GatewayKind::NoRoute,
            ..
        } => "no_route",
        Error::Gateway { .. } => "gateway",
        Error::RateLimited { .. } => "rate_limited",
        Error::Auth { .. } => "auth",
        Error::Timeout { .. } => "timeout",
        Error::Transport { .. } => "transport",
        Error::Undecodable { .. } => "undecodable",
        Error::Redirected { .. } => "redirected",
        Error::TooLarge { .. } => "too_large",
        Error::Status { .. } => "http_status",
        Error::InvalidRequest(_) => "invalid_request",
        Error::Config(_) => "config",
        _ => "other",
    }
}

/// `api_1009` for MySafe's codes (1005 and 1006 have their own results).
fn api_class(code: i64) -> &'static str {
    match code {
        1001 => "api_1001",
        1009 => "api_1009",
        1010 => "api_1010",
        _ => "api_other",
    }
}

/// Records each finished item: journal line first (it is what a re-run trusts),
/// then the result line, then the counters.
struct Recorder<'o, 'r> {
    printer: Printer<'o>,
    journal: Option<Writer>,
    report: &'r mut BulkReport,
    /// After stdout failed (e.g. a closed pipe), results still go to the journal.
    output_failed: bool,
}

impl Recorder<'_, '_> {
    fn record(&mut self, id: i64, result: &ItemResult) -> Result<(), BulkError> {
        result.count(self.report);
        let line = report::json_line(id, result);
        if let Some(journal) = &mut self.journal
            && let Err(error) = journal.record(&line)
        {
            // Later items get no line: a re-run does them again.
            self.journal = None;
            return Err(error);
        }
        if self.output_failed {
            return Ok(());
        }
        self.printer.item(id, result, &line).map_err(|error| {
            self.output_failed = true;
            BulkError::Output(error)
        })
    }

    /// Syncs the journal; a failure there is the run's error unless it had one.
    fn finish(&mut self, stop: Option<Stop>) -> Option<Stop> {
        let synced = self.journal.take().map_or(Ok(()), Writer::finish);
        match (stop, synced) {
            (None, Err(error)) => Some(Stop::Fatal(error)),
            (stop, _) => stop,
        }
    }
}

/// Ctrl-C, registered when the driver starts (not at the first poll, so a signal
/// that comes before the first answer is not lost).
struct Interrupt {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Interrupt {
    fn new() -> Self {
        Self {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok(),
        }
    }

    /// Completes at the next Ctrl-C; never, when no handler could be installed.
    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let received = match &mut self.signal {
                Some(signal) => signal.recv().await.is_some(),
                None => false,
            };
            if !received {
                std::future::pending::<()>().await;
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
