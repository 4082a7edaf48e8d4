//! Credentials, config-file profiles and building the [`Client`].
//!
//! [`ConnectionArgs`] are the connection options of the top-level command
//! (`mysafe [CONNECTION OPTIONS] <noun> <verb> ...`); [`ConnectionArgs::connect`]
//! resolves them and builds the client.
//!
//! # Where each setting comes from
//!
//! Highest first:
//!
//! 1. the flags: `--url`, `--client-id`, `--tenant`, `--route-prefix`,
//!    `--client-secret-file FILE` or `--client-secret-stdin`, `--ca-cert FILE`,
//!    `--timeout SECS`, `--connect-timeout SECS`;
//! 2. the environment, with the variables of `Client::from_env()`:
//!    `MYSAFE_URL`, `MYSAFE_CLIENT_ID`, `MYSAFE_CLIENT_SECRET`, `MYSAFE_TENANT`,
//!    `MYSAFE_ROUTE_PREFIX` (a variable set to the empty string counts as unset; one
//!    that is not Unicode is an error naming it);
//! 3. the chosen profile of the config file.
//!
//! The client secret is never a flag's value (it would show in `ps`): it comes
//! from `--client-secret-file` (one trailing newline stripped; an empty file is an
//! error), `--client-secret-stdin` (the first line of stdin), `MYSAFE_CLIENT_SECRET`,
//! or the profile's `client_secret_file` or `client_secret`, in that order. Only
//! the source used is read.
//!
//! The profile is `--profile NAME`, else `MYSAFE_PROFILE`, else `default`. A
//! missing `default` profile (or no config file at all) is fine when flags and
//! environment give everything; a named profile that does not exist is an error
//! that lists the profiles the file has.
//!
//! # The config file
//!
//! `--config FILE`, else `$XDG_CONFIG_HOME/mysafe/config.toml`, else
//! `$HOME/.config/mysafe/config.toml`. A missing default file is fine; a file
//! named with `--config` must exist.
//!
//! ```toml
//! [profiles.prod]
//! url = "https://vault.example.com"
//! client_id = "my-app"
//! client_secret_file = "~/.config/mysafe/prod.secret"   # or client_secret = "..."
//! tenant = "acme"                      # optional
//! ca_cert = "/etc/ssl/corp-root.pem"   # optional: an extra root CA, PEM
//! timeout_secs = 30                    # optional: per attempt (default 30)
//! connect_timeout_secs = 10            # optional (default 10)
//! route_prefix = "/iso"                # optional; the client checks it against the spec
//! ```
//!
//! Every key is optional in the file (a setting may come from a flag or the
//! environment instead). `~` at the start of a path is the home directory; a
//! relative path is taken from the config file's directory. Timeouts are whole
//! seconds from 1 to 86400; a timeout longer than the client's retry deadline (60 s
//! for a call and its retries) lengthens that deadline to it, so that one attempt
//! can take all of it.
//!
//! The file is checked strictly, because typos in a security tool should be loud:
//! an unknown key, a value of the wrong type, or both `client_secret` and
//! `client_secret_file` in one profile is an error naming the key, the profile and
//! the line. A TOML syntax error names the file, line and column only. No error
//! quotes the file's content or any value: a secret may sit on the bad line.
//!
//! When group or others may read the config file or a client secret file (unix mode
//! `& 0o077 != 0`), [`Connection::warnings`] holds a line saying so; the connection
//! goes ahead.

mod config_file;
mod error;
mod files;
mod resolve;
#[cfg(test)]
mod tests;

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;

use clap::builder::NonEmptyStringValueParser;
use mysafe_client::Client;

pub use config_file::MAX_TIMEOUT_SECS;
pub use error::{ConnectError, Missing, Setting};
pub use resolve::DEFAULT_PROFILE;

/// The environment variable that chooses the profile (below `--profile`).
pub const ENV_PROFILE: &str = "MYSAFE_PROFILE";

/// The connection options. Flattened into the TOP-LEVEL command only (`mysafe
/// [CONNECTION OPTIONS] <noun> <verb> ...`): generated subcommands have flags such as
/// `--url` (list filters) that would clash with global ones (clap debug-asserts).
///
/// No option takes the client secret itself as its value.
#[derive(clap::Args, Debug, Clone, Default)]
#[command(next_help_heading = "Connection options", about = None, long_about = None)]
pub struct ConnectionArgs {
    /// The profile of the config file to use [default: default]
    // No NonEmptyStringValueParser here: clap passes `MYSAFE_PROFILE=` on as an
    // empty value, and an empty variable counts as unset, as the others do.
    #[arg(long, value_name = "NAME", env = ENV_PROFILE)]
    pub profile: Option<String>,
    /// The config file [default: $XDG_CONFIG_HOME/mysafe/config.toml, else
    /// ~/.config/mysafe/config.toml]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The installation's URL (`--help` shows an example).
    #[arg(
        long,
        value_name = "URL",
        value_parser = NonEmptyStringValueParser::new(),
        help = "The installation's URL, e.g. https://tenant.senhasegura.com [env: MYSAFE_URL]"
    )]
    pub url: Option<String>,
    /// The application's client id [env: MYSAFE_CLIENT_ID]
    #[arg(long, value_name = "ID", value_parser = NonEmptyStringValueParser::new())]
    pub client_id: Option<String>,
    /// The tenant, needed when the server is reached by IP address [env: MYSAFE_TENANT]
    #[arg(long, value_name = "TENANT", value_parser = NonEmptyStringValueParser::new())]
    pub tenant: Option<String>,
    /// Read the client secret from this file (one trailing newline is stripped)
    /// [or env: MYSAFE_CLIENT_SECRET]
    #[arg(long, value_name = "FILE", conflicts_with = "client_secret_stdin")]
    pub client_secret_file: Option<PathBuf>,
    /// Read the client secret from the first line of stdin
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// Also trust the root CA certificate(s) in this PEM file
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Seconds allowed for one attempt of a call [default: 30]
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECS))]
    pub timeout: Option<u64>,
    /// Seconds allowed to open a connection [default: 10]
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECS))]
    pub connect_timeout: Option<u64>,
    /// The route prefix MySafe is served under, e.g. /iso [env: MYSAFE_ROUTE_PREFIX]
    #[arg(long, value_name = "PREFIX", value_parser = NonEmptyStringValueParser::new())]
    pub route_prefix: Option<String>,
}

/// What the connection needs from the process: stdin is read only when
/// `--client-secret-stdin` asks for it.
pub struct Connection {
    /// The client, ready; it logs in on its first call.
    pub client: Client,
    /// One line each, to print on stderr (e.g. "warning: config file
    /// ~/.config/mysafe/config.toml is readable by group or others (mode 0644); run
    /// chmod 600 on it").
    pub warnings: Vec<String>,
}

impl ConnectionArgs {
    /// Whether this connection reads the client secret from stdin (so cli-core can
    /// refuse a second stdin reader such as `--ids-from -`).
    ///
    /// `--client-secret-file /dev/stdin` (or `/dev/fd/0`, `/proc/self/fd/0`) reads
    /// stdin too, and counts.
    pub fn reads_stdin(&self) -> bool {
        match &self.client_secret_file {
            Some(path) => crate::stdin::is_stdin_device(path),
            None => self.client_secret_stdin,
        }
    }

    /// Resolves flags > environment (the same variables as Client::from_env():
    /// mysafe_client::ENV_*) > the chosen profile of the config file, and builds the client.
    pub fn connect(&self) -> Result<Connection, ConnectError> {
        self.connect_with(|name| std::env::var_os(name), std::io::stdin())
    }

    /// [`connect`](Self::connect) with the environment given as a lookup and stdin
    /// as a reader, for tests and for programs that embed the CLI.
    pub fn connect_with(
        &self,
        env: impl Fn(&str) -> Option<OsString>,
        stdin: impl Read,
    ) -> Result<Connection, ConnectError> {
        let mut settings = self.resolve(&env, stdin)?;
        let warnings = std::mem::take(&mut settings.warnings);
        let client = settings.build()?;
        Ok(Connection { client, warnings })
    }
}
