//! Resolving the settings: flags, then the environment, then the profile; and the
//! [`Settings`] they give, turned into a client.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use mysafe_client::{
    Client, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ROUTE_PREFIX, ENV_TENANT, ENV_URL, RetryPolicy,
    Secret,
};

use super::config_file::{ConfigFile, Profile};
use super::error::{ConnectError, Missing, Setting};
use super::files::{self, MAX_FILE_BYTES};
use super::{ConnectionArgs, ENV_PROFILE};

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// Everything the client is built from, resolved. `Debug` shows no secret.
pub(crate) struct Settings {
    pub url: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub tenant: Option<String>,
    pub route_prefix: Option<String>,
    pub ca_cert: Option<CaCert>,
    pub timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    /// Lines for stderr (loose file permissions).
    pub warnings: Vec<String>,
}

/// An extra root CA: where it came from (for messages) and its PEM text.
pub(crate) struct CaCert {
    pub path: PathBuf,
    pub pem: Vec<u8>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("tenant", &self.tenant)
            .field("route_prefix", &self.route_prefix)
            .field("ca_cert", &self.ca_cert.as_ref().map(|ca| &ca.path))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl Settings {
    /// Builds the client. The client checks the URL, the route prefix and the
    /// certificate; its refusal keeps its message, with the CA file named.
    pub fn build(self) -> Result<Client, ConnectError> {
        let mut builder = Client::builder()
            .base_url(self.url)
            .client_id(self.client_id)
            .client_secret(self.client_secret)
            .user_agent(concat!("mysafe-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(tenant) = self.tenant {
            builder = builder.tenant(tenant);
        }
        if let Some(prefix) = self.route_prefix {
            builder = builder.route_prefix(prefix);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(policy) = self.timeout.and_then(policy_for_timeout) {
            builder = builder.retry_policy(policy);
        }
        if let Some(timeout) = self.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        let ca_path = self.ca_cert.as_ref().map(|ca| ca.path.clone());
        if let Some(ca) = self.ca_cert {
            builder = builder.add_root_certificate_pem(ca.pem);
        }
        builder.build().map_err(|error| match (error, ca_path) {
            // The client numbers the certificates it was given; the CLI gives one.
            (mysafe_client::Error::Config(message), Some(path))
                if message.starts_with("root certificate #1") =>
            {
                let reason = message.trim_start_matches("root certificate #1: ");
                ConnectError::bad_content("CA certificate file", &path, reason)
            }
            (error, _) => ConnectError::from(error),
        })
    }
}

/// The client's default retry policy with a deadline long enough for one whole
/// attempt of `timeout`, or `None` when the default's deadline already is. The
/// deadline bounds a call and its retries, attempts included, so without this
/// `--timeout 120` would end every attempt at the default's 60 s.
fn policy_for_timeout(timeout: Duration) -> Option<RetryPolicy> {
    let policy = RetryPolicy::default();
    (timeout > policy.deadline).then_some(RetryPolicy {
        deadline: timeout,
        ..policy
    })
}

/// The environment as the resolution sees it: a lookup, so tests need not touch the
/// process's variables.
struct Env<'a, F> {
    lookup: &'a F,
}

impl<F: Fn(&str) -> Option<OsString>> Env<'_, F> {
    /// The variable as text; unset and empty are the same (so `VAR= mysafe ...`
    /// falls through to the profile), and one that is not Unicode is an error
    /// naming it, as in `Client::from_env`.
    fn text(&self, name: &'static str) -> Result<Option<String>, ConnectError> {
        match (self.lookup)(name) {
            None => Ok(None),
            Some(value) if value.is_empty() => Ok(None),
            Some(value) => value
                .into_string()
                .map(Some)
                .map_err(|_| ConnectError::NotUnicode(name)),
        }
    }

    /// The variable as a path; unset and empty are the same.
    fn path(&self, name: &str) -> Option<PathBuf> {
        (self.lookup)(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    }
}

/// The first of a flag, an environment variable (looked up only when the flag is
/// absent) and the profile's value.
fn first<T>(
    flag: Option<T>,
    env: impl FnOnce() -> Result<Option<T>, ConnectError>,
    profile: Option<T>,
) -> Result<Option<T>, ConnectError> {
    if flag.is_some() {
        return Ok(flag);
    }
    Ok(env()?.or(profile))
}

/// Where the config file is looked for, and whether the user named it.
struct ConfigLocation {
    path: Option<PathBuf>,
    named: bool,
}

impl ConnectionArgs {
    /// Resolves every setting: flags, then the environment `env`, then the chosen
    /// profile. `stdin` is read only for `--client-secret-stdin`.
    pub(crate) fn resolve<F: Fn(&str) -> Option<OsString>>(
        &self,
        env: &F,
        stdin: impl Read,
    ) -> Result<Settings, ConnectError> {
        let env = Env { lookup: env };
        let home = env.path("HOME");
        let mut warnings = Vec::new();
        let location = self.config_location(&env, home.as_deref())?;
        let config = load_config(&location, home.as_deref(), &mut warnings)?;
        let (profile_name, named) = self.profile_name(&env)?;
        let mut profile = choose_profile(config, &location, &profile_name, named)?;
        let missing = |setting| {
            ConnectError::Missing(Missing {
                setting,
                profile: profile_name.clone(),
                config: location.path.clone(),
            })
        };

        let url = first(self.url.clone(), || env.text(ENV_URL), profile.url.take())?
            .ok_or_else(|| missing(Setting::Url))?;
        let client_id = first(
            self.client_id.clone(),
            || env.text(ENV_CLIENT_ID),
            profile.client_id.take(),
        )?
        .ok_or_else(|| missing(Setting::ClientId))?;
        let client_secret = self
            .client_secret(&env, home.as_deref(), &mut profile, stdin, &mut warnings)?
            .ok_or_else(|| missing(Setting::ClientSecret))?;
        let tenant = first(
            self.tenant.clone(),
            || env.text(ENV_TENANT),
            profile.tenant.take(),
        )?;
        let route_prefix = first(
            self.route_prefix.clone(),
            || env.text(ENV_ROUTE_PREFIX),
            profile.route_prefix.take(),
        )?;
        let ca_path = match &self.ca_cert {
            Some(path) => Some(files::expand_tilde(path, home.as_deref(), "--ca-cert")?),
            None => profile.ca_cert.take(),
        };
        let ca_cert = ca_path.map(read_ca_cert).transpose()?;
        let seconds =
            |flag: Option<u64>, profile: Option<u64>| flag.or(profile).map(Duration::from_secs);
        Ok(Settings {
            url,
            client_id,
            client_secret,
            tenant,
            route_prefix,
            ca_cert,
            timeout: seconds(self.timeout, profile.timeout_secs),
            connect_timeout: seconds(self.connect_timeout, profile.connect_timeout_secs),
            warnings,
        })
    }

    /// `--config`, else `$XDG_CONFIG_HOME/mysafe/config.toml` (an absolute
    /// `XDG_CONFIG_HOME` only, as the XDG spec asks), else
    /// `$HOME/.config/mysafe/config.toml`.
    fn config_location<F: Fn(&str) -> Option<OsString>>(
        &self,
        env: &Env<'_, F>,
        home: Option<&Path>,
    ) -> Result<ConfigLocation, ConnectError> {
        if let Some(path) = &self.config {
            return Ok(ConfigLocation {
                path: Some(files::expand_tilde(path, home, "--config")?),
                named: true,
            });
        }
        let base = env
            .path("XDG_CONFIG_HOME")
            .filter(|path| path.is_absolute())
            .or_else(|| home.map(|home| home.join(".config")));
        Ok(ConfigLocation {
            path: base.map(|base| base.join("mysafe").join("config.toml")),
            named: false,
        })
    }

    /// The profile's name and whether it was named (`--profile`, `MYSAFE_PROFILE`)
    /// rather than the default.
    fn profile_name<F: Fn(&str) -> Option<OsString>>(
        &self,
        env: &Env<'_, F>,
    ) -> Result<(String, bool), ConnectError> {
        // clap fills `profile` from MYSAFE_PROFILE too; the lookup here makes the
        // same precedence hold for arguments built without clap.
        let flag = self.profile.clone().filter(|name| !name.is_empty());
        match first(flag, || env.text(ENV_PROFILE), None)? {
            Some(name) => Ok((name, true)),
            None => Ok((DEFAULT_PROFILE.to_owned(), false)),
        }
    }

    /// The client secret: `--client-secret-file`, `--client-secret-stdin`,
    /// `MYSAFE_CLIENT_SECRET`, the profile's `client_secret_file`, its
    /// `client_secret`. Only the source used is read.
    fn client_secret<F: Fn(&str) -> Option<OsString>>(
        &self,
        env: &Env<'_, F>,
        home: Option<&Path>,
        profile: &mut Profile,
        stdin: impl Read,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Secret>, ConnectError> {
        if let Some(path) = &self.client_secret_file {
            let path = files::expand_tilde(path, home, "--client-secret-file")?;
            return files::read_secret_file(&path, warnings).map(Some);
        }
        if self.client_secret_stdin {
            return files::read_secret_line(stdin).map(Some);
        }
        // The variable's String moves into the Secret; no copy is left behind.
        if let Some(value) = env.text(ENV_CLIENT_SECRET)? {
            return Ok(Some(Secret::new(value)));
        }
        if let Some(path) = &profile.client_secret_file {
            return files::read_secret_file(path, warnings).map(Some);
        }
        Ok(profile.client_secret.take())
    }
}

/// The config file, if there is one: a named one must exist; the default one may
/// be missing.
fn load_config(
    location: &ConfigLocation,
    home: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Result<Option<ConfigFile>, ConnectError> {
    let Some(path) = &location.path else {
        return Ok(None);
    };
    if !location.named {
        match std::fs::metadata(path) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            _ => {}
        }
    }
    ConfigFile::load(path, home, warnings).map(Some)
}

/// The profile called `name`: an empty one when the default profile is missing
/// (flags and environment may give everything), an error when a named one is.
fn choose_profile(
    config: Option<ConfigFile>,
    location: &ConfigLocation,
    name: &str,
    named: bool,
) -> Result<Profile, ConnectError> {
    let Some(mut config) = config else {
        return if named {
            Err(ConnectError::NoConfigFile {
                profile: name.to_owned(),
                path: location.path.clone(),
            })
        } else {
            Ok(Profile::default())
        };
    };
    match config.profiles.remove(name) {
        Some(profile) => Ok(profile),
        None if !named => Ok(Profile::default()),
        None => Err(ConnectError::UnknownProfile {
            profile: name.to_owned(),
            path: config.path,
            known: config.profiles.into_keys().collect(),
        }),
    }
}

/// The CA file's PEM text. A file without a PEM certificate in it (a DER file, a
/// key, the wrong file) is refused here with its name; the client checks the rest.
fn read_ca_cert(path: PathBuf) -> Result<CaCert, ConnectError> {
    const WHAT: &str = "CA certificate file";
    let pem = files::read_limited(WHAT, &path, MAX_FILE_BYTES)?;
    let marker = b"-----BEGIN CERTIFICATE-----";
    if !pem.windows(marker.len()).any(|window| window == marker) {
        return Err(ConnectError::bad_content(
            WHAT,
            &path,
            "is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)",
        ));
    }
    Ok(CaCert { path, pem })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_longer_than_the_default_deadline_moves_the_deadline() {
        let default = RetryPolicy::default();
        assert_eq!(policy_for_timeout(Duration::from_secs(30)), None);
        assert_eq!(policy_for_timeout(default.deadline), None);
        let policy = policy_for_timeout(Duration::from_secs(120)).unwrap();
        assert_eq!(policy.deadline, Duration::from_secs(120));
        assert_eq!(
            RetryPolicy {
                deadline: default.deadline,
                ..policy
            },
            default,
            "only the deadline changes"
        );
    }
}
