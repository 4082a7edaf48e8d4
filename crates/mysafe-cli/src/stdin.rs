//! Which paths read the process's stdin, so that `mysafe` can refuse a command line
//! where two options would read it (app.rs, `stdin_readers`).

use std::path::Path;

/// The names Linux and the BSDs give the process's stdin as a file.
const STDIN_DEVICES: [&str; 3] = ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"];

/// Whether opening `path` as a file reads stdin.
pub fn is_stdin_device(path: &Path) -> bool {
    STDIN_DEVICES.iter().any(|name| path == Path::new(name))
}

/// Whether an option that takes `-` for stdin (`--json-body`, `--ids-from`) reads
/// stdin with `path`: `-` itself, or one of stdin's device names.
pub fn reads_stdin(path: &Path) -> bool {
    path.as_os_str() == "-" || is_stdin_device(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_and_the_devices_read_stdin_and_files_do_not() {
        for path in ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"] {
            assert!(reads_stdin(Path::new(path)), "{path}");
        }
        assert!(!is_stdin_device(Path::new("-")));
        assert!(!reads_stdin(Path::new("ids.txt")));
        assert!(!reads_stdin(Path::new("/dev/stdout")));
    }
}
