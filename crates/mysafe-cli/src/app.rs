//! The `mysafe` command: nouns and verbs over the generated per-operation commands.
//!
//! Each operation of the spec that needs a bearer token is a generated command
//! (`crate::generated_cli`, progenitor's `Generator::cli`); its `operationId` gives
//! its place in the tree ([`noun_and_verb`]: `list_passwords` is `password list`,
//! `disable_api_secret` is `api-secret disable`). The generated definitions give
//! the arguments (`Cli::get_command`) and run the call (`Cli::execute`); this
//! module's [`Printer`] prints the answers. `enable` and `disable` are the bulk
//! commands (`crate::bulk`), `token` tests the login, `completions` prints a shell's
//! completion script.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use mysafe_client::{ClientInfo, ResponseValue, Secret};

use crate::bulk::{self, BulkArgs};
use crate::completions::{self, Shell};
use crate::connect::ConnectionArgs;
use crate::exit::Status;
use crate::generated_cli::{Cli, CliCommand, CliConfig};
use crate::output::{self, Format, Kind, OutputError, Style};
use crate::rotate;

/// The path parameter every item operation has; a positional `ID` here.
const IDENTIFIER: &str = "identifier";
/// The generated flag of a request body from a file.
const JSON_BODY: &str = "json-body";
const PASSWORD_STDIN: &str = "password-stdin";
const GENERATE: &str = "generate";

const TOP_EXAMPLES: &str = "\
Examples:
  # The connection: MYSAFE_URL, MYSAFE_CLIENT_ID, MYSAFE_CLIENT_SECRET, or a profile
  # of ~/.config/mysafe/config.toml (--profile NAME, MYSAFE_PROFILE).
  mysafe token
  mysafe password list --tag leaked --format jsonl > leaked.jsonl
  mysafe password get 312 --field password | xclip
  mysafe password disable --ids-from leaked.jsonl --journal leaked.journal
  printf '%s\\n' \"$NEW\" | mysafe password update 312 --password-stdin
  mysafe note create --json-body note.json
  source <(mysafe completions bash)

Exit codes: 0 success, 1 usage or local error, 2 API or network error,
3 a bulk run had failed items, 130 interrupted by Ctrl-C.";

/// A verb's place: the noun (`password`, `note`, `api-secret`) and the verb
/// (`list`, `get`, `create`, `update`, `enable`, `disable`) of an `operationId`.
/// `None` for an id not of the form `<verb>_<resource>`.
pub fn noun_and_verb(operation_id: &str) -> Option<(String, String)> {
    let (verb, resource) = operation_id.split_once('_')?;
    let singular = if verb == "list" {
        resource.strip_suffix('s')?
    } else {
        resource
    };
    Some((singular.replace('_', "-"), verb.to_owned()))
}

/// The generated command at `noun verb`.
fn command_at(noun: &str, verb: &str) -> Option<CliCommand> {
    CliCommand::iter().find(|command| {
        noun_and_verb(command.operation_id()).is_some_and(|(n, v)| n == noun && v == verb)
    })
}

/// The nouns, sorted.
fn nouns() -> Vec<String> {
    let mut nouns: Vec<String> = Vec::new();
    for command in CliCommand::iter() {
        if let Some((noun, _)) = noun_and_verb(command.operation_id())
            && !nouns.contains(&noun)
        {
            nouns.push(noun);
        }
    }
    nouns.sort();
    nouns
}

/// Whether the verb is a bulk change (`enable`, `disable`).
fn bulk_action(verb: &str) -> Option<bulk::Action> {
    bulk::Action::from_verb(verb)
}

/// The bulk resource of a noun.
fn bulk_resource(noun: &str) -> Option<bulk::Resource> {
    bulk::Resource::from_noun(noun)
}

/// The help heading of the options every command takes for its output (without
/// one, they would appear under the connection options' heading).
const OUTPUT_OPTIONS: &str = "Output options";

/// The whole command tree.
pub fn command() -> Command {
    // The flattened args first: `augment_args` sets the command's about (their doc
    // comment), which the texts below replace.
    let mut top = ConnectionArgs::augment_args(Command::new("mysafe"))
        .version(env!("CARGO_PKG_VERSION"))
        .about("The MySafe API of senhasegura (Segura) from the shell: passwords, notes, API secrets, and safe, resumable bulk changes.")
        .long_about(None::<&str>)
        .after_help(TOP_EXAMPLES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("format")
                .long("format")
                .global(true)
                .help_heading(OUTPUT_OPTIONS)
                .value_parser(clap::value_parser!(Format))
                .help("Output format [default: table on a terminal, otherwise json (jsonl for the results of enable and disable)]"),
        )
        .arg(
            Arg::new("reveal")
                .long("reveal")
                .global(true)
                .help_heading(OUTPUT_OPTIONS)
                .action(ArgAction::SetTrue)
                .help(format!(
                    "Print secret values ({}) instead of a marker",
                    mysafe_client::spec::SECRET_PROPERTIES.join(", ")
                )),
        )
        .arg(
            Arg::new("field")
                .long("field")
                .global(true)
                .help_heading(OUTPUT_OPTIONS)
                .value_name("NAME")
                .help("Print only this field of the answer, raw (a secret too): one line per entry of a list"),
        );
    for noun in nouns() {
        top = top.subcommand(noun_command(&noun));
    }
    top.subcommand(
        Command::new("token").about("Logs in and says whether it worked; never prints the token"),
    )
    .subcommand(
        Command::new("completions")
            .about("Prints the completion script of a shell")
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(clap::value_parser!(Shell)),
            ),
    )
}

/// `mysafe <noun>` with one verb per generated command of the noun.
fn noun_command(noun: &str) -> Command {
    let mut command = Command::new(noun.to_owned())
        .subcommand_required(true)
        .arg_required_else_help(true);
    let mut verbs = Vec::new();
    for generated in CliCommand::iter() {
        let Some((of, verb)) = noun_and_verb(generated.operation_id()) else {
            continue;
        };
        if of == noun {
            command = command.subcommand(verb_command(noun, &verb, generated));
            verbs.push(verb);
        }
    }
    verbs.sort();
    command.about(format!("Verbs: {}", verbs.join(", ")))
}

fn verb_command(noun: &str, verb: &str, generated: CliCommand) -> Command {
    let definition = Cli::<Printer>::get_command(generated);
    if bulk_action(verb).is_some() {
        // `augment_args` first: it sets the about from BulkArgs' doc comment.
        let long_about = definition.get_about().cloned().unwrap_or_default();
        return with_summary(
            BulkArgs::augment_args(Command::new(verb.to_owned())).about(long_about),
        )
        .after_help(bulk_examples(noun, verb));
    }
    let mut command = with_summary(definition).name(verb.to_owned());
    if command
        .get_arguments()
        .any(|arg| arg.get_id() == IDENTIFIER)
    {
        command = command.mut_arg(IDENTIFIER, |arg| arg.long(None).value_name("ID"));
    }
    if command.get_arguments().any(|arg| arg.get_id() == JSON_BODY) {
        command = command.mut_arg(JSON_BODY, |arg| {
            arg.value_name("FILE|-").help(format!(
                "A file holding the request body as JSON, or - for stdin; the flags override its fields. Secret fields ({}) are set this way only, never by a flag",
                mysafe_client::spec::SECRET_PROPERTIES.join(", ")
            ))
        });
    }
    if (noun, verb) == ("password", "update") {
        command = with_rotation(command);
    }
    command
}

/// progenitor joins the operation's summary and description into `about`: the
/// summary (first line) is the listing's `about`, the whole text `--help`'s.
fn with_summary(command: Command) -> Command {
    let Some(text) = command.get_about().map(|about| about.to_string()) else {
        return command;
    };
    let summary = text.lines().next().unwrap_or_default().to_owned();
    command.about(summary).long_about(text)
}

/// `password update`'s `--password-stdin` and `--generate LEN`.
fn with_rotation(command: Command) -> Command {
    command
        .arg(
            Arg::new(PASSWORD_STDIN)
                .long(PASSWORD_STDIN)
                .action(ArgAction::SetTrue)
                .conflicts_with(GENERATE)
                .help("Set the password to the first line of stdin (its line break removed)"),
        )
        .arg(
            Arg::new(GENERATE)
                .long(GENERATE)
                .value_name("LEN")
                .value_parser(
                    clap::value_parser!(u8)
                        .range(*rotate::GENERATE_LENGTHS.start() as i64..=*rotate::GENERATE_LENGTHS.end() as i64),
                )
                .help("Set the password to a random one of LEN characters (8 to 128); printed only with --reveal, alone on stdout"),
        )
        .after_help(
            "Examples:\n  printf '%s\\n' \"$NEW\" | mysafe password update 312 --password-stdin\n  NEW=$(mysafe password update 312 --generate 24 --reveal)\n  mysafe password update 312 --json-body fields.json --name db-prod",
        )
}

fn bulk_examples(noun: &str, verb: &str) -> String {
    format!(
        "Examples:\n  mysafe {noun} {verb} 312 313 --dry-run\n  mysafe {noun} list --tag leaked --format jsonl | mysafe {noun} {verb} --ids-from - --journal run.journal\n  mysafe {noun} {verb} --ids-from ids.txt --journal run.journal --concurrency 16\n  # after Ctrl-C or a crash, the same command skips the ids the journal has\n\nOne result line per item; exit 3 when some item failed, 130 after Ctrl-C."
    )
}

/// Runs the parsed command line and says how it ended.
pub async fn run(matches: &ArgMatches) -> Status {
    let chosen_format = matches.get_one::<Format>("format").copied();
    let style = Style {
        format: chosen_format
            .unwrap_or_else(|| Format::default_for(std::io::stdout().is_terminal())),
        reveal: matches.get_flag("reveal"),
        field: matches.get_one::<String>("field").cloned(),
    };
    let Some((noun, noun_matches)) = matches.subcommand() else {
        return local("no command given; see mysafe --help");
    };
    if noun == "completions" {
        let shell = *noun_matches.get_one::<Shell>("shell").expect("required");
        let mut script = Vec::new();
        completions::write(shell, &mut command(), &mut script);
        return print_stdout(&script);
    }
    let connection_args = match ConnectionArgs::from_arg_matches(matches) {
        Ok(args) => args,
        Err(e) => return local(&e.to_string()),
    };
    if noun == "token" {
        let Some(client) = connect(&connection_args) else {
            return Status::Local;
        };
        return check_login(&client, style.format).await;
    }
    let Some((verb, verb_matches)) = noun_matches.subcommand() else {
        return local(&format!("no verb given; see mysafe {noun} --help"));
    };
    let Some(generated) = command_at(noun, verb) else {
        return local(&format!("no command {noun} {verb}"));
    };
    if let (Some(action), Some(resource)) = (bulk_action(verb), bulk_resource(noun)) {
        let args = match BulkArgs::from_arg_matches(verb_matches) {
            Ok(args) => args,
            Err(e) => return local(&e.to_string()),
        };
        let mut readers = stdin_readers(&connection_args, verb_matches);
        if args.reads_stdin() {
            readers.push("--ids-from -");
        }
        if let Err(status) = one_stdin_reader(&readers) {
            return status;
        }
        let Some(client) = connect(&connection_args) else {
            return Status::Local;
        };
        // A bulk run's results stream, one line per item: JSON Lines when not on a
        // terminal and no format was asked.
        let format = chosen_format.unwrap_or_else(|| {
            if std::io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Jsonl
            }
        });
        return run_bulk(&client, resource, action, &args, format).await;
    }
    if let Err(status) = one_stdin_reader(&stdin_readers(&connection_args, verb_matches)) {
        return status;
    }
    let new_password = match new_password(verb_matches) {
        Ok(new_password) => new_password,
        Err(e) => return local(&e.to_string()),
    };
    let Some(client) = connect(&connection_args) else {
        return Status::Local;
    };
    run_generated(client, generated, verb_matches, style, new_password).await
}

/// The options of this command line that read stdin.
fn stdin_readers(connection: &ConnectionArgs, verb_matches: &ArgMatches) -> Vec<&'static str> {
    let mut readers = Vec::new();
    if connection.reads_stdin() {
        readers.push("--client-secret-stdin");
    }
    let json_body_from_stdin = verb_matches
        .try_get_one::<std::path::PathBuf>(JSON_BODY)
        .ok()
        .flatten()
        .is_some_and(|path| crate::stdin::reads_stdin(path));
    if json_body_from_stdin {
        readers.push("--json-body -");
    }
    if verb_matches
        .try_get_one::<bool>(PASSWORD_STDIN)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
    {
        readers.push("--password-stdin");
    }
    readers
}

/// Refuses a command line where two options would read stdin.
fn one_stdin_reader(readers: &[&str]) -> Result<(), Status> {
    if readers.len() > 1 {
        return Err(local(&format!(
            "only one option can read stdin, not both {}",
            readers.join(" and ")
        )));
    }
    Ok(())
}

/// A rotation's new password, from `--password-stdin` or `--generate LEN`.
#[derive(Debug)]
struct NewPassword {
    value: Secret,
    generated: bool,
}

fn new_password(verb_matches: &ArgMatches) -> Result<Option<NewPassword>, rotate::RotateError> {
    if verb_matches
        .try_get_one::<bool>(PASSWORD_STDIN)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
    {
        let value = rotate::read_password(std::io::stdin().lock())?;
        return Ok(Some(NewPassword {
            value,
            generated: false,
        }));
    }
    if let Some(length) = verb_matches.try_get_one::<u8>(GENERATE).ok().flatten() {
        let value = rotate::generate(usize::from(*length))?;
        return Ok(Some(NewPassword {
            value,
            generated: true,
        }));
    }
    Ok(None)
}

/// Builds the client; prints the connection's warnings, or its error.
fn connect(args: &ConnectionArgs) -> Option<mysafe_client::Client> {
    match args.connect() {
        Ok(connection) => {
            for warning in &connection.warnings {
                eprintln!("{warning}");
            }
            Some(connection.client)
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

async fn run_generated(
    client: mysafe_client::Client,
    generated: CliCommand,
    verb_matches: &ArgMatches,
    style: Style,
    new_password: Option<NewPassword>,
) -> Status {
    // `--generate LEN --reveal` prints the new password alone, for `$(...)`.
    let print_new_password = new_password
        .as_ref()
        .is_some_and(|new| new.generated && style.reveal);
    let failure = Arc::new(Mutex::new(None));
    let kind = if noun_and_verb(generated.operation_id()).is_some_and(|(_, verb)| verb == "list") {
        Kind::List
    } else {
        Kind::One
    };
    let printer = Printer {
        kind,
        quiet: print_new_password,
        style,
        new_password: new_password.as_ref().map(|new| new.value.clone()),
        failure: Arc::clone(&failure),
    };
    let cli = Cli::new(client, printer);
    if let Err(error) = cli.execute(generated, verb_matches).await {
        return report(&error);
    }
    match failure.lock().ok().and_then(|mut slot| slot.take()) {
        Some(OutputError::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return Status::Success;
        }
        Some(failure) => return local(&failure.to_string()),
        None => {}
    }
    if print_new_password && let Some(new) = &new_password {
        return print_stdout(format!("{}\n", new.value.expose()).as_bytes());
    }
    Status::Success
}

async fn run_bulk(
    client: &mysafe_client::Client,
    resource: bulk::Resource,
    action: bulk::Action,
    args: &BulkArgs,
    format: Format,
) -> Status {
    let format = match format {
        Format::Table => bulk::ResultFormat::Table,
        Format::Json => bulk::ResultFormat::Json,
        Format::Jsonl => bulk::ResultFormat::Jsonl,
    };
    match bulk::run(client, resource, action, args, format).await {
        Ok(report) if report.interrupted => Status::Interrupted,
        Ok(report) if report.failed() > 0 => Status::BulkFailed,
        Ok(_) => Status::Success,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_local() {
                Status::Local
            } else {
                Status::Api
            }
        }
    }
}

/// `mysafe token`: one authenticated call (the cheapest read: the note list, whose
/// answer is dropped) proves that the login works.
async fn check_login(client: &mysafe_client::Client, format: Format) -> Status {
    match client.list_notes().send().await {
        Ok(_) => {
            let url = client.baseurl();
            let line = match format {
                Format::Table => format!("login works: {url} accepted the credentials"),
                Format::Json | Format::Jsonl => {
                    serde_json::json!({"login": "ok", "url": url}).to_string()
                }
            };
            print_stdout(format!("{line}\n").as_bytes())
        }
        Err(e) => report_client_error(&e),
    }
}

/// Prints a failed command's error (one line and maybe a hint) and gives its status.
fn report(error: &anyhow::Error) -> Status {
    match error.downcast_ref::<mysafe_client::Error>() {
        Some(client_error) => report_client_error(client_error),
        None => local(&format!("{error:#}")),
    }
}

fn report_client_error(error: &mysafe_client::Error) -> Status {
    eprintln!("error: {error}");
    if let Some(hint) = hint(error) {
        eprintln!("hint: {hint}");
    }
    Status::of_client_error(error)
}

fn hint(error: &mysafe_client::Error) -> Option<&'static str> {
    if error.is_not_found() {
        Some("no such item: the list command shows the ids you can see")
    } else if error.is_access_denied() {
        Some("the item belongs to another user or group")
    } else if error.is_auth() {
        Some("check the client id and secret; `mysafe token` tests the login")
    } else if matches!(
        error,
        mysafe_client::Error::Transport { .. } | mysafe_client::Error::Timeout { .. }
    ) {
        Some("check the URL (MYSAFE_URL, --url or the profile) and the network")
    } else {
        None
    }
}

/// Writes to stdout; a reader that went away (`| head`) is not an error, another
/// write failure is a local one. (`println!` would panic on both.)
fn print_stdout(bytes: &[u8]) -> Status {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Status::Success,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Success,
        Err(e) => local(&format!("cannot write the output: {e}")),
    }
}

/// Prints a usage or local error and gives its status.
fn local(message: &str) -> Status {
    eprintln!("error: {message}");
    Status::Local
}

/// The generated commands' output: each answer printed as the [`Style`] asks; a
/// rotation's new password put in the update's body.
pub struct Printer {
    style: Style,
    /// Whether the command's answer is a list.
    kind: Kind,
    /// Prints no answer (the new password is printed instead).
    quiet: bool,
    new_password: Option<Secret>,
    /// What went wrong printing, for the exit status (shared with [`run`]: the
    /// generated `Cli` keeps its config to itself).
    failure: Arc<Mutex<Option<OutputError>>>,
}

impl Printer {
    fn print(&self, value: Result<serde_json::Value, serde_json::Error>) {
        if self.quiet {
            return;
        }
        let result = match value {
            Ok(answer) => {
                let mut stdout = std::io::stdout().lock();
                output::print_answer(&mut stdout, &answer, self.kind, &self.style)
                    .and_then(|()| stdout.flush().map_err(OutputError::Write))
            }
            Err(e) => Err(OutputError::Write(std::io::Error::other(e))),
        };
        if let Err(e) = result
            && let Ok(mut failure) = self.failure.lock()
        {
            *failure = Some(e);
        }
    }
}

impl CliConfig for Printer {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: serde::Serialize + std::fmt::Debug,
    {
        self.print(serde_json::to_value(&**value));
    }

    fn success_no_item(&self, _: &ResponseValue<()>) {}

    /// Reported by [`run`] from the error `execute` returns.
    fn error(&self, _: &mysafe_client::Error) {}

    fn list_start<T>(&self)
    where
        T: serde::Serialize + std::fmt::Debug,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: serde::Serialize + std::fmt::Debug,
    {
        self.print(serde_json::to_value(value));
    }

    fn list_end_success<T>(&self)
    where
        T: serde::Serialize + std::fmt::Debug,
    {
    }

    fn list_end_error(&self, _: &mysafe_client::Error) {}

    fn execute_update_password(
        &self,
        _: &ArgMatches,
        request: &mut mysafe_client::builder::UpdatePassword,
    ) -> anyhow::Result<()> {
        if let Some(password) = &self.new_password {
            let password = password.clone();
            *request = request
                .clone()
                .body_map(move |body| body.password(Some(password)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysafe_client::spec::OPERATIONS;

    /// Every bearer operation of the spec has a generated command at a distinct
    /// `noun verb`, with one of the six verbs and one of the three nouns.
    #[test]
    fn every_operation_has_its_noun_and_verb() {
        let mut places = std::collections::BTreeSet::new();
        for operation in OPERATIONS.iter().filter(|op| op.bearer) {
            let (noun, verb) = noun_and_verb(operation.id).unwrap();
            assert!(
                ["list", "get", "create", "update", "enable", "disable"].contains(&verb.as_str()),
                "{}",
                operation.id
            );
            assert!(
                bulk_resource(&noun).is_some(),
                "{}: noun {noun}",
                operation.id
            );
            let generated = command_at(&noun, &verb).unwrap();
            assert_eq!(generated.operation_id(), operation.id);
            assert!(places.insert((noun, verb)), "{} twice", operation.id);
        }
        assert_eq!(places.len(), CliCommand::iter().count());
        assert_eq!(
            noun_and_verb("disable_api_secret"),
            Some(("api-secret".into(), "disable".into()))
        );
        assert_eq!(
            noun_and_verb("list_passwords"),
            Some(("password".into(), "list".into()))
        );
    }

    /// The login operation needs no bearer: it has no command (it would take the
    /// client secret as a flag).
    #[test]
    fn the_login_is_no_command() {
        for operation in OPERATIONS.iter().filter(|op| !op.bearer) {
            assert!(
                CliCommand::iter().all(|c| c.operation_id() != operation.id),
                "{}",
                operation.id
            );
        }
        let tree = command();
        assert!(
            tree.get_subcommands()
                .all(|noun| noun.get_name() != "token" || noun.get_arguments().count() == 0)
        );
    }

    #[test]
    fn the_tree_is_valid_and_ids_are_positional() {
        let tree = command();
        tree.clone().debug_assert();
        let get = tree
            .find_subcommand("password")
            .and_then(|noun| noun.find_subcommand("get"))
            .unwrap();
        let id = get
            .get_arguments()
            .find(|a| a.get_id() == IDENTIFIER)
            .unwrap();
        assert!(id.is_positional());
        let matches = tree
            .try_get_matches_from(["mysafe", "password", "get", "312", "--field", "password"])
            .unwrap();
        let (_, noun) = matches.subcommand().unwrap();
        let (_, verb) = noun.subcommand().unwrap();
        assert_eq!(verb.get_one::<i64>(IDENTIFIER), Some(&312));
        assert_eq!(
            matches.get_one::<String>("field").map(String::as_str),
            Some("password")
        );
    }

    #[test]
    fn no_flag_takes_a_secret() {
        fn walk(command: &Command, path: &str) {
            for arg in command.get_arguments() {
                if let Some(long) = arg.get_long() {
                    let name = long.replace('-', "_");
                    assert!(
                        !mysafe_client::spec::is_secret_property(&name),
                        "{path} --{long}"
                    );
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        walk(&command(), "mysafe");
    }

    #[test]
    fn two_stdin_readers_are_refused() {
        assert_eq!(one_stdin_reader(&["--json-body -"]), Ok(()));
        assert_eq!(
            one_stdin_reader(&["--client-secret-stdin", "--password-stdin"]),
            Err(Status::Local)
        );
        let matches = command()
            .try_get_matches_from([
                "mysafe",
                "password",
                "update",
                "1",
                "--json-body",
                "-",
                "--password-stdin",
            ])
            .unwrap();
        let (_, noun) = matches.subcommand().unwrap();
        let (_, verb) = noun.subcommand().unwrap();
        let readers = stdin_readers(&ConnectionArgs::default(), verb);
        assert_eq!(readers, ["--json-body -", "--password-stdin"]);
    }

    #[test]
    fn generate_takes_lengths_8_to_128() {
        let parse = |len: &str| {
            command().try_get_matches_from(["mysafe", "password", "update", "1", "--generate", len])
        };
        assert!(parse("8").is_ok());
        assert!(parse("128").is_ok());
        assert!(parse("7").is_err());
        assert!(parse("129").is_err());
    }
}
