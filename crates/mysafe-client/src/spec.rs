//! What `openapi/mysafe.yaml` says that the client acts on at run time.
//!
//! The tables are generated from the spec by `cargo xtask codegen`
//! (`generated_spec.rs`), never written by hand: which operations may be retried
//! after an ambiguous failure (`x-idempotent`), which statuses each operation
//! documents, which need a bearer token, and which properties hold secrets
//! (`format: password`), and the route prefixes MySafe is served under
//! (`x-route-prefixes`).

pub use crate::generated_spec::{OPERATIONS, ROUTE_PREFIXES, SECRET_PROPERTIES};

/// What the spec says about one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The spec's `operationId`, e.g. `"disable_password"`.
    pub id: &'static str,
    /// `x-idempotent`: running it twice has the effect of running it once, so a
    /// failure that may have reached MySafe is retried.
    pub idempotent: bool,
    /// Whether it needs a bearer token (the token request itself does not).
    pub bearer: bool,
    /// The success statuses the spec documents, ascending.
    pub success: &'static [u16],
    /// The error statuses the spec documents, ascending; every one decodes as
    /// [`crate::types::ErrorBody`].
    pub errors: &'static [u16],
}

/// The operation with this `operationId`, if the spec has it.
///
/// ```
/// let disable = mysafe_client::spec::operation("disable_password").unwrap();
/// assert!(disable.idempotent);
/// assert!(!mysafe_client::spec::operation("create_password").unwrap().idempotent);
/// ```
pub fn operation(id: &str) -> Option<&'static Operation> {
    crate::generated_spec::index(id).map(|index| &OPERATIONS[index])
}

/// Whether a property of this name holds a secret: the spec marks it
/// `format: password` (`"password"`, `"client_secret"`, ...).
pub fn is_secret_property(name: &str) -> bool {
    SECRET_PROPERTIES.binary_search(&name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_found_and_the_names_are_sorted() {
        assert!(OPERATIONS.windows(2).all(|w| w[0].id < w[1].id));
        assert!(SECRET_PROPERTIES.windows(2).all(|w| w[0] < w[1]));
        for op in OPERATIONS {
            assert_eq!(operation(op.id), Some(op));
        }
        assert_eq!(operation("get_and_rotate"), None);
        assert!(is_secret_property("client_secret"));
        assert!(!is_secret_property("identifier"));
    }

    #[test]
    fn the_token_request_needs_no_bearer() {
        let token = operation("get_token").unwrap();
        assert!(!token.bearer);
        assert!(
            OPERATIONS
                .iter()
                .filter(|op| op.id != "get_token")
                .all(|op| op.bearer)
        );
    }
}
