//! The resolution as a whole: precedence, profile choice, config location, error
//! messages (they name the thing, never the secret), permission warnings, and the
//! clap definition. Files live in a tempdir; the environment is a map.

use std::cell::Cell;
use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{CommandFactory, Parser};
use mysafe_client::{ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ROUTE_PREFIX, ENV_TENANT, ENV_URL};

use super::resolve::Settings;
use super::{ConnectError, ConnectionArgs, ENV_PROFILE};

const PROFILE_SECRET: &str = "profile-secret-value";
const FILE_SECRET: &str = "file-secret-value";
const ENV_SECRET: &str = "env-secret-value";
const STDIN_SECRET: &str = "stdin-secret-value";

/// A home directory with `~/.config/mysafe/config.toml` and a secret file.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        let home = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(home.config_dir()).unwrap();
        home
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn config_dir(&self) -> PathBuf {
        self.path().join(".config").join("mysafe")
    }

    fn config_file(&self) -> PathBuf {
        self.config_dir().join("config.toml")
    }

    /// Writes `content` to `name` under the home directory, mode 0600.
    fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        set_mode(&path, 0o600);
        path
    }

    fn write_config(&self, content: &str) -> PathBuf {
        self.write(".config/mysafe/config.toml", content)
    }

    /// An environment holding only `HOME` and `pairs`.
    fn env(&self, pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        let mut map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        map.insert("HOME".into(), self.path().as_os_str().to_owned());
        move |name| map.get(name).cloned()
    }

    fn resolve(
        &self,
        args: &ConnectionArgs,
        env: &[(&str, &str)],
    ) -> Result<Settings, ConnectError> {
        args.resolve(&self.env(env), io::empty())
    }

    fn error(&self, args: &ConnectionArgs, env: &[(&str, &str)]) -> String {
        self.resolve(args, env).unwrap_err().to_string()
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

/// A default profile that gives every setting.
fn full_profile() -> String {
    format!(
        r#"
[profiles.default]
url = "https://profile.example.com"
client_id = "profile-id"
client_secret = "{PROFILE_SECRET}"
tenant = "profile-tenant"
route_prefix = "/iso"
timeout_secs = 7
connect_timeout_secs = 3

[profiles.prod]
url = "https://prod.example.com"
client_id = "prod-id"
client_secret_file = "~/prod.secret"
"#
    )
}

const FULL_ENV: &[(&str, &str)] = &[
    (ENV_URL, "https://env.example.com"),
    (ENV_CLIENT_ID, "env-id"),
    (ENV_CLIENT_SECRET, ENV_SECRET),
    (ENV_TENANT, "env-tenant"),
    (ENV_ROUTE_PREFIX, "/api"),
];

fn flags() -> ConnectionArgs {
    ConnectionArgs {
        url: Some("https://flag.example.com".into()),
        client_id: Some("flag-id".into()),
        tenant: Some("flag-tenant".into()),
        route_prefix: Some("/iso".into()),
        ..ConnectionArgs::default()
    }
}

fn summary(settings: &Settings) -> [Option<&str>; 4] {
    [
        Some(settings.url.as_str()),
        Some(settings.client_id.as_str()),
        settings.tenant.as_deref(),
        settings.route_prefix.as_deref(),
    ]
}

#[test]
fn flags_beat_environment_beat_profile() {
    let home = Home::new();
    home.write_config(&full_profile());
    let none = ConnectionArgs::default();

    let settings = home.resolve(&none, &[]).unwrap();
    assert_eq!(
        summary(&settings),
        [
            Some("https://profile.example.com"),
            Some("profile-id"),
            Some("profile-tenant"),
            Some("/iso")
        ]
    );
    assert_eq!(settings.client_secret.expose(), PROFILE_SECRET);
    assert_eq!(settings.timeout, Some(Duration::from_secs(7)));
    assert_eq!(settings.connect_timeout, Some(Duration::from_secs(3)));

    let settings = home.resolve(&none, FULL_ENV).unwrap();
    assert_eq!(
        summary(&settings),
        [
            Some("https://env.example.com"),
            Some("env-id"),
            Some("env-tenant"),
            Some("/api")
        ]
    );
    assert_eq!(settings.client_secret.expose(), ENV_SECRET);

    let args = ConnectionArgs {
        timeout: Some(40),
        connect_timeout: Some(5),
        ..flags()
    };
    let settings = home.resolve(&args, FULL_ENV).unwrap();
    assert_eq!(
        summary(&settings),
        [
            Some("https://flag.example.com"),
            Some("flag-id"),
            Some("flag-tenant"),
            Some("/iso")
        ]
    );
    assert_eq!(settings.timeout, Some(Duration::from_secs(40)));
    assert_eq!(settings.connect_timeout, Some(Duration::from_secs(5)));
}

#[test]
fn each_setting_falls_through_on_its_own() {
    let home = Home::new();
    home.write_config(&full_profile());
    // Only the URL from a flag, only the tenant from the environment.
    let args = ConnectionArgs {
        url: Some("https://flag.example.com".into()),
        ..ConnectionArgs::default()
    };
    let settings = home.resolve(&args, &[(ENV_TENANT, "env-tenant")]).unwrap();
    assert_eq!(
        summary(&settings),
        [
            Some("https://flag.example.com"),
            Some("profile-id"),
            Some("env-tenant"),
            Some("/iso")
        ]
    );
}

#[test]
fn an_empty_variable_counts_as_unset() {
    let home = Home::new();
    home.write_config(&full_profile());
    let settings = home
        .resolve(
            &ConnectionArgs::default(),
            &[(ENV_URL, ""), (ENV_CLIENT_SECRET, "")],
        )
        .unwrap();
    assert_eq!(settings.url, "https://profile.example.com");
    assert_eq!(settings.client_secret.expose(), PROFILE_SECRET);
}

#[cfg(unix)]
#[test]
fn a_variable_that_is_not_unicode_is_named_without_its_value() {
    use std::os::unix::ffi::OsStringExt;
    let home = Home::new();
    let base = home.env(FULL_ENV);
    let env = move |name: &str| {
        (name == ENV_CLIENT_SECRET)
            .then(|| OsString::from_vec(b"bad\xffsecret-tail".to_vec()))
            .or_else(|| base(name))
    };
    let error = ConnectionArgs::default()
        .resolve(&env, io::empty())
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "environment variable MYSAFE_CLIENT_SECRET is not valid Unicode"
    );
}

#[test]
fn the_client_secret_sources_in_order() {
    let home = Home::new();
    home.write_config(&full_profile());
    let secret_file = home.write("flag.secret", &format!("{FILE_SECRET}\n"));
    let with_file = ConnectionArgs {
        client_secret_file: Some(secret_file),
        ..ConnectionArgs::default()
    };
    let with_stdin = ConnectionArgs {
        client_secret_stdin: true,
        ..ConnectionArgs::default()
    };
    let secret = |args: &ConnectionArgs, env: &[(&str, &str)], stdin: &[u8]| {
        args.resolve(&home.env(env), stdin)
            .unwrap()
            .client_secret
            .expose()
            .to_owned()
    };
    let stdin = format!("{STDIN_SECRET}\n");
    assert_eq!(secret(&with_file, FULL_ENV, stdin.as_bytes()), FILE_SECRET);
    assert_eq!(
        secret(&with_stdin, FULL_ENV, stdin.as_bytes()),
        STDIN_SECRET
    );
    assert_eq!(
        secret(&ConnectionArgs::default(), FULL_ENV, stdin.as_bytes()),
        ENV_SECRET
    );
    assert_eq!(
        secret(&ConnectionArgs::default(), &[], stdin.as_bytes()),
        PROFILE_SECRET
    );
    // The prod profile points at ~/prod.secret.
    home.write("prod.secret", "prod-file-secret\n");
    let prod = ConnectionArgs {
        profile: Some("prod".into()),
        ..ConnectionArgs::default()
    };
    assert_eq!(secret(&prod, &[], b""), "prod-file-secret");
}

/// A reader that records whether anyone read it.
struct Watched<'a>(&'a Cell<bool>);

impl Read for Watched<'_> {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        self.0.set(true);
        Ok(0)
    }
}

#[test]
fn only_the_source_used_is_read() {
    let home = Home::new();
    // The profile's secret file does not exist; the environment's secret wins, so
    // it is never opened. Stdin is not read without --client-secret-stdin.
    home.write_config(
        "[profiles.default]\nurl = \"https://x.example.com\"\nclient_id = \"a\"\nclient_secret_file = \"missing.secret\"\n",
    );
    let read = Cell::new(false);
    let settings = ConnectionArgs::default()
        .resolve(
            &home.env(&[(ENV_CLIENT_SECRET, ENV_SECRET)]),
            Watched(&read),
        )
        .unwrap();
    assert_eq!(settings.client_secret.expose(), ENV_SECRET);
    assert!(!read.get(), "stdin was read");

    let error = home.error(&ConnectionArgs::default(), &[]);
    let missing = home.config_dir().join("missing.secret");
    assert_eq!(
        error,
        format!(
            "cannot read client secret file {}: no such file",
            missing.display()
        )
    );
}

#[test]
fn profile_choice_flag_then_variable_then_default() {
    let home = Home::new();
    home.write_config(&full_profile());
    home.write("prod.secret", "prod-file-secret\n");
    let default = home.resolve(&ConnectionArgs::default(), &[]).unwrap();
    assert_eq!(default.url, "https://profile.example.com");
    let by_env = home
        .resolve(&ConnectionArgs::default(), &[(ENV_PROFILE, "prod")])
        .unwrap();
    assert_eq!(by_env.url, "https://prod.example.com");
    let by_flag = ConnectionArgs {
        profile: Some("default".into()),
        ..ConnectionArgs::default()
    };
    let settings = home.resolve(&by_flag, &[(ENV_PROFILE, "prod")]).unwrap();
    assert_eq!(settings.url, "https://profile.example.com");
    // clap hands `MYSAFE_PROFILE=` on as an empty --profile: the default then.
    let empty = ConnectionArgs {
        profile: Some(String::new()),
        ..ConnectionArgs::default()
    };
    let settings = home.resolve(&empty, &[(ENV_PROFILE, "")]).unwrap();
    assert_eq!(settings.url, "https://profile.example.com");
}

#[test]
fn an_unknown_profile_names_itself_the_file_and_the_profiles_there() {
    let home = Home::new();
    let config = home.write_config(&full_profile());
    let stage = ConnectionArgs {
        profile: Some("stage".into()),
        ..ConnectionArgs::default()
    };
    assert_eq!(
        home.error(&stage, FULL_ENV),
        format!(
            "unknown profile \"stage\" in {} (profiles: default, prod)",
            config.display()
        )
    );
    let error = home.error(&ConnectionArgs::default(), &[(ENV_PROFILE, "stage")]);
    assert!(
        error.starts_with("unknown profile \"stage\" in "),
        "{error}"
    );

    // No config file at all: a named profile is still an error, naming the file.
    let empty = Home::new();
    assert_eq!(
        empty.error(&stage, FULL_ENV),
        format!(
            "unknown profile \"stage\": there is no config file {}",
            empty.config_file().display()
        )
    );
}

#[test]
fn a_missing_default_profile_or_file_is_fine_when_flags_and_env_give_everything() {
    let home = Home::new();
    let settings = home
        .resolve(&flags(), &[(ENV_CLIENT_SECRET, ENV_SECRET)])
        .unwrap();
    assert_eq!(settings.url, "https://flag.example.com");
    home.write_config("[profiles.other]\nurl = \"https://other.example.com\"\n");
    let settings = home
        .resolve(&flags(), &[(ENV_CLIENT_SECRET, ENV_SECRET)])
        .unwrap();
    assert_eq!(settings.url, "https://flag.example.com");
}

#[test]
fn the_config_file_is_found_by_flag_then_xdg_then_home() {
    let home = Home::new();
    home.write_config("[profiles.default]\nurl = \"https://home.example.com\"\n");
    home.write(
        "xdg/mysafe/config.toml",
        "[profiles.default]\nurl = \"https://xdg.example.com\"\n",
    );
    let named = home.write(
        "named.toml",
        "[profiles.default]\nurl = \"https://named.example.com\"\n",
    );
    let base: &[(&str, &str)] = &[(ENV_CLIENT_ID, "id"), (ENV_CLIENT_SECRET, ENV_SECRET)];
    let xdg = home.path().join("xdg");
    let xdg = xdg.to_str().unwrap();
    let with_xdg = [base, &[("XDG_CONFIG_HOME", xdg)]].concat();
    let url = |args: &ConnectionArgs, env: &[(&str, &str)]| home.resolve(args, env).unwrap().url;

    assert_eq!(
        url(&ConnectionArgs::default(), base),
        "https://home.example.com"
    );
    assert_eq!(
        url(&ConnectionArgs::default(), &with_xdg),
        "https://xdg.example.com"
    );
    // A relative XDG_CONFIG_HOME is ignored, as the XDG spec asks.
    let relative = [base, &[("XDG_CONFIG_HOME", "relative/dir")]].concat();
    assert_eq!(
        url(&ConnectionArgs::default(), &relative),
        "https://home.example.com"
    );
    let args = ConnectionArgs {
        config: Some(named),
        ..ConnectionArgs::default()
    };
    assert_eq!(url(&args, &with_xdg), "https://named.example.com");
    // `~` in --config (a shell leaves `--config=~/x` alone).
    let args = ConnectionArgs {
        config: Some("~/named.toml".into()),
        ..ConnectionArgs::default()
    };
    assert_eq!(url(&args, base), "https://named.example.com");
}

#[test]
fn a_named_config_file_must_exist() {
    let home = Home::new();
    let missing = home.path().join("nope.toml");
    let args = ConnectionArgs {
        config: Some(missing.clone()),
        ..flags()
    };
    assert_eq!(
        home.error(&args, &[(ENV_CLIENT_SECRET, ENV_SECRET)]),
        format!(
            "cannot read config file {}: no such file",
            missing.display()
        )
    );
}

#[test]
fn missing_settings_name_every_place_and_no_secret() {
    let home = Home::new();
    let config = home.write_config(&format!(
        "[profiles.prod]\nclient_secret = \"{PROFILE_SECRET}\"\n"
    ));
    let prod = ConnectionArgs {
        profile: Some("prod".into()),
        ..ConnectionArgs::default()
    };
    let file = config.display();
    assert_eq!(
        home.error(&prod, &[(ENV_CLIENT_ID, "id")]),
        format!("no API URL: pass --url, set MYSAFE_URL, or set url in profile \"prod\" of {file}")
    );
    assert_eq!(
        home.error(&prod, &[(ENV_URL, "https://x.example.com")]),
        format!(
            "no client id: pass --client-id, set MYSAFE_CLIENT_ID, or set client_id in profile \"prod\" of {file}"
        )
    );
    let nothing = Home::new();
    let error = nothing.error(&flags(), &[]);
    assert_eq!(
        error,
        format!(
            "no client secret: pass --client-secret-file FILE or --client-secret-stdin, set MYSAFE_CLIENT_SECRET, or set client_secret_file in profile \"default\" of {}",
            nothing.config_file().display()
        )
    );
    // Without HOME or XDG_CONFIG_HOME there is no file to name.
    let error = flags()
        .resolve(&|_: &str| None, io::empty())
        .unwrap_err()
        .to_string();
    assert!(
        error.ends_with("in profile \"default\" of a config file (--config FILE)"),
        "{error}"
    );
    for error in [home.error(&prod, &[]), error] {
        assert!(!error.contains(PROFILE_SECRET), "{error}");
    }
}

#[cfg(unix)]
#[test]
fn loose_permissions_give_warnings_not_errors() {
    let home = Home::new();
    let config = home.write_config(&full_profile());
    let settings = home.resolve(&ConnectionArgs::default(), &[]).unwrap();
    assert!(settings.warnings.is_empty(), "{:?}", settings.warnings);

    set_mode(&config, 0o644);
    let settings = home.resolve(&ConnectionArgs::default(), &[]).unwrap();
    assert_eq!(
        settings.warnings,
        vec![format!(
            "warning: config file {} is readable by group or others (mode 0644); run chmod 600 on it",
            config.display()
        )]
    );

    // A profile that points to a secret file: the config file and the secret file
    // are both checked.
    set_mode(&config, 0o640);
    let secret = home.write("prod.secret", "prod-file-secret\n");
    set_mode(&secret, 0o604);
    let prod = ConnectionArgs {
        profile: Some("prod".into()),
        ..ConnectionArgs::default()
    };
    let warnings = home.resolve(&prod, &[]).unwrap().warnings;
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("config file") && warnings[0].contains("mode 0640"));
    assert!(
        warnings[1].contains(&format!("client secret file {}", secret.display()))
            && warnings[1].contains("mode 0604"),
        "{warnings:?}"
    );
    for warning in &warnings {
        assert!(!warning.contains("prod-file-secret"), "{warning}");
    }
}

#[test]
fn a_syntax_error_in_the_config_names_the_file_and_hides_the_line() {
    let home = Home::new();
    let config = home.write_config(
        "[profiles.default]\nurl = \"https://x.example.com\"\nclient_secret = s3cr3t-unquoted\n",
    );
    let error = home.error(&ConnectionArgs::default(), &[]);
    assert!(
        error.starts_with(&format!(
            "config file {}: TOML syntax error at line 3, column",
            config.display()
        )),
        "{error}"
    );
    assert!(!error.contains("s3cr3t"), "{error}");
}

#[test]
fn tilde_in_the_secret_file_flag_uses_home() {
    let home = Home::new();
    home.write("flag.secret", FILE_SECRET);
    let args = ConnectionArgs {
        client_secret_file: Some("~/flag.secret".into()),
        ..flags()
    };
    let settings = home.resolve(&args, &[]).unwrap();
    assert_eq!(settings.client_secret.expose(), FILE_SECRET);
}

#[test]
fn settings_debug_shows_no_secret() {
    let home = Home::new();
    home.write_config(&full_profile());
    let settings = home.resolve(&ConnectionArgs::default(), &[]).unwrap();
    let debug = format!("{settings:?}");
    assert!(debug.contains("profile-id"), "{debug}");
    assert!(!debug.contains(PROFILE_SECRET), "{debug}");
}

/// A self-signed CA made for the client's tests (`mysafe-client`'s config.rs).
const TEST_CA: &str = "\
-----BEGIN CERTIFICATE-----\n\
MIIBjjCCATWgAwIBAgIUWDoTrHn5s+e5XTYa9+umzUiEslowCgYIKoZIzj0EAwIw\n\
HDEaMBgGA1UEAwwRbXlzYWZlLXJzIHRlc3QgQ0EwIBcNMjYxMTIyMTQ0MDEzWhgP\n\
MjEyNjEwMjkxNDQwMTNaMBwxGjAYBgNVBAMMEW15c2FmZS1ycyB0ZXN0IENBMFkw\n\
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3/HwFI8c4HA2XeO9o7XVHDkyMqTOlsFc\n\
QLSCjkfu19JSbdWthBHMw84nwrusY2PtBRZjORP97CysaPewKGCb06NTMFEwHQYD\n\
VR0OBBYEFDsBqHYN3uFVvivhxuFZVTNr8dFZMB8GA1UdIwQYMBaAFDsBqHYN3uFV\n\
vivhxuFZVTNr8dFZMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIg\n\
JaSKKyzOVz3DFZfh1LU+1c7TspKhQc/qF/Q7TGc1ukQCIDvQCUI2uR7byW9Nhkxv\n\
RAhhjUvo+pyXzuwfNqtb6wEd\n\
-----END CERTIFICATE-----\n\
";

#[test]
fn the_ca_certificate_comes_from_flag_or_profile_and_must_be_pem() {
    let home = Home::new();
    let ca = home.write("ca/root.pem", TEST_CA);
    home.write_config(&format!(
        "{}ca_cert = \"../../ca/root.pem\"\n",
        full_profile()
    ));
    let prod = ConnectionArgs {
        profile: Some("prod".into()),
        ..ConnectionArgs::default()
    };
    home.write("prod.secret", "prod-file-secret");
    // The profile's relative path is taken from the config file's directory.
    let settings = home.resolve(&prod, &[]).unwrap();
    let from_profile = settings.ca_cert.as_ref().unwrap();
    assert_eq!(
        from_profile.path.canonicalize().unwrap(),
        ca.canonicalize().unwrap()
    );
    settings.build().unwrap();

    let not_pem = home.write("ca/secret-looking.txt", "MIIB-not-a-pem-secret-text\n");
    let args = ConnectionArgs {
        ca_cert: Some(not_pem.clone()),
        ..prod.clone()
    };
    let error = home.error(&args, &[]);
    assert_eq!(
        error,
        format!(
            "CA certificate file {}: is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)",
            not_pem.display()
        )
    );
    assert!(!error.contains("MIIB-not"), "{error}");

    // A PEM header over garbage: the client refuses it; the message names the file.
    let broken = home.write(
        "ca/broken.pem",
        "-----BEGIN CERTIFICATE-----\nbroken-body-text\n-----END CERTIFICATE-----\n",
    );
    let args = ConnectionArgs {
        ca_cert: Some(broken.clone()),
        ..prod.clone()
    };
    let error = home
        .resolve(&args, &[])
        .unwrap()
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(&format!("CA certificate file {}: ", broken.display())),
        "{error}"
    );
    assert!(!error.contains("broken-body-text"), "{error}");

    let missing = home.path().join("ca/none.pem");
    let args = ConnectionArgs {
        ca_cert: Some(missing.clone()),
        ..prod
    };
    assert_eq!(
        home.error(&args, &[]),
        format!(
            "cannot read CA certificate file {}: no such file",
            missing.display()
        )
    );
}

#[test]
fn the_clients_refusals_keep_their_message() {
    let home = Home::new();
    let build = |args: ConnectionArgs| {
        home.resolve(&args, &[(ENV_CLIENT_SECRET, ENV_SECRET)])
            .unwrap()
            .build()
            .unwrap_err()
            .to_string()
    };
    let error = build(ConnectionArgs {
        url: Some("ftp://x.example.com".into()),
        ..flags()
    });
    assert_eq!(
        error,
        "base URL \"ftp://x.example.com\" must start with https:// (or http://)"
    );
    let error = build(ConnectionArgs {
        route_prefix: Some("/no-such-prefix".into()),
        ..flags()
    });
    assert!(error.contains("/no-such-prefix"), "{error}");
    assert!(!error.contains(ENV_SECRET), "{error}");
}

#[derive(Parser, Debug)]
struct Cli {
    #[command(flatten)]
    connection: ConnectionArgs,
}

#[test]
fn no_flag_takes_the_secret_as_its_value() {
    let command = Cli::command();
    let mut secret_flags = Vec::new();
    for arg in command.get_arguments() {
        let long = arg.get_long().unwrap_or_default();
        if long.contains("secret") {
            let value_names: Vec<String> = if arg.get_action().takes_values() {
                arg.get_value_names()
                    .unwrap_or_default()
                    .iter()
                    .map(|name| name.to_string())
                    .collect()
            } else {
                Vec::new()
            };
            secret_flags.push((long.to_owned(), value_names));
        }
    }
    secret_flags.sort();
    // The file flag takes a path; the stdin flag takes nothing.
    assert_eq!(
        secret_flags,
        vec![
            ("client-secret-file".to_owned(), vec!["FILE".to_owned()]),
            ("client-secret-stdin".to_owned(), vec![]),
        ]
    );
    let error = Cli::try_parse_from(["t", "--client-secret", "x"]).unwrap_err();
    assert_eq!(error.kind(), clap::error::ErrorKind::UnknownArgument);
}

#[test]
fn clap_refuses_two_secret_sources_empty_values_and_zero_timeouts() {
    let both = Cli::try_parse_from(["t", "--client-secret-file", "f", "--client-secret-stdin"]);
    assert_eq!(
        both.unwrap_err().kind(),
        clap::error::ErrorKind::ArgumentConflict
    );
    assert!(Cli::try_parse_from(["t", "--url", ""]).is_err());
    assert!(Cli::try_parse_from(["t", "--timeout", "0"]).is_err());
    assert!(Cli::try_parse_from(["t", "--timeout", "86401"]).is_err());
    let cli = Cli::try_parse_from(["t", "--client-secret-stdin", "--timeout", "5"]).unwrap();
    assert!(cli.connection.reads_stdin());
    assert_eq!(cli.connection.timeout, Some(5));
    let cli = Cli::try_parse_from(["t", "--client-secret-file", "f"]).unwrap();
    assert!(!cli.connection.reads_stdin());
    for stdin in ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"] {
        let cli = Cli::try_parse_from(["t", "--client-secret-file", stdin]).unwrap();
        assert!(cli.connection.reads_stdin(), "{stdin}");
    }
    Cli::command().debug_assert();
}

#[test]
fn help_groups_the_options_and_keeps_the_parents_about() {
    /// The parent's own about.
    #[derive(Parser, Debug)]
    struct Parent {
        #[command(flatten)]
        connection: ConnectionArgs,
    }
    let help = Parent::command().render_long_help().to_string();
    assert!(help.starts_with("The parent's own about"), "{help}");
    assert!(help.contains("Connection options:"), "{help}");
    for name in [
        ENV_URL,
        ENV_CLIENT_ID,
        ENV_CLIENT_SECRET,
        ENV_TENANT,
        ENV_ROUTE_PREFIX,
        ENV_PROFILE,
    ] {
        assert!(help.contains(name), "{name} missing from {help}");
    }
    // The struct's own doc comment is for developers, not for --help.
    assert!(!help.contains("TOP-LEVEL"), "{help}");
}

#[test]
fn the_options_sit_beside_subcommands_that_have_the_same_flags() {
    // The generated list commands have a `--url` filter (and could have others of
    // these names): on the top-level command only, the two never meet.
    use clap::{Arg, Args, Command, FromArgMatches};
    let list = Command::new("list")
        .arg(Arg::new("url").long("url"))
        .arg(Arg::new("timeout").long("timeout"));
    let top = ConnectionArgs::augment_args(Command::new("mysafe")).subcommand(list);
    top.clone().debug_assert();
    let matches = top
        .try_get_matches_from([
            "mysafe",
            "--url",
            "https://top.example.com",
            "list",
            "--url",
            "filter-value",
        ])
        .unwrap();
    let args = ConnectionArgs::from_arg_matches(&matches).unwrap();
    assert_eq!(args.url.as_deref(), Some("https://top.example.com"));
    let (_, list) = matches.subcommand().unwrap();
    assert_eq!(
        list.get_one::<String>("url").map(String::as_str),
        Some("filter-value")
    );
}
