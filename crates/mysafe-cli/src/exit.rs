//! The exit codes of `mysafe` (README, "Command line"), one place for every module.
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | usage or local error: bad flags, unreadable file, malformed id file, unknown profile |
//! | 2 | API or network error: the call failed |
//! | 3 | a bulk run finished but some items failed |
//! | 130 | interrupted by Ctrl-C (bulk: after the calls in flight finished and the summary was written) |

use std::process::ExitCode;

/// How a run of `mysafe` ended, for the process's exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything asked was done.
    Success,
    /// A usage or local problem; nothing or not everything was sent.
    Local,
    /// The call failed at MySafe, the gateway or on the network.
    Api,
    /// A bulk run finished with failed items.
    BulkFailed,
    /// Ctrl-C stopped the run.
    Interrupted,
}

impl Status {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::Local => 1,
            Status::Api => 2,
            Status::BulkFailed => 3,
            Status::Interrupted => 130,
        }
    }

    /// The status of a failed client call: a request that could not be built or a
    /// client that could not be configured is local (nothing was sent), anything
    /// else is the API's or the network's.
    pub fn of_client_error(error: &mysafe_client::Error) -> Status {
        match error {
            mysafe_client::Error::InvalidRequest(_) | mysafe_client::Error::Config(_) => {
                Status::Local
            }
            _ => Status::Api,
        }
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes are the ones README's exit-code table documents, row for row.
    #[test]
    fn the_numbers_are_the_documented_ones() {
        let readme = include_str!("../../../README.md");
        let table = readme
            .split("| exit code | meaning |\n| --- | --- |\n")
            .nth(1)
            .expect("README has the exit-code table");
        let documented: Vec<u8> = table
            .lines()
            .take_while(|line| line.starts_with("| "))
            .map(|line| line[2..].split(' ').next().unwrap().parse().unwrap())
            .collect();
        let all = [
            Status::Success,
            Status::Local,
            Status::Api,
            Status::BulkFailed,
            Status::Interrupted,
        ];
        let codes: Vec<u8> = all.iter().map(|status| status.code()).collect();
        assert_eq!(codes, documented);
    }

    #[test]
    fn a_request_never_sent_is_local() {
        let invalid = mysafe_client::Error::InvalidRequest("identifier: not an integer".into());
        assert_eq!(Status::of_client_error(&invalid), Status::Local);
        let status = mysafe_client::Error::Status {
            status: 500,
            message: "Unexpected error.".into(),
        };
        assert_eq!(Status::of_client_error(&status), Status::Api);
    }
}
