//! Reading the files and the stdin line the connection settings come from: bounded
//! reads, the client secret straight into a [`Secret`], permission warnings and `~`.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use mysafe_client::Secret;

use super::error::ConnectError;

/// The largest client secret file or stdin line read. Client secrets are tens of
/// bytes; the bound keeps `--client-secret-file /dev/zero` from reading forever.
pub(crate) const MAX_SECRET_BYTES: u64 = 64 * 1024;
/// The largest config file or CA certificate file read.
pub(crate) const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The whole content of `path`, at most `limit` bytes.
///
/// The buffer is sized from the file's length first, so that a secret is not left
/// behind in the freed buffers a growing `Vec` would leave.
pub(crate) fn read_limited(
    what: &'static str,
    path: &Path,
    limit: u64,
) -> Result<Vec<u8>, ConnectError> {
    let unreadable = |error: io::Error| ConnectError::unreadable(what, path, &error);
    let file = File::open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(ConnectError::unreadable(
            what,
            path,
            &io::Error::from(io::ErrorKind::IsADirectory),
        ));
    }
    let expected = metadata.len().min(limit) as usize;
    let mut content = Vec::with_capacity(expected + 1);
    file.take(limit + 1)
        .read_to_end(&mut content)
        .map_err(unreadable)?;
    if content.len() as u64 > limit {
        return Err(ConnectError::bad_content(
            what,
            path,
            &format!("is larger than {limit} bytes"),
        ));
    }
    Ok(content)
}

/// The client secret held in `path`: its content without one trailing newline.
/// An empty secret is an error. Warns when others than the owner may read the file.
pub(crate) fn read_secret_file(
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<Secret, ConnectError> {
    const WHAT: &str = "client secret file";
    let content = read_limited(WHAT, path, MAX_SECRET_BYTES)?;
    warnings.extend(permission_warning(WHAT, path));
    secret_from_bytes(WHAT, path, content)
}

/// The client secret from the first line of `input` (stdin). Reads byte by byte up
/// to the newline and no further, so nothing after the line is consumed.
#[expect(
    clippy::unbuffered_bytes,
    reason = "a buffer would consume stdin past the secret's line; std's stdin buffers anyway"
)]
pub(crate) fn read_secret_line(input: impl Read) -> Result<Secret, ConnectError> {
    const WHAT: &str = "client secret from";
    let stdin = Path::new("stdin");
    let mut line = Vec::with_capacity(128);
    for byte in input.take(MAX_SECRET_BYTES + 1).bytes() {
        let byte = byte.map_err(|error| ConnectError::unreadable(WHAT, stdin, &error))?;
        line.push(byte);
        if byte == b'\n' {
            break;
        }
    }
    if line.len() as u64 > MAX_SECRET_BYTES {
        return Err(ConnectError::bad_content(
            WHAT,
            stdin,
            &format!("the line is longer than {MAX_SECRET_BYTES} bytes"),
        ));
    }
    if line.is_empty() {
        return Err(ConnectError::bad_content(
            WHAT,
            stdin,
            "stdin is empty (--client-secret-stdin reads one line)",
        ));
    }
    secret_from_bytes(WHAT, stdin, line)
}

/// `bytes` as a secret, without one trailing `\n` or `\r\n`. The `String` moves
/// into the [`Secret`] without a copy.
fn secret_from_bytes(
    what: &'static str,
    source_name: &Path,
    mut bytes: Vec<u8>,
) -> Result<Secret, ConnectError> {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.is_empty() {
        return Err(ConnectError::bad_content(what, source_name, "is empty"));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Secret::new(text)),
        // Dropping the bytes un-zeroed is the price of not holding a zeroizing
        // dependency for this one error path; they were never shown.
        Err(_) => Err(ConnectError::bad_content(
            what,
            source_name,
            "is not valid UTF-8",
        )),
    }
}

/// A warning line when group or others have any access to `path` (mode & 0o077),
/// or `None` (always on platforms without unix modes).
pub(crate) fn permission_warning(what: &str, path: &Path) -> Option<String> {
    let mode = loose_mode(path)?;
    Some(format!(
        "warning: {what} {} is readable by group or others (mode {mode:04o}); run chmod 600 on it",
        path.display()
    ))
}

#[cfg(unix)]
fn loose_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn loose_mode(_path: &Path) -> Option<u32> {
    None
}

/// `path` with a leading `~` or `~/` replaced by `home`; `what` names the setting
/// for the error when `home` is unknown. `~user` is left alone (a file of that name).
pub(crate) fn expand_tilde(
    path: &Path,
    home: Option<&Path>,
    what: &str,
) -> Result<PathBuf, ConnectError> {
    let Ok(rest) = path.strip_prefix("~") else {
        return Ok(path.to_owned());
    };
    match home {
        Some(home) => Ok(home.join(rest)),
        None => Err(ConnectError::NoHome {
            what: what.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn write_with_mode(dir: &Path, name: &str, content: &[u8], mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[cfg(unix)]
    #[test]
    fn secret_file_loses_one_trailing_newline_and_warns_when_loose() {
        let dir = tempfile::tempdir().unwrap();
        let tight = write_with_mode(dir.path(), "tight", b"s3cr3t-value\n", 0o600);
        let mut warnings = Vec::new();
        let secret = read_secret_file(&tight, &mut warnings).unwrap();
        assert_eq!(secret.expose(), "s3cr3t-value");
        assert!(warnings.is_empty(), "{warnings:?}");

        let loose = write_with_mode(dir.path(), "loose", b"s3cr3t-value\r\n\n", 0o644);
        let secret = read_secret_file(&loose, &mut warnings).unwrap();
        // Only one newline goes: the second is part of the value as written.
        assert_eq!(secret.expose(), "s3cr3t-value\r\n");
        assert_eq!(
            warnings,
            vec![format!(
                "warning: client secret file {} is readable by group or others (mode 0644); run chmod 600 on it",
                loose.display()
            )]
        );
    }

    #[cfg(unix)]
    #[test]
    fn empty_missing_unreadable_and_binary_secret_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let mut warnings = Vec::new();
        let empty = write_with_mode(dir.path(), "empty", b"\n", 0o600);
        let error = read_secret_file(&empty, &mut warnings).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("client secret file {}: is empty", empty.display())
        );

        let missing = dir.path().join("missing");
        let error = read_secret_file(&missing, &mut warnings).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "cannot read client secret file {}: no such file",
                missing.display()
            )
        );

        let binary = write_with_mode(dir.path(), "binary", b"abc\xffsecret-tail", 0o600);
        let error = read_secret_file(&binary, &mut warnings)
            .unwrap_err()
            .to_string();
        assert!(error.ends_with("is not valid UTF-8"), "{error}");
        assert!(!error.contains("secret-tail"), "{error}");

        let error = read_secret_file(dir.path(), &mut warnings).unwrap_err();
        assert!(error.to_string().ends_with(": is a directory"), "{error}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_without_reading_it_all() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 100]).unwrap();
        let error = read_limited("CA certificate file", &big, 99).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "CA certificate file {}: is larger than 99 bytes",
                big.display()
            )
        );
        assert_eq!(read_limited("x", &big, 100).unwrap().len(), 100);
    }

    #[test]
    fn stdin_gives_its_first_line_and_leaves_the_rest() {
        let mut input: &[u8] = b"line-secret\nnext line\n";
        let secret = read_secret_line(&mut input).unwrap();
        assert_eq!(secret.expose(), "line-secret");
        assert_eq!(input, b"next line\n");

        let secret = read_secret_line(&b"no-newline"[..]).unwrap();
        assert_eq!(secret.expose(), "no-newline");

        let error = read_secret_line(&b""[..]).unwrap_err().to_string();
        assert!(error.contains("stdin is empty"), "{error}");
        let error = read_secret_line(&b"\nsecond-line-secret\n"[..])
            .unwrap_err()
            .to_string();
        assert_eq!(error, "client secret from stdin: is empty");
        let long = vec![b'x'; MAX_SECRET_BYTES as usize + 10];
        let error = read_secret_line(&long[..]).unwrap_err().to_string();
        assert!(error.contains("longer than"), "{error}");
    }

    #[test]
    fn tilde_expands_to_home_only_at_the_start() {
        let home = Path::new("/home/ana");
        let expand = |p: &str| expand_tilde(Path::new(p), Some(home), "ca_cert");
        assert_eq!(
            expand("~/.config/mysafe/prod.secret").unwrap(),
            PathBuf::from("/home/ana/.config/mysafe/prod.secret")
        );
        assert_eq!(expand("~").unwrap(), PathBuf::from("/home/ana"));
        assert_eq!(expand("~bob/x").unwrap(), PathBuf::from("~bob/x"));
        assert_eq!(expand("/etc/~/x").unwrap(), PathBuf::from("/etc/~/x"));
        let error = expand_tilde(Path::new("~/x"), None, "ca_cert in profile \"prod\"")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "cannot expand ~ in ca_cert in profile \"prod\": HOME is not set"
        );
    }
}
