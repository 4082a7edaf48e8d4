//! `mysafe`: see `mysafe --help` and the README's "Command line" section.

use std::process::ExitCode;

use mysafe_cli::exit::Status;

fn main() -> ExitCode {
    let matches = match mysafe_cli::app::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => {
            // clap's own exit code for a usage error is 2, which `mysafe` keeps for
            // API errors: print its message and exit 1 (0 for --help, --version).
            let _ = e.print();
            return if e.use_stderr() {
                Status::Local.into()
            } else {
                Status::Success.into()
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Status::Local.into();
        }
    };
    runtime.block_on(mysafe_cli::app::run(&matches)).into()
}
