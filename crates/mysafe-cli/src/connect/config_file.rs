//! The config file: where it is, and its profiles, checked key by key.
//!
//! The file is parsed with `toml`'s span-keeping [`DeTable`] instead of serde so
//! that every error can name its line without quoting it: serde's messages for a
//! wrong type quote the value (`invalid type: string "..."`), and the syntax
//! error's `Display` quotes the source line. Either may be a secret.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use mysafe_client::Secret;
use toml::de::{DeTable, DeValue};

use super::error::ConnectError;
use super::files::{self, MAX_FILE_BYTES};

/// The longest timeout a profile or flag may set, in seconds (one day). Longer is
/// almost surely a unit mistake (milliseconds).
pub const MAX_TIMEOUT_SECS: u64 = 24 * 60 * 60;

/// A parsed config file.
#[derive(Debug)]
pub(crate) struct ConfigFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its profiles by name.
    pub profiles: BTreeMap<String, Profile>,
}

/// One `[profiles.NAME]` table. Paths are already expanded (`~`) and made
/// relative to the config file's directory. `Debug` shows no secret: the inline
/// secret is a [`Secret`].
#[derive(Debug, Default)]
pub(crate) struct Profile {
    pub url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub client_secret_file: Option<PathBuf>,
    pub tenant: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub timeout_secs: Option<u64>,
    pub connect_timeout_secs: Option<u64>,
    pub route_prefix: Option<String>,
}

/// The keys a profile may have, for the unknown-key message.
const PROFILE_KEYS: &[&str] = &[
    "url",
    "client_id",
    "client_secret",
    "client_secret_file",
    "tenant",
    "ca_cert",
    "timeout_secs",
    "connect_timeout_secs",
    "route_prefix",
];

impl ConfigFile {
    /// Reads and parses the file at `path`, adding a warning when group or others
    /// may read it. `home` expands `~` in the profiles' paths.
    pub fn load(
        path: &Path,
        home: Option<&Path>,
        warnings: &mut Vec<String>,
    ) -> Result<Self, ConnectError> {
        const WHAT: &str = "config file";
        let bytes = files::read_limited(WHAT, path, MAX_FILE_BYTES)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ConnectError::bad_content(WHAT, path, "is not valid UTF-8"))?;
        // The text may hold a client secret: keep it where it is zeroed on drop.
        let text = Secret::new(text);
        warnings.extend(files::permission_warning(WHAT, path));
        let profiles = parse(path, text.expose(), home)?;
        Ok(Self {
            path: path.to_owned(),
            profiles,
        })
    }
}

/// The profiles in `text`, the content of the config file at `path`.
pub(crate) fn parse(
    path: &Path,
    text: &str,
    home: Option<&Path>,
) -> Result<BTreeMap<String, Profile>, ConnectError> {
    let document = DeTable::parse(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| line_column(text, span.start))
            .unwrap_or((1, 1));
        ConnectError::Syntax {
            path: path.to_owned(),
            line,
            column,
        }
    })?;
    let context = Context {
        path,
        text,
        home,
        directory: path.parent().unwrap_or(Path::new("")),
    };
    let mut profiles = BTreeMap::new();
    for (key, value) in document.into_inner() {
        if key.get_ref() != "profiles" {
            return Err(context.error(
                key.span(),
                format!(
                    "unknown key {:?} at the top level (settings go in [profiles.NAME] tables)",
                    key.get_ref()
                ),
            ));
        }
        let span = value.span();
        let DeValue::Table(table) = value.into_inner() else {
            return Err(context.error(span, "profiles must be [profiles.NAME] tables".into()));
        };
        for (name, profile) in table {
            let span = profile.span();
            let name = name.into_inner().into_owned();
            let DeValue::Table(profile) = profile.into_inner() else {
                return Err(context.error(
                    span,
                    format!("profile {name:?} must be a table ([profiles.{name}])"),
                ));
            };
            let parsed = context.profile(&name, profile)?;
            profiles.insert(name, parsed);
        }
    }
    Ok(profiles)
}

/// What the checks of one file need, to name lines and resolve paths.
struct Context<'a> {
    path: &'a Path,
    text: &'a str,
    home: Option<&'a Path>,
    directory: &'a Path,
}

impl Context<'_> {
    fn error(&self, span: Range<usize>, problem: String) -> ConnectError {
        ConnectError::BadConfig {
            path: self.path.to_owned(),
            line: line_column(self.text, span.start).0,
            problem,
        }
    }

    /// Checks and converts the keys of profile `name`.
    fn profile(&self, name: &str, table: DeTable<'_>) -> Result<Profile, ConnectError> {
        let mut profile = Profile::default();
        for (key, value) in table {
            let key_span = key.span();
            let key = key.into_inner();
            let value_span = value.span();
            let value = value.into_inner();
            let field = Field {
                context: self,
                profile: name,
                key: &key,
                span: value_span,
            };
            match key.as_ref() {
                "url" => profile.url = Some(field.string(value)?),
                "client_id" => profile.client_id = Some(field.string(value)?),
                "tenant" => profile.tenant = Some(field.string(value)?),
                "route_prefix" => profile.route_prefix = Some(field.string(value)?),
                "client_secret" => profile.client_secret = Some(field.secret(value)?),
                "client_secret_file" => {
                    profile.client_secret_file = Some(field.path(value)?);
                }
                "ca_cert" => profile.ca_cert = Some(field.path(value)?),
                "timeout_secs" => profile.timeout_secs = Some(field.seconds(value)?),
                "connect_timeout_secs" => {
                    profile.connect_timeout_secs = Some(field.seconds(value)?);
                }
                _ => {
                    return Err(self.error(
                        key_span,
                        format!(
                            "unknown key {key:?} in profile {name:?} (known keys: {})",
                            PROFILE_KEYS.join(", ")
                        ),
                    ));
                }
            }
            if profile.client_secret.is_some() && profile.client_secret_file.is_some() {
                return Err(self.error(
                    key_span,
                    format!(
                        "profile {name:?} sets both client_secret and client_secret_file; keep one"
                    ),
                ));
            }
        }
        Ok(profile)
    }
}

/// One key of a profile being converted; its errors name the key, the profile and
/// the line, and never the value.
struct Field<'a> {
    context: &'a Context<'a>,
    profile: &'a str,
    key: &'a str,
    span: Range<usize>,
}

impl Field<'_> {
    fn error(&self, must: &str) -> ConnectError {
        self.context.error(
            self.span.clone(),
            format!("{} in profile {:?} {must}", self.key, self.profile),
        )
    }

    /// A non-empty string. Owned strings move; borrowed ones are copied once.
    fn string(&self, value: DeValue<'_>) -> Result<String, ConnectError> {
        match value {
            DeValue::String(text) if text.is_empty() => Err(self.error("must not be empty")),
            DeValue::String(text) => Ok(text.into_owned()),
            _ => Err(self.error("must be a string")),
        }
    }

    fn secret(&self, value: DeValue<'_>) -> Result<Secret, ConnectError> {
        self.string(value).map(Secret::new)
    }

    /// A path: `~` expanded, a relative path taken from the config file's directory.
    fn path(&self, value: DeValue<'_>) -> Result<PathBuf, ConnectError> {
        let path = PathBuf::from(self.string(value)?);
        let what = format!("{} in profile {:?}", self.key, self.profile);
        let path = files::expand_tilde(&path, self.context.home, &what)?;
        Ok(self.context.directory.join(path))
    }

    fn seconds(&self, value: DeValue<'_>) -> Result<u64, ConnectError> {
        let seconds = match &value {
            DeValue::Integer(integer) => {
                u64::from_str_radix(integer.as_str(), integer.radix()).ok()
            }
            _ => None,
        };
        seconds
            .filter(|s| (1..=MAX_TIMEOUT_SECS).contains(s))
            .ok_or_else(|| {
                self.error(&format!(
                    "must be a whole number of seconds from 1 to {MAX_TIMEOUT_SECS}"
                ))
            })
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`. Works on
/// bytes, so an offset inside a character or past the end cannot panic.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    // A character starts at every byte that is not a UTF-8 continuation byte.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "/home/ana/.config/mysafe/config.toml";

    fn parse_str(text: &str) -> Result<BTreeMap<String, Profile>, ConnectError> {
        parse(Path::new(FILE), text, Some(Path::new("/home/ana")))
    }

    fn error_of(text: &str) -> String {
        parse_str(text).unwrap_err().to_string()
    }

    #[test]
    fn the_documented_example_parses() {
        let profiles = parse_str(
            r#"
[profiles.prod]
url = "https://vault.example.com"
client_id = "app"
client_secret_file = "~/.config/mysafe/prod.secret"
tenant = "acme"
ca_cert = "/etc/ssl/corp-root.pem"
timeout_secs = 30
connect_timeout_secs = 10
route_prefix = "/iso"

[profiles.default]
url = "https://other.example.com"
client_id = "other"
client_secret = "inline-secret-value"
ca_cert = "certs/root.pem"
"#,
        )
        .unwrap();
        assert_eq!(profiles.keys().collect::<Vec<_>>(), ["default", "prod"]);
        let prod = &profiles["prod"];
        assert_eq!(prod.url.as_deref(), Some("https://vault.example.com"));
        assert_eq!(prod.client_id.as_deref(), Some("app"));
        assert_eq!(
            prod.client_secret_file.as_deref(),
            Some(Path::new("/home/ana/.config/mysafe/prod.secret"))
        );
        assert_eq!(prod.tenant.as_deref(), Some("acme"));
        assert_eq!(
            prod.ca_cert.as_deref(),
            Some(Path::new("/etc/ssl/corp-root.pem"))
        );
        assert_eq!(prod.timeout_secs, Some(30));
        assert_eq!(prod.connect_timeout_secs, Some(10));
        assert_eq!(prod.route_prefix.as_deref(), Some("/iso"));
        let default = &profiles["default"];
        assert_eq!(
            default.client_secret.as_ref().map(Secret::expose),
            Some("inline-secret-value")
        );
        // A relative path is taken from the config file's directory.
        assert_eq!(
            default.ca_cert.as_deref(),
            Some(Path::new("/home/ana/.config/mysafe/certs/root.pem"))
        );
        let debug = format!("{profiles:?}");
        assert!(!debug.contains("inline-secret-value"), "{debug}");
    }

    #[test]
    fn an_empty_file_has_no_profiles() {
        assert!(parse_str("").unwrap().is_empty());
        assert!(parse_str("# nothing yet\n").unwrap().is_empty());
    }

    #[test]
    fn a_syntax_error_names_line_and_column_and_never_the_line() {
        let text = "[profiles.prod]\nurl = \"https://x\"\nclient_secret = hunter2-pasted-secret\n";
        let error = error_of(text);
        assert!(
            error.starts_with(&format!(
                "config file {FILE}: TOML syntax error at line 3, column "
            )),
            "{error}"
        );
        assert!(!error.contains("hunter2"), "{error}");

        // A secret pasted alone on a line, with a non-ASCII character before it.
        let error = error_of("[profiles.prod]\nclient_id = \"é\"\nGx7#secret-alone\n");
        assert!(error.contains("line 3"), "{error}");
        assert!(!error.contains("secret-alone"), "{error}");

        // An unterminated string holding the secret.
        let error = error_of("[profiles.prod]\nclient_secret = \"open-secret\n");
        assert!(error.contains("line 2"), "{error}");
        assert!(!error.contains("open-secret"), "{error}");
    }

    #[test]
    fn a_key_or_profile_given_twice_is_an_error_at_its_second_line() {
        let error = error_of(
            "[profiles.prod]\nclient_secret = \"first-secret\"\nclient_secret = \"second-secret\"\n",
        );
        assert!(error.contains("TOML syntax error at line 3"), "{error}");
        assert!(!error.contains("-secret"), "{error}");
        let error = error_of("[profiles.prod]\nurl = \"https://a\"\n[profiles.prod]\n");
        assert!(error.contains("TOML syntax error at line 3"), "{error}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!(
            "[profiles.prod]\nurl = {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let error = error_of(&text);
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn unknown_keys_are_errors_naming_key_profile_and_line() {
        let error = error_of("[profiles.prod]\nurl = \"https://x\"\nclent_id = \"app\"\n");
        assert_eq!(
            error,
            format!(
                "config file {FILE}, line 3: unknown key \"clent_id\" in profile \"prod\" (known keys: {})",
                PROFILE_KEYS.join(", ")
            )
        );
        let error = error_of("url = \"https://x\"\n");
        assert!(
            error.starts_with(&format!(
                "config file {FILE}, line 1: unknown key \"url\" at the top level"
            )),
            "{error}"
        );
        let error = error_of("[profile.prod]\nurl = \"https://x\"\n");
        assert!(
            error.contains("unknown key \"profile\" at the top level"),
            "{error}"
        );
    }

    #[test]
    fn wrong_types_name_the_key_and_never_the_value() {
        let cases = [
            (
                "client_secret = 12345678",
                "client_secret in profile \"prod\" must be a string",
                "12345678",
            ),
            (
                "timeout_secs = \"secret-as-timeout\"",
                "timeout_secs in profile \"prod\" must be a whole number of seconds from 1 to 86400",
                "secret-as-timeout",
            ),
            (
                "connect_timeout_secs = 0",
                "connect_timeout_secs in profile \"prod\" must be a whole number of seconds",
                "= 0",
            ),
            (
                "timeout_secs = -5",
                "timeout_secs in profile \"prod\" must be a whole number",
                "-5",
            ),
            (
                "timeout_secs = 2.5",
                "timeout_secs in profile \"prod\" must be a whole number",
                "2.5",
            ),
            (
                "url = \"\"",
                "url in profile \"prod\" must not be empty",
                "\"\"",
            ),
            (
                "ca_cert = [\"secret-in-array\"]",
                "ca_cert in profile \"prod\" must be a string",
                "secret-in-array",
            ),
        ];
        for (line, expected, value) in cases {
            let error = error_of(&format!("[profiles.prod]\n{line}\n"));
            assert!(
                error.starts_with(&format!("config file {FILE}, line 2: {expected}")),
                "{error} should start with {expected}"
            );
            assert!(!error.contains(value), "{error} quotes {value}");
        }
        assert_eq!(
            parse_str("[profiles.p]\ntimeout_secs = 0x1e\n").unwrap()["p"].timeout_secs,
            Some(30)
        );
    }

    #[test]
    fn a_profile_must_be_a_table_and_hold_one_kind_of_secret() {
        let error = error_of("profiles = 3\n");
        assert!(
            error.contains("profiles must be [profiles.NAME] tables"),
            "{error}"
        );
        let error = error_of("[profiles]\nprod = \"inline\"\n");
        assert!(
            error.contains("line 2: profile \"prod\" must be a table ([profiles.prod])"),
            "{error}"
        );
        let error = error_of(
            "[profiles.prod]\nclient_secret = \"both-secret\"\nclient_secret_file = \"/s\"\n",
        );
        assert!(
            error.contains(
                "line 3: profile \"prod\" sets both client_secret and client_secret_file; keep one"
            ),
            "{error}"
        );
        assert!(!error.contains("both-secret"), "{error}");
    }

    #[test]
    fn tilde_in_a_profile_path_needs_home() {
        let error = parse(
            Path::new(FILE),
            "[profiles.prod]\nca_cert = \"~/root.pem\"\n",
            None,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "cannot expand ~ in ca_cert in profile \"prod\": HOME is not set"
        );
    }

    #[test]
    fn line_column_counts_characters_and_survives_odd_offsets() {
        let text = "ab\nçd\nef";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'ç' is two bytes: 'd' is the second character of line 2.
        assert_eq!(line_column(text, 5), (2, 2));
        // Inside 'ç', and past the end: no panic.
        assert_eq!(line_column(text, 4).0, 2);
        assert_eq!(line_column(text, 100), (3, 3));
    }
}
