//! TEMPORARY `mysafe` for the bulk tests, dropped when cli-core's main.rs is merged:
//! `mysafe <password|note|api-secret> <enable|disable> [BULK ARGS] [--format F]`,
//! connected with `Client::from_env()`, exiting with the contract's codes.

use clap::{Parser, ValueEnum};
use mysafe_cli::bulk::{self, Action, BulkArgs, Resource, ResultFormat};

#[derive(Parser)]
#[command(name = "mysafe")]
struct Cli {
    noun: Noun,
    verb: Verb,
    #[command(flatten)]
    bulk: BulkArgs,
    #[arg(long, default_value = "jsonl")]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Noun {
    Password,
    Note,
    ApiSecret,
}

#[derive(Clone, Copy, ValueEnum)]
enum Verb {
    Enable,
    Disable,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Jsonl,
}

#[tokio::main]
async fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 1 } else { 0 };
            let _ = error.print();
            std::process::exit(code);
        }
    };
    let client = match mysafe_client::Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("mysafe: {error}");
            std::process::exit(1);
        }
    };
    let resource = match cli.noun {
        Noun::Password => Resource::Password,
        Noun::Note => Resource::Note,
        Noun::ApiSecret => Resource::ApiSecret,
    };
    let action = match cli.verb {
        Verb::Enable => Action::Enable,
        Verb::Disable => Action::Disable,
    };
    let format = match cli.format {
        Format::Table => ResultFormat::Table,
        Format::Json => ResultFormat::Json,
        Format::Jsonl => ResultFormat::Jsonl,
    };
    let code = match bulk::run(&client, resource, action, &cli.bulk, format).await {
        Ok(report) if report.interrupted => 130,
        Ok(report) if report.failed > 0 => 3,
        Ok(_) => 0,
        Err(error) => {
            eprintln!("mysafe: {error}");
            if error.is_local() { 1 } else { 2 }
        }
    };
    use std::io::Write;
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}
