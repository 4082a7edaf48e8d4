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

/// Success.
pub const SUCCESS: u8 = 0;
/// Usage or local error (bad flags, unreadable file, malformed id file, unknown profile).
pub const LOCAL: u8 = 1;
/// API or network error: the call failed.
pub const API: u8 = 2;
/// A bulk run finished but some items failed.
pub const BULK_FAILED: u8 = 3;
/// Interrupted by Ctrl-C.
pub const INTERRUPTED: u8 = 130;

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
            Status::Success => SUCCESS,
            Status::Local => LOCAL,
            Status::Api => API,
            Status::BulkFailed => BULK_FAILED,
            Status::Interrupted => INTERRUPTED,
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

    #[test]
    fn the_numbers_are_the_documented_ones() {
        let all = [
            (Status::Success, 0),
            (Status::Local, 1),
            (Status::Api, 2),
            (Status::BulkFailed, 3),
            (Status::Interrupted, 130),
        ];
        for (status, code) in all {
            assert_eq!(status.code(), code, "{status:?}");
        }
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
