//! [`ConnectError`]: what went wrong while gathering the connection settings.
//!
//! Every message is one line that names the flag, variable, file, line or profile
//! concerned, and never a value: a value in the wrong place may be a secret (a
//! client secret pasted as a key, a secret file given as `--ca-cert`).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// One line naming what is wrong (which variable, file or profile), never a value.
///
/// Every variant is a local problem (exit code 1): nothing has been sent yet.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// A required setting (URL, client id, client secret) came from no source.
    #[error("{0}")]
    Missing(Missing),
    /// An environment variable that is set but not valid Unicode.
    #[error("environment variable {0} is not valid Unicode")]
    NotUnicode(&'static str),
    /// A file that could not be read.
    #[error("cannot read {what} {}: {reason}", path.display())]
    Unreadable {
        /// What the file was for ("config file", "client secret file", ...).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why, e.g. "permission denied" (from the I/O error's kind, never its content).
        reason: String,
    },
    /// A file or stdin line whose content cannot be what it is meant to be.
    #[error("{what} {}: {problem}", source_name.display())]
    BadContent {
        /// What the input was for.
        what: &'static str,
        /// The file, or `stdin`.
        source_name: PathBuf,
        /// What is wrong with it, e.g. "is empty".
        problem: String,
    },
    /// The config file is not valid TOML. Only the position is given: the parser's
    /// own message quotes the line, which may hold a secret.
    #[error(
        "config file {}: TOML syntax error at line {line}, column {column}",
        path.display()
    )]
    Syntax {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters) of the error.
        column: usize,
    },
    /// A key or value of the config file that is not allowed.
    #[error("config file {}, line {line}: {problem}", path.display())]
    BadConfig {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the key.
        line: usize,
        /// What is wrong, naming the key and the profile.
        problem: String,
    },
    /// A profile was asked for (`--profile` or `MYSAFE_PROFILE`) that the config file
    /// does not have.
    #[error("unknown profile {profile:?} in {} ({})", path.display(), profile_list(known))]
    UnknownProfile {
        /// The profile asked for.
        profile: String,
        /// The config file looked in.
        path: PathBuf,
        /// The profiles it has, sorted.
        known: Vec<String>,
    },
    /// A profile was asked for while there is no config file.
    #[error("unknown profile {profile:?}: {}", no_config_file(path.as_deref()))]
    NoConfigFile {
        /// The profile asked for.
        profile: String,
        /// Where the config file was looked for, if a place could be named.
        path: Option<PathBuf>,
    },
    /// A path starting with `~` while `HOME` is not set.
    #[error("cannot expand ~ in {what}: HOME is not set")]
    NoHome {
        /// Which setting held the path.
        what: String,
    },
    /// The client refused the settings (a bad URL, route prefix or certificate); its
    /// message, which never holds a secret.
    #[error("{0}")]
    Client(String),
}

fn profile_list(known: &[String]) -> String {
    if known.is_empty() {
        "it has no profiles".to_owned()
    } else {
        format!("profiles: {}", known.join(", "))
    }
}

fn no_config_file(path: Option<&Path>) -> String {
    match path {
        Some(path) => format!("there is no config file {}", path.display()),
        None => {
            "there is no config file (XDG_CONFIG_HOME and HOME are not set; pass --config FILE)"
                .to_owned()
        }
    }
}

impl From<mysafe_client::Error> for ConnectError {
    /// Keeps the message of the client's [`mysafe_client::Error::Config`] (without the
    /// "configuration error: " prefix); other errors keep their `Display`, which the
    /// client keeps free of secrets.
    fn from(error: mysafe_client::Error) -> Self {
        match error {
            mysafe_client::Error::Config(message) => Self::Client(message),
            other => Self::Client(other.to_string()),
        }
    }
}

impl ConnectError {
    /// A file that could not be opened or read.
    pub(crate) fn unreadable(what: &'static str, path: &Path, error: &io::Error) -> Self {
        Self::Unreadable {
            what,
            path: path.to_owned(),
            reason: io_reason(error),
        }
    }

    /// Content that cannot be used, for a file or for stdin.
    pub(crate) fn bad_content(what: &'static str, source_name: &Path, problem: &str) -> Self {
        Self::BadContent {
            what,
            source_name: source_name.to_owned(),
            problem: problem.to_owned(),
        }
    }
}

/// The I/O error's kind in words. Only the kind: an `io::Error` made from a custom
/// payload could carry anything.
fn io_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        io::ErrorKind::InvalidData => "not valid UTF-8".to_owned(),
        kind => kind.to_string(),
    }
}

/// A required setting that no source gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The API URL.
    Url,
    /// The client id.
    ClientId,
    /// The client secret.
    ClientSecret,
}

/// The details of [`ConnectError::Missing`]: the setting, and the profile and file
/// that were looked in, so the message says every place it could come from.
#[derive(Debug)]
pub struct Missing {
    /// The setting.
    pub setting: Setting,
    /// The profile looked in.
    pub profile: String,
    /// The config file looked in, if one could be named (none when neither
    /// `XDG_CONFIG_HOME` nor `HOME` is set and `--config` was not given).
    pub config: Option<PathBuf>,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, sources, key) = match self.setting {
            Setting::Url => (
                "API URL",
                format!("pass --url, set {}", mysafe_client::ENV_URL),
                "url",
            ),
            Setting::ClientId => (
                "client id",
                format!("pass --client-id, set {}", mysafe_client::ENV_CLIENT_ID),
                "client_id",
            ),
            Setting::ClientSecret => (
                "client secret",
                format!(
                    "pass --client-secret-file FILE or --client-secret-stdin, set {}",
                    mysafe_client::ENV_CLIENT_SECRET
                ),
                "client_secret_file",
            ),
        };
        write!(
            f,
            "no {what}: {sources}, or set {key} in profile {:?} of ",
            self.profile
        )?;
        match &self.config {
            Some(path) => write!(f, "{}", path.display()),
            None => f.write_str("a config file (--config FILE)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_give_their_kind_and_never_a_custom_payload() {
        let path = Path::new("/etc/mysafe/prod.secret");
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(
            ConnectError::unreadable("client secret file", path, &denied).to_string(),
            "cannot read client secret file /etc/mysafe/prod.secret: permission denied"
        );
        let custom = io::Error::other("payload-secret-value");
        let message = ConnectError::unreadable("config file", path, &custom).to_string();
        assert!(!message.contains("payload-secret-value"), "{message}");
    }

    #[test]
    fn the_clients_config_error_keeps_its_message() {
        let error = ConnectError::from(mysafe_client::Error::Config(
            "base URL is not set".to_owned(),
        ));
        assert_eq!(error.to_string(), "base URL is not set");
    }

    #[test]
    fn an_unknown_profile_in_a_file_without_profiles_says_so() {
        let error = ConnectError::UnknownProfile {
            profile: "stage".into(),
            path: PathBuf::from("/c.toml"),
            known: Vec::new(),
        };
        assert_eq!(
            error.to_string(),
            "unknown profile \"stage\" in /c.toml (it has no profiles)"
        );
        let error = ConnectError::NoConfigFile {
            profile: "stage".into(),
            path: None,
        };
        assert!(error.to_string().contains("pass --config FILE"), "{error}");
    }
}
